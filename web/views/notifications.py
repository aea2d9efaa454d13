"""The notifications page: escalations and other messages for the user."""

from typing import Any

from flask import Blueprint, redirect, render_template, url_for
from flask_login import current_user, login_required

from engine.escalation import notifications
from web.extensions import clock, db

bp = Blueprint("notifications", __name__, url_prefix="/notifikasi")


@bp.get("/")
@login_required
def index() -> Any:
    return render_template("notifications/index.html",
                           notifications=notifications.for_user(db.session, current_user))


@bp.post("/baca")
@login_required
def mark_read() -> Any:
    notifications.mark_all_read(db.session, clock(), current_user)
    db.session.commit()
    return redirect(url_for("notifications.index"))


@bp.app_context_processor
def unread_count() -> dict[str, Any]:
    if not current_user.is_authenticated:
        return {"unread_notifications": 0}
    return {"unread_notifications": notifications.unread_count(db.session, current_user)}
