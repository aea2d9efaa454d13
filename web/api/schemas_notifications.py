"""Schemas of the notification API: the filtered page, one item as shown, the unread count."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from engine.escalation.notifications import KINDS
from web.api.schemas import NotificationSchema
from web.api.schemas_common import TASK_STATE, PageQuery, PageSchema, deployed_sop
from web.list_filters import read_day
from web.notification_words import show


def _day(text: str) -> None:
    """Refuse a day that is not ``YYYY-MM-DD`` of the years 2000–2100 (``read_day``, as the
    page's ``dari``/``sampai``)."""
    if read_day(text.strip()) is None:  # padded, as the page's dari/sampai take it
        raise ValidationError("bukan tanggal TTTT-BB-HH tahun 2000–2100")


class NotificationQuery(PageQuery):
    """Filters of ``GET /api/v1/notifications``: ``unread`` (only unread), ``kind`` (the
    page's "jenis": ``pengingat`` is level 1, ``eskalasi`` levels 2+), ``process_key``,
    and ``since``/``until``: days ``YYYY-MM-DD`` in the office's time zone, both included
    (the page's ``dari``/``sampai``)."""

    unread = fields.Bool(load_default=False)
    kind = fields.Str(load_default=None, validate=validate.OneOf(sorted(KINDS)))
    process_key = fields.Str(load_default=None, validate=[validate.Length(min=1, max=128),
                                                          deployed_sop])
    since = fields.Str(load_default=None, validate=_day,
                       metadata={"format": "date", "example": "2026-12-01"})
    until = fields.Str(load_default=None, validate=_day,
                       metadata={"format": "date", "example": "2026-12-31"})

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        if data.get("since") and data.get("until") and (
                read_day(data["until"].strip()) < read_day(data["since"].strip())):  # "2026-1-5" is a day too
            raise ValidationError("until sebelum since: tanggal akhir harus sama dengan atau "
                                  "sesudah tanggal awal", "until")


class NotificationItemSchema(NotificationSchema):
    """A notification as the centre shows it: ``label``, ``text`` and ``state`` rendered
    in the caller's language (Indonesian through the API); ``message`` is the stored
    sentence, as before; ``task_state`` ``open``/``completed``/``cancelled`` or null."""

    level = fields.Int(allow_none=True)
    label = fields.Method("_label", metadata={"type": "string"})
    text = fields.Method("_text", metadata={"type": "string"})
    state = fields.Method("_state", metadata={"type": "string"})
    task_state = fields.Str(allow_none=True, metadata={"enum": [*TASK_STATE["enum"], None]})
    instance_id = fields.Int(allow_none=True)
    process_key = fields.Str(allow_none=True)

    def _label(self, item: Any) -> str:
        return show(item).label

    def _text(self, item: Any) -> str:
        return show(item).text

    def _state(self, item: Any) -> str:
        return show(item).state


class NotificationListSchema(PageSchema):
    """``notifications`` (the page, as before pagination) equals ``items``; ``total`` counts
    every notification matching the filters; ``unread`` all unread ones."""

    unread = fields.Int(required=True)
    notifications = fields.List(fields.Nested(NotificationItemSchema), required=True)
    items = fields.List(fields.Nested(NotificationItemSchema), required=True)


class UnreadCountSchema(Schema):
    unread = fields.Int(required=True)


class MarkedSchema(Schema):
    marked = fields.Int(required=True)
    unread = fields.Int(required=True)
