"""Notifications through the API: the caller's list (filtered, paginated), the unread
count, mark one or all read."""

from datetime import datetime
from typing import Any

from flask import g, jsonify

from engine.escalation import notifications
from web.api import bp
from web.api.auth import token_required
from web.api.common import load_query
from web.api.openapi import doc
from web.api.schemas_notifications import (
    MarkedSchema,
    NotificationItemSchema,
    NotificationListSchema,
    NotificationQuery,
    UnreadCountSchema,
)
from web.extensions import clock, db
from web.list_filters import office_midnight, read_day

TAG = "notifikasi"


@bp.get("/notifications")
@doc("Notifikasi pemanggil (terbaru dulu), disaring: unread, kind, process_key, since, until",
     query=NotificationQuery, tag=TAG, responses={200: NotificationListSchema})
@token_required
def list_notifications() -> Any:
    query = load_query(NotificationQuery())
    found, total = notifications.page_for_user(
        db.session, g.user, unread_only=query["unread"], kind=query["kind"],
        process_key=query["process_key"], since=_midnight(query["since"]),
        before=_midnight(query["until"], end=True), page=query["page"],
        per_page=query["per_page"])
    shown = NotificationItemSchema(many=True).dump(found)
    return jsonify(unread=notifications.unread_count(db.session, g.user),
                   notifications=shown, items=shown, total=total, page=query["page"],
                   per_page=query["per_page"])


@bp.get("/notifications/unread-count")
@doc("Jumlah notifikasi belum dibaca (satu COUNT; untuk penanda menu)", tag=TAG,
     responses={200: UnreadCountSchema})
@token_required
def unread_notifications() -> Any:
    return jsonify(unread=notifications.unread_count(db.session, g.user))


@bp.post("/notifications/<int:notification_id>/read")
@doc("Tandai satu notifikasi dibaca", tag=TAG, responses={200: NotificationItemSchema})
@token_required
def mark_notification_read(notification_id: int) -> Any:
    """The notification as the list shows it (``level``, ``label``, ``state`` ...)."""
    notifications.mark_read(db.session, clock(), g.user, notification_id)
    db.session.commit()
    [item], _ = notifications.page_for_user(db.session, g.user, only=notification_id)
    return jsonify(NotificationItemSchema().dump(item))


@bp.post("/notifications/read")
@doc("Tandai semua notifikasi dibaca", tag=TAG, responses={200: MarkedSchema})
@token_required
def mark_all_notifications_read() -> Any:
    marked = notifications.mark_all_read(db.session, clock(), g.user)
    db.session.commit()
    return jsonify(marked=marked, unread=notifications.unread_count(db.session, g.user))



def _midnight(day: str | None, end: bool = False) -> datetime | None:
    """``office_midnight`` of a day the query schema let through, None for no day."""
    return office_midnight(read_day(day.strip()), end) if day and day.strip() else None
