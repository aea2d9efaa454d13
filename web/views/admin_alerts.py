"""Administration: the monitoring sources allowed to post ``POST /api/v1/alerts``; a new
source's token, and a source's replaced one, is shown once (as ``alur alerts add-source``
and ``rotate-token`` print it)."""

from typing import Any

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from engine.desk import alerts
from engine.errors import InvalidTaskData
from engine.models import AlertSource
from engine.paging import paginate
from web.extensions import clock, db
from web.paging import page_request
from web.views.admin import admin_required, bp
from web.views.auth import hash_password


@bp.route("/sumber-peringatan", methods=["GET", "POST"])
@admin_required
def alert_sources() -> Any:
    token, errors = None, {}
    if request.method == "POST":
        try:
            _, token = alerts.add_source(db.session, clock(), hash_password,
                                         name=request.form.get("name", "").strip(),
                                         kind=request.form.get("kind", ""),
                                         actor=current_user)
        except InvalidTaskData as refused:
            db.session.rollback()
            errors = refused.fields
        else:
            db.session.commit()
    return _page(token=token, errors=errors), 422 if errors else 200


@bp.post("/sumber-peringatan/<int:source_id>/token")
@admin_required
def rotate_alert_token(source_id: int) -> Any:
    source = db.session.get(AlertSource, source_id) or abort(404)
    token = alerts.rotate_token(db.session, clock(), source, actor=current_user)
    db.session.commit()
    return _page(token=token, rotated=source.name, errors={})


def _page(**shown: Any) -> str:
    found = paginate(db.session, select(AlertSource).order_by(AlertSource.name),
                     *page_request())
    return render_template("admin/alert_sources.html", sources=found.items, page=found,
                           kinds=alerts.KINDS, **shown)
