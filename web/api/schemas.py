"""marshmallow schemas of the API, one per resource (requests and responses)."""

from marshmallow import Schema, ValidationError, fields, validate

from engine.escalation.notifications import STORED_KINDS
from engine.people.accounts import MAX_PASSWORD
from engine.process.instances import MAX_REASON
from engine.text import trimmed
from web.api.schemas_common import INSTANCE_STATUS, TASK_STATE, Answer, Username, not_blank


class TokenRequest(Schema):
    username = fields.Str(required=True, validate=validate.Length(min=1, max=64))
    password = fields.Str(required=True, validate=validate.Length(min=1, max=MAX_PASSWORD))


class ProcessSchema(Answer):
    key = fields.Str()
    version = fields.Int()
    name = fields.Str()
    deployed_at = fields.DateTime()
    lanes = fields.List(fields.Str(), attribute="catalog.lanes")


class InstanceSummarySchema(Answer):
    """An instance in a list (``GET /api/v1/instances``)."""

    id = fields.Int()
    number = fields.Str(allow_none=True)
    title = fields.Str()
    status = fields.Str(metadata=INSTANCE_STATUS)
    process_key = fields.Str(attribute="definition.key")
    process_name = fields.Str(attribute="definition.name")
    version = fields.Int(attribute="definition.version")
    started_by = Username("started_by")
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    data = fields.Dict()


def _reason_given(value: str) -> None:
    """Refuse an empty reason, or one of spaces and invisible characters only, in the
    words README gives (the engine says the same to the page's form)."""
    if not trimmed(value):
        raise ValidationError("alasan pembatalan wajib diisi")


class InstanceCancel(Schema):
    # The document's minLength from the metadata: an empty reason is _reason_given's to
    # refuse, in README's words, not the length rule's.
    reason = fields.Str(required=True, metadata={"minLength": 1},
                        validate=[validate.Length(max=MAX_REASON), _reason_given])


class InstanceCreate(Schema):
    process_key = fields.Str(required=True, validate=validate.Length(min=1, max=128))
    # A title of spaces only is refused here, in the same shape as a missing one.
    title = fields.Str(required=True, validate=[validate.Length(min=1, max=300), not_blank])
    data = fields.Dict(keys=fields.Str(), load_default=dict)


class TaskSchema(Answer):
    id = fields.Int()
    instance_id = fields.Int()
    instance_number = fields.Str(attribute="instance.number", allow_none=True)
    instance_title = fields.Str(attribute="instance.title")
    process_key = fields.Str(attribute="instance.definition.key")
    process_name = fields.Str(attribute="instance.definition.name")
    step_id = fields.Str(attribute="bpmn_id")
    name = fields.Str()
    role = fields.Str()
    state = fields.Str(metadata=TASK_STATE)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    claimed_by = Username("claimed_by")
    completed_by = Username("completed_by")
    completed_at = fields.DateTime(allow_none=True)


class ChoiceSchema(Answer):
    value = fields.Str()
    label = fields.Str()
    # The choice sends the case back to an earlier step: a Catatan is then required.
    returns = fields.Bool(dump_default=False)


class FieldSchema(Answer):
    name = fields.Str()
    type = fields.Str()
    required = fields.Bool()
    label = fields.Str()
    choices = fields.List(fields.Nested(ChoiceSchema))


class StepSchema(Answer):
    """A step's catalog entry: its Mutu Baku (Permenpan RB 35/2012) and form fields."""

    no = fields.Str()
    kelengkapan = fields.Str()
    output = fields.Str()
    waktu = fields.Str()
    keterangan = fields.Str()
    time_standard = fields.Str(attribute="duration", allow_none=True)
    fields = fields.List(fields.Nested(FieldSchema))


class TaskComplete(Schema):
    data = fields.Dict(keys=fields.Str(), load_default=dict)


class HistorySchema(Answer):
    """An audit record; a completed step's also carries its ``decision`` and ``note``."""

    at = fields.DateTime()
    action = fields.Str()
    actor = Username("actor")
    task_id = fields.Int(attribute="human_task_id", allow_none=True)
    detail = fields.Dict()
    decision = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)


class InstanceErrorSchema(Answer):
    """Why an instance is in Galat (status "error"): message, BPMN element, since when."""

    message = fields.Str()
    element = fields.Str(allow_none=True)
    at = fields.DateTime()


class InstanceSchema(Answer):
    id = fields.Int()
    number = fields.Str(allow_none=True)
    title = fields.Str()
    status = fields.Str(metadata=INSTANCE_STATUS)
    data = fields.Dict()
    process_key = fields.Str(attribute="definition.key")
    process_name = fields.Str(attribute="definition.name")
    version = fields.Int(attribute="definition.version")
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    error = fields.Nested(InstanceErrorSchema, allow_none=True)
    open_tasks = fields.List(fields.Nested(TaskSchema))
    history = fields.List(fields.Nested(HistorySchema), metadata={
        "description": "100 catatan terbaru, terlama dulu; semuanya: GET .../history"})
    history_total = fields.Int(metadata={"description": "jumlah seluruh catatan riwayat"})


class InstanceBriefSchema(InstanceSchema):
    """The instance in the answer to a completed step: as ``InstanceSchema``, its open
    tasks as the step left them, and ``history`` with ``history_total`` only when asked
    for (``?include=history``)."""

    OPTIONAL = ("history", "history_total")


class NotificationSchema(Answer):
    id = fields.Int()
    kind = fields.Str(metadata={"enum": list(STORED_KINDS)})
    role = fields.Str()
    message = fields.Str()
    task_id = fields.Int(attribute="human_task_id", allow_none=True)
    created_at = fields.DateTime()
    read_at = fields.DateTime(allow_none=True)
