"""Starting a process instance, the lists of instances, and one instance: its case,
history and diagram, comments, and cancelling it."""

import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.desk import sla
from engine.errors import InstanceEnded, InvalidTaskData, NotFound, PermissionDenied, ProcessFailure
from engine.paging import Page
from engine.people.access import REQUESTER_PROCESSES
from engine.people.holders import unheld_roles
from engine.process import attachments, instances, lists, receipts
from engine.process.deploy import active_definition, active_rows
from engine.process.standing import SHOWN_STEPS, late, open_steps
from web import addresses, once
from web.access import access, refuse_outside_lanes
from web.diagrams import diagram_response
from web.edge import EVERY_FIELD, checks_own_text, unkept_fields
from web.engine_words import fields_in_reader_language, in_reader_language
from web.errors import refuse_parameter, wants_json
from web.extensions import clock, db
from web.field_values import posted_values
from web.http_exceptions import ParameterRefused
from web.list_filters import day_range, sop_filter
from web.paging import page_request
from web.time_words import counts_wall_clock, span_text, step_standard
from web.views import desk
from web.views.case import all_fields, instances_table
from web.views.reports.downloads import asked_format, asked_separator, report_heading
from web.views.reports.export import export
from web.views.start import after_start, failed_start, render_start, repeat_notice, start_values

bp = Blueprint("instances", __name__, url_prefix="/proses")

# The pages a comment form is on: a process page, a task page.
COMMENTED_PAGE = re.compile(r"/(?:proses|tugas)/[0-9]{1,18}")
SCOPES = {"saya": "mine", "unit": "unit", "semua": "all"}
MAX_EXPORT = 10_000  # rows in one CSV/XLSX export of a list


@bp.get("/")
@login_required
def index() -> Any:
    scope = request.args.get("cakupan") or "saya"
    if scope not in SCOPES:  # never another list than the one asked for
        refuse_parameter("cakupan", gettext(
            'Cakupan "%(value)s" tidak dikenal; pilih saya, unit atau semua.', value=scope[:20]))
    fmt, sep = asked_format(), asked_separator()
    page, per_page = page_request()
    try:
        filters = _filters(scope)
    except ParameterRefused as refused:
        if wants_json():
            raise
        return _render_index(scope, Page([], 0, 1, per_page), refused=refused), 400
    if fmt is not None:
        rows, _ = lists.export_instances(db.session, clock(), current_user, MAX_EXPORT,
                                         **filters)
        return export([instances_table(rows, lists.shown_data(db.session, access(), rows),
                                       lists.late_ids(db.session, clock(), rows))],
                      fmt, f"daftar-proses-{scope}", sep, heading=report_heading("Daftar Proses"))
    found = lists.list_instances(db.session, clock(), current_user, **filters, page=page,
                                 per_page=per_page)
    return _render_index(scope, found)


def _filters(scope: str) -> dict[str, Any]:
    """The list's filters from the query string, for ``lists.list_instances``.

    Raises:
        ParameterRefused: a status, SOP or day that is not one, or a reversed range.
    """
    status = request.args.get("status") or None
    if status is not None and status not in lists.STATUSES:  # never all rows for a typo
        refuse_parameter("status", gettext(
            'Status "%(value)s" tidak dikenal; pilih berjalan, terlambat, selesai, dibatalkan '
            "atau galat.", value=status[:20]))
    started_from, started_to = day_range(gettext("Dimulai sejak"), gettext("Dimulai sampai"))
    return {"scope": SCOPES[scope], "process_key": sop_filter(),
            "status": status, "started_from": started_from, "started_to": started_to,
            "search": request.args.get("cari") or None}


