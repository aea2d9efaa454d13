"""Kotak Masuk and the task page: where people see, take, pass on and finish steps."""

from dataclasses import replace
from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.bpmn.catalog import CHECKLIST_NAME
from engine.bpmn.forms import fields
from engine.desk import sla, tickets
from engine.errors import InvalidTaskData, TaskNotOpen
from engine.escalation import notifications
from engine.models import User
from engine.paging import MAX_PAGE
from engine.people import substitution
from engine.people.access import REQUESTER_PROCESSES, requester_only
from engine.people.holders import capacity_of, holders_of, present_holders
from engine.process import attachments, case, inbox, other_lane, saved_filters, tasks
from engine.roles import supervisor_of
from engine.runtime.unit import GALAT
from engine.search_text import searches_nothing
from engine.text import is_digits, one_period
from web import sla_words
from web.access import access, refuse_step, sop_choices
from web.edge import EVERY_FIELD, checks_own_text, is_id, unkept_fields
from web.engine_words import fields_in_reader_language, in_reader_language
from web.errors import refuse_parameter
from web.extensions import clock, db
from web.field_values import form_values, posted_values
from web.filters import end_of_office_day
from web.list_filters import known_sop
from web.views.case import attach_posted, case_context
from web.views.task_conflict import render_conflict

bp = Blueprint("inbox", __name__)
# Tasks a page shows unless ``per_page`` asks otherwise (at most inbox.MAX_PER_PAGE).
PER_PAGE = 50


@bp.get("/")
@login_required
def index() -> Any:
    if requester_only(current_user):  # the site's address, after logging in: his tickets
        return redirect(url_for("desk.mine"))
    if current_user.is_auditor:  # an auditor holds no step: he starts at every process
        return redirect(url_for("instances.index", cakupan="semua"))
    page, per_page = _paging()
    asked = asked_query(request.args)
    policy = access()
    if asked.view == "bawahan" and not inbox.roles_below(policy.acting):
        asked = replace(asked, view="semua")  # no one below him: said on the page
    summary = inbox.inbox_summary(db.session, clock(), current_user, policy.acting,
                                  with_below=True)
    found = inbox.inbox_page(db.session, clock(), current_user, asked, page=page,
                             per_page=per_page, acting=policy.acting, summary=summary)
    supervised = inbox.supervised_roles(policy.acting)
    # Officials someone stands in for now: a supervisor's rows say so of their holder.
    away = substitution.away(db.session, clock().now()) if supervised else set()
    on_page = [role for role in supervised if role in {task.role for task in found.items}]
    return render_template(
        "inbox/index.html", found=found, tasks=found.items, asked=asked,
        ignored=ignored(request.args, asked),
        view=asked.view, state=asked.state, process_key=asked.process_key,
        search=asked.search or "", sort=asked.sort,
        counts=summary.counts,
        definitions=sop_choices(), supervised=supervised,
        # Only the roles of the page's steps: a Prakom step is never offered to a Redaktur.
        assignees=holders_of(db.session, on_page, clock().now(), away) if on_page else [],
        away=away,
        saved=saved_filters.saved_filters(db.session, current_user),
        version=summary.version,
        # A row of a role the user stands in for reads "Plh. Ketua", as its task page says.
        acting_labels={role: held.label for role, held in policy.acting.items() if held.label})


def asked_query(args: Any) -> inbox.InboxQuery:
    """The inbox the page's parameters ask for (``tampil``, ``status``, ``sop``, ``cari``,
    ``urut``); unknown values fall back to the defaults."""
    view = args.get("tampil", "semua")
    state = args.get("status") or None
    sorts = args.getlist("urut") or [inbox.DEFAULT_SORT]
    # A header's sort button comes after the form's own value: the last one is the click.
    sort = sorts[-1] if sorts[-1].removeprefix("-") in inbox.SORTS else inbox.DEFAULT_SORT
    return inbox.InboxQuery(
        view=view if view in inbox.INBOX_VIEWS else "semua",
        state=state if state in inbox.INBOX_STATES else None,
        process_key=_known_sop((args.get("sop") or "").strip()),
        search=args.get("cari", "").strip()[:inbox.MAX_SEARCH] or None,
        sort=sort, day_end=end_of_office_day())


