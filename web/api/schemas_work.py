"""Schemas of the API's answers and requests for the work of a role holder: tasks,
comments, attachments, notifications (README, "API JSON")."""

from marshmallow import Schema, fields, validate

from engine.bpmn.conventions import TICKET_PRIORITIES
from engine.process.attachments import MAX_COMMENT
from engine.process.inbox import DEFAULT_SORT, INBOX_STATES, INBOX_VIEWS, MAX_SEARCH, SORTS
from engine.process.lists import STATUSES
from web.api.schemas import (
    FieldSchema,
    HistorySchema,
    InstanceBriefSchema,
    InstanceSummarySchema,
    ProcessSchema,
    TaskSchema,
)
from web.api.schemas_case import CaseSchema
from web.api.schemas_common import (
    TASK_STATE,
    Answer,
    PageQuery,
    PageSchema,
    QueryWhole,
    Username,
    deployed_sop,
    not_blank,
)


class TokenSchema(Schema):
    token = fields.Str(required=True)
    expires_at = fields.DateTime(required=True, metadata={
        "description": "saat token berakhir (ALUR_TOKEN_MAX_AGE sesudah diterbitkan), kecuali "
                       "dicabut lebih awal"})


class ProcessDetailSchema(ProcessSchema):
    start_form = fields.Dict(allow_none=True)


class DeployedSchema(Schema):
    key = fields.Str(required=True)
    version = fields.Int(required=True)
    name = fields.Str(required=True)
    created = fields.Bool(required=True)
    active = fields.Bool(required=True)
    unheld_lanes = fields.List(fields.Str(), required=True, metadata={
        "description": "lane berisi user task yang kini tidak dipegang siapa pun (tidak ada "
                       "pemegang aktif, tidak ada Plh/Plt): proses berhenti di langkahnya"})
    same_as_version = fields.Int(required=True, allow_none=True, metadata={
        "description": "versi lama yang berkasnya diulang versi baru ini (cukup mengaktifkan "
                       "versi itu); null bila tidak ada"})
    removed_form_fields = fields.Int(required=True, metadata={
        "description": "jumlah kolom formulir versi yang aktif sebelum unggahan ini yang "
                       "tidak ada di versi ini (0 bila versi ini sudah aktif sebelumnya)"})


class InstancePageSchema(PageSchema):
    items = fields.List(fields.Nested(InstanceSummarySchema), required=True)


class InstanceQuery(PageQuery):
    scope = fields.Str(load_default="mine", validate=validate.OneOf(["mine", "unit", "all"]))
    status = fields.Str(validate=validate.OneOf(  # empty: every status, not a choice to list
        ["", *STATUSES], error=f"harus salah satu dari: {', '.join(STATUSES)}"))
    process_key = fields.Str(validate=[validate.Length(max=128), deployed_sop])
    q = fields.Str(validate=validate.Length(max=100))


class TaskQuery(PageQuery):
    """The inbox's pages (up to 100 tasks each, 100 by default), view, filters, search
    and sort (``engine.process.inbox``; README, "API JSON")."""

    per_page = QueryWhole(load_default=100, validate=validate.Range(min=1, max=100))
    view = fields.Str(load_default="semua", validate=validate.OneOf(INBOX_VIEWS))
    process_key = fields.Str(validate=[validate.Length(max=128), deployed_sop])
    state = fields.Str(validate=validate.OneOf(INBOX_STATES))
    q = fields.Str(validate=validate.Length(max=MAX_SEARCH))
    sort = fields.Str(load_default=DEFAULT_SORT, validate=validate.OneOf(
        [*SORTS, *(f"-{key}" for key in SORTS)]))