def _render_index(scope: str, found: Page, refused: ParameterRefused | None = None) -> str:
    """The list page with ``found``'s rows; ``refused``: the filter it could not read,
    said in its form (no rows)."""
    may_open = lists.openable(db.session, access(), found.items)
    standing = open_steps(db.session, found.items)
    return render_template(
        "instances/index.html", items=found.items, total=found.total, page=found,
        scope=scope, args=request.args, definitions=active_rows(db.session),
        links=_row_links(found.items, may_open), max_export=MAX_EXPORT,
        late=late(standing, clock().now()), shown_steps=SHOWN_STEPS, refused=refused,
        standing={key: steps for key, steps in standing.items() if key in may_open},
        # His own ticket's steps are the desk's to name: only whether it waits for him.
        tickets={key: any(step.waiting for step in steps) for key, steps in standing.items()
                 if key not in may_open})


def _row_links(items: list[Any], may_open: set[int]) -> dict[int, str]:
    """Where each listed instance's number leads: its process page when the user may open
    it (``may_open``: ids), else the ticket he started at the front door; a row with
    neither (a process whose step he completed as a Plh/Plt since ended) has no link."""
    links = {}
    for item in items:
        if item.id in may_open:
            links[item.id] = url_for("instances.show", instance_id=item.id)
        elif item.started_by_id == current_user.id and \
                item.definition.key in REQUESTER_PROCESSES:
            links[item.id] = url_for("desk.show", instance_id=item.id)
    return links


@bp.route("/baru", methods=["GET", "POST"])
@login_required
@checks_own_text(EVERY_FIELD)
def new() -> Any:
    """Mulai Proses: choose an SOP the user may start (grouped, searchable), then its form.
    An SOP the user may not start is refused (403) with the typed title kept."""
    search = (request.args.get("cari") or "").strip()
    key = request.values.get("process_key") or None
    if key is None:
        errors = ({**unkept_fields(), "process_key": gettext("pilih SOP")}
                  if request.method == "POST" else {})
        return render_start(None, errors, request.values, search, 422 if errors else 200)
    chosen = _definition(key)
    if chosen is None or not access().may_start(chosen):
        return _refused(chosen, key, search)
    if request.method == "GET":
        return render_start(chosen, {}, start_values(chosen, request.values), search, 200)
    if unkept_fields():
        return render_start(chosen, unkept_fields(), request.values, search, 422)
    form = chosen.catalog.get("start_form")
    try:
        receipt = once.claim_form()
        instance = instances.start_instance(
            db.session, clock(), process_key=key, title=request.form.get("title", ""),
            user=current_user, data=posted_values(form) if form else {})
    except receipts.DuplicateForm as duplicate:
        return once.sent_before(duplicate, url_for("instances.index", cakupan="saya"))
    except InvalidTaskData as invalid:
        db.session.rollback()
        return render_start(chosen, invalid.fields, request.values, search, 422)
    except ProcessFailure as failed:
        db.session.rollback()
        return render_start(chosen, {"process_key": failed_start(failed, key)}, request.values,
                            search, 422, flow_failed=True)
    except (PermissionDenied, NotFound):
        db.session.rollback()
        return _refused(chosen, key, search)
    # Read before the commit, which would expire them.
    number, title, target = instance.number, instance.title, after_start(instance)
    once.done(receipt, target)
    # A requester led to his ticket filed a ticket: the words of his pages, not "proses".
    filed = not access().may_view_instance(instance)
    twin = repeat_notice(instance, ticket=filed)
    db.session.commit()
    flash(gettext("Tiket %(number)s diterima.", number=number) if filed
          else gettext('Proses %(number)s "%(title)s" dimulai.', number=number, title=title),
          "success")
    if twin:
        flash(twin, "warning")
    return redirect(target)


def _refused(definition: Any, key: str, search: str) -> Any:
    """The list of SOPs the user may start, saying why ``key`` was refused."""
    if definition is None:
        message = gettext('SOP "%(key)s" tidak ada atau belum diaktifkan. Pilih SOP di bawah.',
                          key=key[:100])
        return render_start(None, {"process_key": message}, request.values, search, 422)
    message = gettext('Anda tidak dapat memulai SOP "%(name)s": SOP ini dimulai oleh '
                      "pemegang peran %(roles)s. Pilih SOP lain di bawah.",
                      name=definition.name, roles=", ".join(definition.catalog["lanes"]))
    return render_start(None, {"process_key": message}, request.values, search, 403)