def _known_sop(key: str) -> str | None:
    """The ``sop`` filter when an SOP has that process key, else None (all SOPs, said by
    ``ignored``)."""
    return key if key and len(key) <= 128 and known_sop(key) else None


def ignored(args: Any, asked: inbox.InboxQuery) -> list[str]:
    """What of the page's parameters the inbox did not follow, each in words (an unknown
    ``tampil``, ``status``, ``sop`` or ``urut`` read as the default, ``cari`` cut to its length),
    so that a mistyped or outdated address (an old bookmark) says so instead of quietly
    showing another list."""
    said = []
    if args.get("tampil") == "bawahan" and asked.view != "bawahan":
        said.append(gettext("Tugas Bawahan hanya untuk pemegang peran atasan; ditampilkan "
                            "Semua"))
    elif args.get("tampil", "semua") != asked.view:
        said.append(gettext('tampilan "%(value)s" tidak dikenal; ditampilkan Semua',
                            value=args.get("tampil", "")[:40]))
    if (args.get("status") or None) != asked.state:
        said.append(gettext('status "%(value)s" tidak dikenal; semua status ditampilkan',
                            value=args.get("status", "")[:40]))
    sorts = args.getlist("urut")
    if sorts and sorts[-1] != asked.sort:
        said.append(gettext('urutan "%(value)s" tidak dikenal; diurutkan menurut batas waktu',
                            value=sorts[-1][:40]))
    if ((args.get("sop") or "").strip() or None) != asked.process_key:
        said.append(gettext('SOP "%(value)s" tidak dikenal; semua SOP ditampilkan',
                            value=args.get("sop", "")[:40]))
    if searches_nothing(args.get("cari", "")[:inbox.MAX_SEARCH]):
        said.append(gettext('pencarian "%(value)s" tidak memuat huruf atau angka; semua tugas '
                            "ditampilkan", value=args.get("cari", "").strip()[:40]))
    if len(args.get("cari", "").strip()) > inbox.MAX_SEARCH:
        said.append(gettext("pencarian dipotong menjadi %(max)d karakter pertama",
                            max=inbox.MAX_SEARCH))
    return said


def _paging() -> tuple[int, int]:
    """``halaman`` (from 1; ``page`` is read too, as on the other lists) and ``per_page``
    (1..100, 50 by default) of the request.

    Raises:
        werkzeug.exceptions.HTTPException: 400 naming the bad parameter, with a link to the
            inbox without it (``refuse_parameter``).
    """
    name = "halaman" if "halaman" in request.args or "page" not in request.args else "page"
    page = request.args.get(name, "1")
    per_page = request.args.get("per_page", str(PER_PAGE))
    if not is_digits(page) or not 1 <= int(page) <= MAX_PAGE:
        refuse_parameter(name, gettext("Halaman harus bilangan bulat dari 1 sampai %(max)d "
                                       "(%(name)s=%(value)s).", max=MAX_PAGE, name=name,
                                       value=page[:20]))
    if not is_digits(per_page) or not 1 <= int(per_page) <= inbox.MAX_PER_PAGE:
        refuse_parameter("per_page", gettext("Jumlah tugas per halaman harus 1–%(max)d "
                                             "(per_page=%(value)s).", max=inbox.MAX_PER_PAGE,
                                             value=per_page[:20]))
    return int(page), int(per_page)


def _posted(field: dict[str, Any]) -> Any:
    """What the page sent for one of the step's own fields: the Kelengkapan ticked (a
    list), else its one value; several different values stay a list, which
    ``tasks.validate_data`` refuses instead of taking the first."""
    if field["type"] == "checklist":
        return request.form.getlist(field["name"])
    sent = list(dict.fromkeys(v for v in request.form.getlist(field["name"]) if v.strip()))
    return sent if len(sent) > 1 else request.form.get(field["name"], "")