class InboxTaskSchema(Answer):
    """One task of the inbox: ``TaskSchema``'s fields read from an ``InboxRow``, with the
    instance number, whether its ticket waits for the requester (``waiting``: such a task is
    left out of the views ``state=terlambat`` and ``hari_ini``, README "API JSON") and its
    ticket's priority."""

    id = fields.Int()
    instance_id = fields.Int()
    instance_number = fields.Str(attribute="number", allow_none=True)
    instance_title = fields.Str()
    process_key = fields.Str()
    process_name = fields.Str()
    step_id = fields.Str()
    name = fields.Str()
    role = fields.Str()
    state = fields.Str(metadata=TASK_STATE)
    created_at = fields.DateTime()
    due_at = fields.DateTime(allow_none=True)
    waiting = fields.Bool(metadata={"description": "tiket menunggu pemohon: waktu berhenti, "
                                                   "due_at bergeser sesudah jawabannya"})
    priority = fields.Str(allow_none=True, validate=validate.OneOf(["", *TICKET_PRIORITIES]),
                          metadata={
        "description": "prioritas tiket (kritis, mayor, minor) yang menentukan SLA-nya, "
                       "yaitu batas waktu langkah penyelesaiannya; \"\" bila belum ditetapkan "
                       "(dihitung minor); null untuk SOP selain tiket"})
    claimed_by = fields.Str(allow_none=True)
    # An inbox task is open: never completed (kept for the same shape as TaskSchema).
    completed_by = fields.Str(allow_none=True, dump_default=None)
    completed_at = fields.DateTime(allow_none=True, dump_default=None)


class SubmittedSchema(Answer):
    decision = fields.Str(allow_none=True)
    note = fields.Str(allow_none=True)
    data = fields.Dict()


class TaskDetailSchema(TaskSchema):
    """A task with its step's Mutu Baku, fields, declared form and (one task) case file."""

    class Meta:
        unknown = "include"

    OPTIONAL = ("case", "submitted")
    no = fields.Str()
    kelengkapan = fields.Str()
    output = fields.Str()
    waktu = fields.Str()
    keterangan = fields.Str()
    time_standard = fields.Str(allow_none=True)
    form = fields.Dict(allow_none=True)
    case = fields.Nested(CaseSchema)
    submitted = fields.Nested(SubmittedSchema, allow_none=True)
    fields = fields.List(fields.Nested(FieldSchema))


class CompleteQuery(Schema):
    include = fields.Str(validate=validate.OneOf(["history"]),
                         metadata={"description": "history: sertakan riwayat proses"})


class CompletedSchema(Schema):
    task = fields.Nested(TaskDetailSchema, required=True)
    instance = fields.Nested(InstanceBriefSchema, required=True)


class AssignRequest(Schema):
    assignee = fields.Str(required=True, validate=validate.Length(min=1, max=64),
                          metadata={"description": "nama pengguna pemegang peran tugas"})


class CommentRequest(Schema):
    text = fields.Str(required=True,
                      validate=[validate.Length(min=1, max=MAX_COMMENT), not_blank])


class CommentSchema(Answer):
    id = fields.Int(required=True)
    instance_id = fields.Int(required=True)
    task_id = fields.Int(attribute="human_task_id", allow_none=True)
    author = Username("author", required=True)
    text = fields.Str(required=True)
    created_at = fields.DateTime(required=True)


class HistoryPageSchema(PageSchema):
    items = fields.List(fields.Nested(HistorySchema), required=True)


class CommentPageSchema(PageSchema):
    items = fields.List(fields.Nested(CommentSchema), required=True)


class AttachmentSchema(Answer):
    id = fields.Int(required=True)
    instance_id = fields.Int(required=True)
    task_id = fields.Int(attribute="human_task_id", allow_none=True)
    filename = fields.Str(required=True)
    content_type = fields.Str(required=True)
    size = fields.Int(required=True)
    sha256 = fields.Str(required=True)
    uploaded_by = Username("uploaded_by")
    uploaded_at = fields.DateTime(required=True)


class AttachmentPageSchema(PageSchema):
    items = fields.List(fields.Nested(AttachmentSchema), required=True)