@bp.get("/<int:instance_id>")
@login_required
def show(instance_id: int) -> Any:
    """The process page; for the requester of a ticket who may not see it (no role in its
    SOP: a notification's or a shared address), his ticket page instead."""
    instance = instances.get_instance(db.session, instance_id)
    if not access().may_view_instance(instance):
        if access().may_follow_ticket(instance):
            return redirect(url_for("desk.show", instance_id=instance.id))
        refuse_outside_lanes()
    return _render_show(instance, {})


def _render_show(instance: Any, errors: dict[str, str]) -> Any:
    """The process page, with ``errors`` (field -> the engine's message) beside their
    fields in the reader's language, as the task and ticket pages show theirs (422)."""
    steps = instances.instance_tasks(db.session, instance)
    now = clock().now()
    # Each step on its own clock: a kritis ticket's step in wall-clock hours against the
    # Waktu its case gave it, not office minutes against the SOP's default Waktu.
    # A ticket's waits for its requester are not the desk's time (its steps' deadlines
    # moved by them): left out here too, as the step page does (the desk probe).
    paused = sla.paused_spans(db.session, instance, now) \
        if instance.definition.key in REQUESTER_PROCESSES else []
    taken = {t.id: (span_text(t.created_at, t.completed_at or now, counts_wall_clock(t),
                              paused), step_standard(t)) for t in steps.items}
    late = {t.id for t in steps.items
            if t.due_at is not None and (t.completed_at or now) > t.due_at}
    history = instances.history(db.session, instance)
    files, comments = attachments.of_instance(db.session, instance.id)
    return render_template(
        "instances/show.html", instance=instance, steps=steps, taken=taken, late=late,
        marks=instances.diagram_marks(db.session, instance, now),
        case={"all_fields": all_fields(instance)},
        history=history, history_steps=instances.tasks_named(db.session, history.items),
        history_people=instances.people_named(db.session, history.items),
        attachments=files, comments=comments, errors=fields_in_reader_language(errors),
        upload_rounds=attachments.upload_rounds(db.session, files.items),
        superseded=attachments.superseded(files.items),
        may_cancel=instances.may_cancel(db.session, instance, current_user),
        desk_cancel=instance.definition.key in REQUESTER_PROCESSES and not (
            current_user.is_admin or instance.started_by_id == current_user.id),
        standing=open_steps(db.session, [instance]).get(instance.id), shown_steps=SHOWN_STEPS,
        unheld=unheld_roles(db.session, sorted({t.role for t in steps.items
                                                if t.state == "open"}), now)
    ), 422 if errors else 200


@bp.get("/<int:instance_id>/riwayat")
@login_required
def history(instance_id: int) -> Any:
    instance = lists.instance_row(db.session, instance_id)
    if not access().may_view_instance(instance):
        refuse_outside_lanes()
    found = instances.history_page(db.session, instance.id, *page_request())
    return render_template("instances/history.html", instance=instance, page=found,
                           history=found.items,
                           history_steps=instances.tasks_named(db.session, found.items),
                           history_people=instances.people_named(db.session, found.items))


@bp.get("/<int:instance_id>/komentar")
@login_required
def comments(instance_id: int) -> Any:
    """Every comment of the process, oldest first, a page at a time: the process page shows
    the newest ``LATEST`` only, and the first ones (often the case's context) could not be
    read elsewhere but through the API (the lists probe)."""
    instance = lists.instance_row(db.session, instance_id)
    if not access().may_view_instance(instance):
        refuse_outside_lanes()
    found = attachments.comments_page(db.session, instance.id, *page_request())
    return render_template("instances/comments.html", instance=instance, page=found)