@bp.route("/tugas/<int:task_id>", methods=["GET", "POST"])
@login_required
@checks_own_text(EVERY_FIELD)
def task(task_id: int) -> Any:
    # A completion reads the task once, with its instance locked (tasks.complete_task).
    human_task = tasks.get_task(db.session, task_id, lock=request.method == "POST")
    if not access().may_view_task(human_task):
        if request.method == "GET" and access().may_follow_ticket(human_task.instance):
            # His own ticket's step (a shared address): his ticket, as /proses/<id> does.
            return redirect(url_for("desk.show", instance_id=human_task.instance_id))
        refuse_step(human_task)
    entry = tasks.task_entry(human_task)
    errors: dict[str, str] = {}
    if request.method == "POST" and human_task.state != "open":
        return render_conflict(task_id)  # before its files are looked at: none is stored
    if request.method == "POST" and unkept_fields() \
            and access().capacity_for(human_task) is not None:
        # Only to whoever may do the step: anyone else is refused below, whatever he typed.
        return render_task(human_task, {**_other_problems(human_task, entry),
                                        **unkept_fields()})
    if request.method == "POST":
        declared = fields(entry.get("form"))
        data = _posted_data(entry)
        try:
            data.update(attach_posted(human_task, current_user, declared))
        except InvalidTaskData as refused:  # a file: said with every other mistake at once
            db.session.rollback()
            return render_task(human_task, {**_other_problems(human_task, entry),
                                            **refused.fields})
        try:
            tasks.complete_task(db.session, clock(), task_id, current_user, data,
                                access=access())
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = invalid.fields
        except TaskNotOpen:
            db.session.rollback()
            return render_conflict(task_id)
        else:
            return _completed(human_task)
    return render_task(human_task, errors)


def _posted_data(entry: dict[str, Any]) -> dict[str, Any]:
    """The step's own fields and its declared form as the page sent them (files apart)."""
    data = {field["name"]: _posted(field) for field in entry["fields"]}
    data.update(posted_values(entry.get("form")))
    return data


def _other_problems(human_task: Any, entry: dict[str, Any]) -> dict[str, str]:
    """What else is wrong with a submission refused for a control character, so that one
    round names every mistake: the checks of a completion, which store nothing. A file
    field is left out: the file chosen is not attached before the submission is taken."""
    try:
        case.check_submission(db.session, human_task, entry, _posted_data(entry),
                              tasks.validate_data)
    except InvalidTaskData as invalid:
        files = {field["name"] for field in fields(entry.get("form")) if field["kind"] == "file"}
        return {name: why for name, why in invalid.fields.items() if name not in files}
    return {}


def _completed(human_task: Any) -> Any:
    """Commit the completed step and say so; the message is made before the commit, which
    expires what it reads (the step, its instance, the user's language)."""
    instance = human_task.instance
    # The engine's account is for administrators, as on the process page (README "Galat").
    why = (instance.error_message if current_user.is_admin else
           gettext("alur SOP ini bermasalah; administrator sudah diberi tahu."))
    if instance.status == "error":
        message = (gettext("Langkah tersimpan, tetapi proses berhenti karena galat dan "
                           "menunggu administrator: %(message)s", message=why)
                   if human_task.state == "completed" else
                   gettext("Langkah belum tersimpan: proses berhenti karena galat dan "
                           "menunggu administrator: %(message)s", message=why), "error")
    elif human_task.returned:  # a decision that sends the case back is no "selesai"
        message = (gettext('Langkah "%(name)s" selesai: proses dikembalikan untuk revisi.',
                           name=human_task.name), "success")
    else:
        message = (gettext('Langkah "%(name)s" selesai.', name=human_task.name), "success")
    target = url_for("instances.show", instance_id=instance.id)
    db.session.commit()
    flash(*message)
    return redirect(target)


