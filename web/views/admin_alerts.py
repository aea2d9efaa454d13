"""Administration: the monitoring sources allowed to post ``POST /api/v1/alerts``; a new
source's token, and a source's replaced one, is shown once (as ``alur alerts add-source``
and ``rotate-token`` print it)."""

from typing import Any

from flask import abort, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from engine import settings
from engine.desk import alerts
from engine.errors import InvalidTaskData
from engine.models import AlertSource
from engine.paging import paginate
from engine.process import receipts
from engine.settings_history import actions_history
from web import once
from web.engine_words import fields_in_reader_language
from web.extensions import clock, db
from web.paging import page_request
from web.views.admin import admin_required, bp
from web.views.auth import hash_password

HISTORY_ACTIONS = ("alert_source.added", "alert_source.token_rotated")
HISTORY_PER_PAGE = 20


@bp.route("/sumber-peringatan", methods=["GET", "POST"])
@admin_required
def alert_sources() -> Any:
    token, errors = None, {}
    if request.method == "POST":
        try:
            added, token = alerts.add_source(db.session, clock(), hash_password,
                                             name=request.form.get("name", "").strip(),
                                             kind=request.form.get("kind", ""),
                                             actor=current_user)
        except InvalidTaskData as refused:
            db.session.rollback()
            errors = fields_in_reader_language(refused.fields)
        else:
            db.session.commit()
            return _page(token=token, kind=added.kind, errors={}), 200, \
                {"Cache-Control": "no-store"}
    return _page(token=token, errors=errors), 422 if errors else 200


@bp.route("/sumber-peringatan/<int:source_id>/token", methods=["GET", "POST"])
@admin_required
def rotate_alert_token(source_id: int) -> Any:
    """GET: what replacing the token does, and the button that does it; POST (a form sent
    once: sent again, as by reloading the page that shows the new token, it leads back to
    the list and replaces nothing): the new token, shown in this answer only."""
    source = db.session.get(AlertSource, source_id) or abort(404)
    if request.method == "GET":
        return render_template("admin/alert_token.html", source=source)
    back = url_for("admin.alert_sources")
    try:
        receipt = once.claim_form()
    except receipts.DuplicateForm as duplicate:
        return once.sent_before(duplicate, back)
    token = alerts.rotate_token(db.session, clock(), source, actor=current_user)
    once.done(receipt, back)
    db.session.commit()
    return _page(token=token, rotated=source.name, kind=source.kind, errors={}), 200, \
        {"Cache-Control": "no-store"}


@bp.get("/sumber-peringatan/riwayat")
@admin_required
def alert_source_history() -> Any:
    """Who added a source or replaced its token, and when (``HISTORY_PER_PAGE`` a page)."""
    history = actions_history(db.session, HISTORY_ACTIONS, *page_request(HISTORY_PER_PAGE))
    return render_template("admin/alert_source_history.html", history=history)


def _page(**shown: Any) -> str:
    found = paginate(db.session, select(AlertSource).order_by(AlertSource.name),
                     *page_request())
    return render_template("admin/alert_sources.html", sources=found.items, page=found,
                           kinds=alerts.KINDS, alerts_url=_alerts_url(), **shown)


def _alerts_url() -> str:
    """The full address a monitoring tool posts to: after the office's Alur address
    (Pengaturan) when one is set, else after the address this page was asked at."""
    path = url_for("api.receive_alerts")
    linked = settings.link(db.session, path)
    return linked if linked != path else request.url_root.rstrip("/") + path