@bp.post("/<int:instance_id>/komentar")
@login_required
@checks_own_text("komentar")
def add_comment(instance_id: int) -> Any:
    """A comment on the process; one refused (empty, too long, a control character pasted
    into it: taken out, and said beside the box) comes back on the process page with its
    text, 422, nothing stored."""
    instance = _visible_instance(instance_id)
    back = _comment_page(instance_id) + "#komentar"
    if unkept_fields():
        return _render_show(instance, unkept_fields())
    try:
        once.done(once.claim_form(), back)
        attachments.comment_on_instance(db.session, clock(), instance, current_user,
                                        request.form.get("komentar", ""))
    except receipts.DuplicateForm as duplicate:
        return once.sent_before(duplicate, back)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return _render_show(instance, invalid.fields)
    db.session.commit()
    return redirect(back)


def _comment_page(instance_id: int) -> str:
    """Back to the task or process page the comment was written on; after a refused post
    the browser is on a POST-only address (``…/komentar``, ``…/lampiran``), which a
    redirect cannot reopen (405), so the process page instead."""
    came_from = addresses.split(request.referrer or "")
    if (came_from is not None and came_from.netloc == request.host
            and COMMENTED_PAGE.fullmatch(came_from.path)):
        return came_from.path
    return url_for("instances.show", instance_id=instance_id)


@bp.post("/<int:instance_id>/batalkan")
@login_required
def cancel(instance_id: int) -> Any:
    """Cancel from the process page, or from his ticket page (``dari=tiket``; always for a
    requester who may not open the process page) by its requester (README "Layanan TI");
    back to the page it came from, in its words; one that has ended already (the form
    sent twice) goes back there too, saying so."""
    instance = instances.get_instance(db.session, instance_id)
    may_view = access().may_view_instance(instance)
    if not may_view and not access().may_follow_ticket(instance):
        abort(403)
    on_ticket = not may_view or (request.form.get("dari") == "tiket"
                                 and instance.definition.key in REQUESTER_PROCESSES)
    try:
        instances.cancel_instance(db.session, clock(), instance_id, current_user,
                                  request.form.get("reason", ""), on_ticket=on_ticket)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return desk.show(instance_id, invalid.fields) if on_ticket else \
            _render_show(instance, invalid.fields)
    except PermissionDenied as refused:
        if not on_ticket or not access().may_follow_ticket(instance):
            raise
        # Work on it began meanwhile (the page was opened before): the refusal tells him to
        # write to the desk, so his reason waits in the message form, ready to send.
        db.session.rollback()
        return desk.show(instance_id, {"text": in_reader_language(refused.message)},
                         typed={"text": request.form.get("reason", "")})
    except InstanceEnded as ended:  # sent twice, or it ended meanwhile: its page says so
        db.session.rollback()
        flash(in_reader_language(ended.message), "info")
        return redirect(url_for("desk.show" if on_ticket else "instances.show",
                                instance_id=instance_id))
    db.session.commit()
    flash(gettext("Tiket %(number)s dibatalkan.", number=instance.number) if on_ticket
          else gettext("Proses %(number)s dibatalkan.", number=instance.number), "success")
    return redirect(url_for("desk.show" if on_ticket else "instances.show",
                            instance_id=instance_id))


@bp.get("/<int:instance_id>/diagram.bpmn")
@login_required
def diagram(instance_id: int) -> Any:
    instance = _visible_instance(instance_id)
    return diagram_response(instance.definition.bpmn_xml)


def _visible_instance(instance_id: int) -> Any:
    instance = instances.get_instance(db.session, instance_id)
    if not access().may_view_instance(instance):
        refuse_outside_lanes()
    return instance


def _definition(key: str | None) -> Any:
    if not key:
        return None
    try:
        return active_definition(db.session, key)
    except NotFound:
        return None
