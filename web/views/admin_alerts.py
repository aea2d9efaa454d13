"""Administration: the monitoring sources allowed to post ``POST /api/v1/alerts``; a new
source's token is shown once (as ``alur alerts add-source`` prints it)."""

from typing import Any

from flask import render_template, request
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
    found = paginate(db.session, select(AlertSource).order_by(AlertSource.name),
                     *page_request())
    return render_template("admin/alert_sources.html", sources=found.items, page=found,
                           token=token, errors=errors, kinds=alerts.KINDS
                           ), 422 if errors else 200