def render_task(human_task: Any, errors: dict[str, str], assign_error: str | None = None
                ) -> Any:
    """The task page, with ``errors`` (field -> message) beside their fields and
    ``assign_error`` beside "Alihkan kepada" (422 with either): the case file, the step's
    form (or, once done, what was submitted), files, comments; an open step of a ticket
    waiting for its requester says so instead of its time left, and every step of a
    ticket leads to its conversation with the requester (the ticket page)."""
    policy = access()
    if not policy.may_view_task(human_task):
        refuse_step(human_task)
    assignees = (holders_of(db.session, [human_task.role], clock().now())
                 if policy.may_assign(human_task) and human_task.state == "open"
                 and human_task.instance.status != GALAT else [])
    files, comments = attachments.of_instance(db.session, human_task.instance_id)
    entry = tasks.task_entry(human_task)
    capacity = policy.capacity_for(human_task)
    own = capacity.claimants(current_user.id) if capacity is not None else {current_user.id}
    onlooker = capacity is None and not assignees and human_task.state == "open"
    declared = fields(entry.get("form"))
    if human_task.instance.definition.key in REQUESTER_PROCESSES:  # the triage's priority
        priority = human_task.instance.definition.catalog.get("priority_field")
        reported = human_task.instance.started_at
        declared = [{**f, "help": sla_words.for_desk(reported)} if f["name"] == priority
                    and not f.get("help") else f for f in declared]
    # The form as sent when it comes back with errors; otherwise what the case holds.
    values = request.form if request.endpoint == "inbox.task" and request.method == "POST" \
        else form_values(declared, human_task.instance.data or {})
    earlier = case.earlier_round(db.session, human_task) \
        if values is not request.form and human_task.state == "open" else None
    if earlier is not None and (earlier.data or {}).get(CHECKLIST_NAME):
        values.setlist(CHECKLIST_NAME, earlier.data[CHECKLIST_NAME])
    returned_by = case.returned_by(db.session, human_task) if human_task.state == "open" \
        else None
    return render_template(
        "inbox/task.html", task=human_task, entry=entry,
        errors=fields_in_reader_language(errors),
        ticket=human_task.instance.definition.key in REQUESTER_PROCESSES,
        unanswered=human_task.instance.definition.key in REQUESTER_PROCESSES
        and human_task.state == "open" and tickets.unanswered(db.session, human_task.instance),
        values=values, capacity=capacity, assignees=assignees,
        held_by_other=human_task.claimed_by_id not in (None, *own),
        declared=declared, case=case_context(human_task.instance, files.items),
        may_return=any(choice.get("returns") for field in entry["fields"]
                       if field["type"] == "choice" for choice in field["choices"]),
        returned_by=returned_by,
        returned_files=case.step_files(db.session, returned_by) if returned_by else [],
        cancellation=case.cancellation(db.session, human_task.instance)
        if human_task.state == "cancelled" else None,
        waiting=human_task.state == "open"
        and sla.open_pause(db.session, human_task.instance) is not None,
        sla_target=sla.deadline(db.session, human_task.instance, clock().now())
        if human_task.instance.definition.key in REQUESTER_PROCESSES else None,
        may_add_files=attachments.may_attach(db.session, clock(), human_task, current_user),
        attachments=files, comments=comments,
        upload_rounds=attachments.upload_rounds(db.session, files.items),
        superseded=attachments.superseded(files.items),
        max_kb=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"] // 1024,
        assign_error=assign_error,
        holders=_holders_named(human_task.role) if onlooker else [],
        released=_released_from_me(human_task) if onlooker else None,
        assigner=supervisor_of(human_task.role) if onlooker else None,
        claimed_as=_claimed_as(human_task),
        escalated=notifications.escalated_to(db.session, current_user, human_task)
        if human_task.state == "open" else None,
    ), 422 if errors or assign_error else 200


