"""marshmallow schemas of the service desk API (tickets, ratings, alerts)."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engine.desk.tickets import STATUS_WORDS
from web.api.schemas_common import Answer, not_blank


class JsonBool(fields.Boolean):
    """JSON ``true`` or ``false`` and nothing else (marshmallow's ``Bool`` takes ``1`` and
    ``1.0`` as true even with ``truthy={True}``: ``1 == True`` in Python)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise ValidationError("harus true atau false (JSON)")
        return value


class RatingCreate(Schema):
    """``POST /api/v1/instances/<id>/rating``: the score is checked by the engine (422
    naming ``score``), so any JSON value passes here; the document says what it takes."""

    score = fields.Raw(required=True, metadata={"type": "integer", "minimum": 1,
                                                "maximum": 5})
    comment = fields.Str(load_default="", validate=validate.Length(max=2000))


class RatingSchema(Answer):
    instance_id = fields.Int()
    score = fields.Int(allow_none=True)
    comment = fields.Str()
    rated_at = fields.DateTime()


class TicketMessageCreate(Schema):
    text = fields.Str(required=True, validate=[validate.Length(min=1, max=2000), not_blank])
    asks = JsonBool(load_default=False)


class TicketFileSchema(Answer):
    """The file of a thread message: download it at ``GET /api/v1/attachments/<id>``;
    ``size`` in bytes."""

    id = fields.Int(required=True)
    filename = fields.Str(required=True)
    content_type = fields.Str(required=True)
    size = fields.Int(required=True)


class TicketMessageSchema(Answer):
    id = fields.Int()
    from_requester = fields.Bool()
    asks = fields.Bool()
    author = fields.Str()
    text = fields.Str()
    at = fields.DateTime()
    file = fields.Nested(TicketFileSchema, allow_none=True)


class TicketRatingSchema(Answer):
    """The requester's rating (score null: closed without one); ``at`` ISO 8601 as every
    time of the API."""

    score = fields.Int(allow_none=True)
    comment = fields.Str(allow_none=True)
    at = fields.DateTime()


class TicketCancelledSchema(Answer):
    """Why a cancelled ticket was cancelled; ``by_requester``: by the requester himself,
    else by the desk (whose names stay the desk's)."""

    by_requester = fields.Bool(required=True)
    reason = fields.Str(required=True)


class TicketSchema(Answer):
    """The requester's view of an instance: no internal notes, no internal steps."""

    id = fields.Int()
    number = fields.Str(allow_none=True)
    title = fields.Str()
    process = fields.Str()
    status = fields.Str(validate=validate.OneOf(STATUS_WORDS))  # the document's enum
    priority = fields.Str(allow_none=True)
    request = fields.List(fields.Dict(keys=fields.Str(), values=fields.Str()))
    started_at = fields.DateTime()
    completed_at = fields.DateTime(allow_none=True)
    deadline = fields.DateTime(allow_none=True)
    messages = fields.List(fields.Nested(TicketMessageSchema))
    messages_total = fields.Int()
    rating = fields.Nested(TicketRatingSchema, allow_none=True)
    cancelled = fields.Nested(TicketCancelledSchema, allow_none=True)


class AlertmanagerAlert(Schema):
    """One alert of the webhook; its other keys (``generatorURL``) are left out."""

    class Meta:
        unknown = "exclude"

    status = fields.Str(required=True, validate=validate.OneOf(["firing", "resolved"]))
    labels = fields.Dict(keys=fields.Str(), values=fields.Str(), required=True)
    annotations = fields.Dict(keys=fields.Str(), values=fields.Str(), load_default=dict)
    startsAt = fields.AwareDateTime(required=True)  # Alertmanager's field names
    endsAt = fields.Str(load_default="")
    fingerprint = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class AlertmanagerWebhook(Schema):
    """Alertmanager's webhook body, version 4 (unknown top-level keys are kept out)."""

    class Meta:
        unknown = "exclude"

    version = fields.Str(required=True, validate=validate.Equal("4"))
    alerts = fields.List(fields.Nested(AlertmanagerAlert, unknown="exclude"), required=True,
                         validate=validate.Length(min=1, max=500,
                                                  error="berisi 1 sampai 500 peringatan"))


class KumaMonitor(Schema):
    class Meta:
        unknown = "exclude"

    id = fields.Int(required=True, strict=True)  # 1.5 is no monitor, nor monitor 1
    name = fields.Str(required=True, validate=validate.Length(min=1, max=200))


class KumaHeartbeat(Schema):
    class Meta:
        unknown = "exclude"

    # 0 down, 1 up; 2 pending and 3 maintenance (Uptime Kuma's other states) change nothing.
    status = fields.Int(required=True, validate=validate.OneOf([0, 1, 2, 3]))
    time = fields.Str(required=True)
    msg = fields.Str(load_default="")


class UptimeKumaWebhook(Schema):
    """Uptime Kuma's webhook body (``monitor``, ``heartbeat`` with status 0 down / 1 up, or
    2 pending / 3 maintenance, which open and close nothing);
    its Test button sends both as null (``web.api.alerts``: a test, nothing opened)."""

    class Meta:
        unknown = "exclude"

    monitor = fields.Nested(KumaMonitor, required=True, allow_none=True)
    heartbeat = fields.Nested(KumaHeartbeat, required=True, allow_none=True)
    msg = fields.Str(load_default="")
