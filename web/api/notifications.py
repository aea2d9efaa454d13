"""Notifications through the API: the caller's list (paginated), mark one or all read."""

from typing import Any

from flask import g, jsonify

from engine.escalation import notifications
from web.api import bp
from web.api.auth import token_required
from web.api.common import load_query, page_of
from web.api.openapi import doc
from web.api.schemas import NotificationSchema
from web.api.schemas_common import PageQuery
from web.api.schemas_work import MarkedSchema, NotificationPageSchema
from web.extensions import clock, db

TAG = "notifikasi"


@bp.get("/notifications")
@doc("Notifikasi pemanggil (terbaru dulu, paling banyak 200), jumlah belum dibaca",
     query=PageQuery, tag=TAG, responses={200: NotificationPageSchema})
@token_required
def list_notifications() -> Any:
    query = load_query(PageQuery())
    found = notifications.for_user(db.session, g.user)
    shown = NotificationSchema(many=True).dump(page_of(found, query["page"], query["per_page"]))
    return jsonify(unread=notifications.unread_count(db.session, g.user),
                   notifications=shown, items=shown, total=len(found), page=query["page"],
                   per_page=query["per_page"])


@bp.post("/notifications/<int:notification_id>/read")
@doc("Tandai satu notifikasi dibaca", tag=TAG, responses={200: NotificationSchema})
@token_required
def mark_notification_read(notification_id: int) -> Any:
    found = notifications.mark_read(db.session, clock(), g.user, notification_id)
    db.session.commit()
    return jsonify(NotificationSchema().dump(found))


@bp.post("/notifications/read")
@doc("Tandai semua notifikasi dibaca", tag=TAG, responses={200: MarkedSchema})
@token_required
def mark_all_notifications_read() -> Any:
    marked = notifications.mark_all_read(db.session, clock(), g.user)
    db.session.commit()
    return jsonify(marked=marked, unread=notifications.unread_count(db.session, g.user))