def _released_from_me(human_task: Any) -> str | None:
    """Why the step, once the reader's, is no longer his: a move to a revised SOP version
    gave it to another lane (``other_lane.moved_away``), in his language; else None."""
    refusal = other_lane.moved_away(db.session, human_task, current_user)
    return in_reader_language(refusal.message) if refusal is not None else None


def _holders_named(role: str) -> list[str]:
    """Who acts in ``role`` now, by name; one standing in as Plh/Plt says so ("Gita Prakom
    sebagai Plh. Kasubbag"), the official being away."""
    now = clock().now()
    return [user.full_name if role in user.role_names else gettext(
        "%(name)s sebagai %(capacity)s", name=user.full_name,
        capacity=capacity_of(db.session, now, user, role))
        for user in present_holders(db.session, role, now)]


def _claimed_as(human_task: Any) -> str | None:
    """In which capacity the holder of an open claimed step holds it, when he stands in
    for its lane's official ("Plh. Ketua"); for the lane's own holder, the Plh/Plt in
    which he took it over from the official while it lasts (``claimed_as``; no query for
    a step he did not take over)."""
    holder = human_task.claimed_by
    if holder is None or human_task.state != "open":
        return None
    if human_task.role in holder.role_names:
        if human_task.claimed_as is None:
            return None
        standing = substitution.active_for(db.session, holder, clock().now())
        return human_task.claimed_as if any(
            found.role == human_task.role for found in standing) else None
    return capacity_of(db.session, clock().now(), holder, human_task.role)


@bp.post("/tugas/<int:task_id>/ambil")
@login_required
def claim(task_id: int) -> Any:
    human_task = tasks.claim_task(db.session, clock(), task_id, current_user,
                                  access=access())
    db.session.commit()
    flash(gettext('Tugas "%(name)s" Anda ambil.', name=human_task.name), "success")
    return redirect(url_for("inbox.task", task_id=task_id))


@bp.post("/tugas/<int:task_id>/lepaskan")
@login_required
def release(task_id: int) -> Any:
    human_task = tasks.release_task(db.session, clock(), task_id, current_user,
                                    access=access())
    db.session.commit()
    flash(gettext('Tugas "%(name)s" dilepaskan ke Tugas Unit.', name=human_task.name), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/tugas/<int:task_id>/alihkan")
@login_required
def assign(task_id: int) -> Any:
    """Alihkan: a supervisor hands the open step to one of its role's holders; a refusal
    is said beside the choice (422) and changes nothing."""
    chosen = request.form.get("assignee", type=int) or 0
    human_task = tasks.get_task(db.session, task_id)
    # Whether one may assign at all is said first: who may not learns nothing of who exists.
    tasks.check_assigner(db.session, clock(), human_task, current_user)
    assignee = db.session.get(User, chosen) if is_id(chosen) else None
    try:
        if assignee is None:
            raise InvalidTaskData({"assignee": gettext("pilih pegawai dari daftar")})
        held = human_task.claimed_by_id == assignee.id  # his already: nothing changes
        human_task = tasks.assign_task(db.session, clock(), task_id, assignee, current_user)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return render_task(tasks.get_task(db.session, task_id),
                           {}, "; ".join(invalid.fields.values()))
    db.session.commit()
    if held:
        flash(gettext('Tugas "%(name)s" sudah dipegang %(assignee)s; tidak ada yang berubah.',
                      name=human_task.name, assignee=assignee.full_name), "info")
    elif assignee.id == current_user.id:
        flash(gettext('Tugas "%(name)s" sekarang Anda pegang.', name=human_task.name), "success")
    else:
        flash(one_period(gettext('Tugas "%(name)s" dialihkan kepada %(assignee)s.',
                                 name=human_task.name, assignee=assignee.full_name)), "success")
    return redirect(url_for("inbox.task", task_id=task_id))
