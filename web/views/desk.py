"""The requester's pages (issue 14): "Ajukan Permintaan / Laporkan Gangguan", "Tiket Saya"
and one ticket with its thread, files and rating. The desk (who may view the instance)
opens the same ticket page to write to the requester, ask (the SLA clock stops) and see
the rating; internal notes and steps stay on the instance page."""

from typing import Any

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext
from flask_login import current_user, login_required
from werkzeug.datastructures import MultiDict

from engine.bpmn.forms import fields
from engine.desk import ratings, tickets
from engine.errors import Conflict, InvalidTaskData, PermissionDenied, ProcessFailure
from engine.escalation import notifications
from engine.people.access import REQUESTER_PROCESSES
from engine.process import instances, receipts
from engine.process.deploy import active_definitions
from engine.text import is_digits
from web import once, sla_words
from web.access import access
from web.edge import EVERY_FIELD, checks_own_text, unkept_fields
from web.engine_words import fields_in_reader_language, in_reader_language
from web.errors import refuse_parameter
from web.extensions import clock, db
from web.field_values import posted_values
from web.filters import outside_menu
from web.paging import page_request
from web.views.attachments import folder, posted_files, send_recorded
from web.views.start import failed_start, repeat_notice

bp = Blueprint("desk", __name__, url_prefix="/tiket")

SERVICE_REQUEST = "penanganan_permintaan_layanan_ti"
SHOW_FORM = "tampilkan"  # the submit button that only shows the chosen service's form
SHOWN_FORM = "formulir_layanan"  # the service whose form the page showed
REQUESTER_NAME = "pemohon"  # the start form field naming who asks (Nama pemohon)


@bp.get("/")
@login_required
def mine() -> Any:
    """Tiket Saya: the requester's tickets, newest first, all or those of one ``tampil``
    (``tickets.SHOWN``: waiting for his answer, not ended, ended); another value is
    refused (400) naming it."""
    shown = request.args.get("tampil", "").strip() or "semua"
    if shown not in tickets.SHOWN:
        refuse_parameter("tampil", gettext('Tampilan "%(value)s" tidak dikenal; pilih %(shown)s.',
                                           value=shown[:40], shown=", ".join(tickets.SHOWN)))
    now = clock().now()
    found = tickets.mine(db.session, current_user, *page_request(), shown=shown)
    return render_template("desk/mine.html", page=found, shown=shown, tickets=[
        tickets.view(db.session, now, i) for i in found.items])


@bp.route("/ajukan", methods=["GET", "POST"])
@login_required
@checks_own_text(EVERY_FIELD)
def submit() -> Any:
    """The ticket form. "Tampilkan formulirnya" (``tampilkan``, pressed for the user by
    apply-on-choice.js when the Layanan changes) posts the form here and shows the chosen
    service's form with what was typed, starting nothing: typed text never goes into a
    URL (browser history, access logs, and a long *uraian* overflowed it)."""
    # A service request first, chosen unless another is asked for: what most employees
    # come for (a printer, an account); a server fault is the desk's rarer case.
    choices = sorted((d for d in active_definitions(db.session) if d.key in REQUESTER_PROCESSES),
                     key=lambda d: d.key != SERVICE_REQUEST)
    asked = request.values.get("process_key")
    chosen = next((d for d in choices if d.key == asked), choices[0] if choices else None)
    errors = dict(unkept_fields())  # said also when only showing: the text was changed
    flow_failed = False
    showing = request.method == "POST" and SHOW_FORM in request.form
    # Kirim pressed with another service chosen than the one whose form was filled (a
    # choice made with the keys, or without JavaScript): that service's form is shown with
    # what was typed, nothing is filed under it (the regression probe).
    switched = (request.method == "POST" and not showing and chosen is not None
                and chosen.key == asked and request.form.get(SHOWN_FORM, asked) != asked)
    showing = showing or switched
    if request.method == "POST" and asked not in {d.key for d in choices}:
        # A stale or hand-made form: never quietly file it as another kind of ticket.
        errors["process_key"] = gettext("pilih salah satu layanan yang ditawarkan")
    elif request.method == "POST" and not showing and not errors and chosen is not None:
        form = chosen.catalog.get("start_form")
        try:
            receipt = once.claim_form()
            sent = posted_files("lampiran")
            if len(sent) > 1:  # the form has one file input: a crafted request, as the API
                raise InvalidTaskData({"lampiran": gettext(
                    "paling banyak 1 berkas per permintaan; %(count)d dikirim, tidak ada "
                    "yang disimpan", count=len(sent))})
            instance = instances.start_instance(
                db.session, clock(), process_key=chosen.key,
                title=request.form.get("title", ""), user=current_user,
                data=posted_values(form) if form else {})
            for filename, data in sent:
                tickets.post_file(db.session, clock(), folder(), instance, current_user,
                                  tickets.REQUEST_FILE_TEXT, filename, data,
                                  max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"])
        except receipts.DuplicateForm as duplicate:
            return once.sent_before(duplicate, url_for("desk.mine"))
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = invalid.fields
        except ProcessFailure as failed:
            db.session.rollback()
            errors = {"process_key": failed_start(failed, chosen.key, ticket=True)}
            flow_failed = True
        else:
            target = url_for("desk.show", instance_id=instance.id)
            once.done(receipt, target)
            twin = repeat_notice(instance, ticket=True)
            db.session.commit()
            flash(gettext("Tiket %(number)s diterima.", number=instance.number), "success")
            if twin:
                flash(twin, "warning")
            return redirect(target)
    declared = [f for f in fields(chosen.catalog.get("start_form")) if f["kind"] != "file"] \
        if chosen else []
    if chosen:  # what "kritis", "mayor", "minor" promise, to one who never read the SLA
        hint = sla_words.for_requester(bool(tickets.triage_steps(chosen.catalog)))
        declared = [{**f, "help": hint} if f["name"] == chosen.catalog.get(
            "priority_field") and not f.get("help") else f for f in declared]
    upload = request.files.get("lampiran")
    return render_template("desk/submit.html", choices=choices, chosen=chosen,
                           left_behind=_left_behind(choices, declared) if showing else [],
                           errors=_ticket_words(errors),
                           values=_typed(declared), declared=declared, flow_failed=flow_failed,
                           switched=switched,
                           file_dropped=upload is not None and bool(upload.filename)
                           ), 422 if errors else 200


def _typed(declared: list[dict[str, Any]]) -> MultiDict:
    """What the form shows in its fields: what was typed (or, on a first visit, asked in
    the query), and the requester's name in a "Nama pemohon" field he has not filled yet
    (he may change it: filing for a colleague)."""
    values = MultiDict(request.form if request.method == "POST" else request.args)
    if any(f["name"] == REQUESTER_NAME for f in declared) and REQUESTER_NAME not in values:
        values[REQUESTER_NAME] = current_user.full_name
    return values


def _left_behind(choices: list[Any], declared: list[dict[str, Any]]) -> list[tuple[str, str]]:
    """``(label, text)`` of each field of the form shown before the service was switched
    (``SHOWN_FORM``) that the chosen service's form (``declared``) lacks, with what was
    typed in it: shown to copy, not dropped unseen (the requester probe lost an uraian)."""
    before = next((d for d in choices if d.key == request.form.get(SHOWN_FORM)), None)
    if before is None:
        return []
    kept = {f["name"] for f in declared}
    # "Nama pemohon" as the form filled it in (his own name) is nothing he typed.
    return [(f["label"], text) for f in fields(before.catalog.get("start_form"))
            if f["kind"] != "file" and f["name"] not in kept
            and (text := (request.form.get(f["name"]) or "").strip())
            and not (f["name"] == REQUESTER_NAME and text == current_user.full_name)]


def _ticket_words(errors: dict[str, str]) -> dict[str, str]:
    """The form's refusals in the reader's language, the title named by its label on this
    form, "Judul singkat", not the "Judul" of Mulai Proses (the requester probe)."""
    shown = fields_in_reader_language(errors)
    if "title" in shown:
        shown["title"] = shown["title"].replace(f'"{gettext("Judul")}"',
                                                f'"{gettext("Judul singkat")}"', 1)
    return shown


def _ticket(instance_id: int) -> tuple[Any, bool]:
    """The instance and whether the viewer is its requester (else: the desk); 404 for a
    process that is no ticket."""
    instance = tickets.get_ticket(db.session, instance_id)
    if access().may_follow_ticket(instance):
        return instance, True
    if access().may_view_instance(instance):
        return instance, False
    # Not "ask the administrator about your roles": a colleague's ticket is his alone.
    raise PermissionDenied(tickets.NOT_HIS_TICKET)


@bp.get("/<int:instance_id>")
@login_required
def show(instance_id: int, errors: dict[str, str] | None = None,
         typed: dict[str, str] | None = None) -> Any:
    """The ticket page; with ``errors`` (field -> message) a 422 showing the posted form
    in its fields (or ``typed``, ``{field: text}``, in the message form's), and that a file
    chosen for it has to be chosen again."""
    instance, requester = _ticket(instance_id)
    if not requester:
        outside_menu()
    elif request.method == "GET" and notifications.mark_ticket_read(
            db.session, clock(), current_user, instance.id):
        db.session.commit()  # the menu's count drops with this page
    return render_template("desk/show.html", ticket=tickets.view(db.session, clock().now(),
                                                                 instance),
                           requester=requester, errors=fields_in_reader_language(errors or {}),
                           priority_proposed=tickets.priority_proposed(db.session, instance),
                           request_file_text=tickets.REQUEST_FILE_TEXT,
                           typed=typed if typed is not None else request.form if errors else {},
                           file_dropped=bool(errors) and any(
                               part.filename for part in request.files.getlist("lampiran")),
                           may_cancel=instances.may_cancel(db.session, instance,
                                                           current_user),
                           rating_refused=_rating_refused(instance) if requester else None,
                           # The desk's reader learns whose ticket it is: "Nama pemohon" is
                           # typed by the requester, maybe for a colleague (the desk probe).
                           submitter=None if requester else instance.started_by
                           ), 422 if errors else 200


def _rating_refused(instance: Any) -> str | None:
    """Why the requester of a completed ticket may not rate it (he is of its desk), in the
    reader's language; None when he may, or it is not completed."""
    if instance.status != "completed":
        return None
    refusal = ratings.desk_refusal(db.session, instance, current_user)
    return in_reader_language(refusal) if refusal else None


@bp.post("/<int:instance_id>/pesan")
@login_required
@checks_own_text("text")
def message(instance_id: int) -> Any:
    instance, _ = _ticket(instance_id)
    text, asks = request.form.get("text", ""), request.form.get("asks") == "ya"
    if unkept_fields():
        # Refused like any text with such a character, but beside the field and with the
        # text kept, those characters taken out: they cannot be seen to be deleted.
        return show(instance_id, {"text": gettext(
            "Pesan: memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari "
            "dokumen lain); karakter itu sudah dihapus dari teks di bawah. Periksa lalu "
            "kirim lagi.")})
    sent = posted_files("lampiran")  # a nameless file with content too: refused, not dropped
    back = url_for("desk.show", instance_id=instance_id)
    try:
        if len(sent) > 1:  # the form has one file input: a crafted request, as the API
            raise InvalidTaskData({"lampiran": gettext(
                "paling banyak 1 berkas per permintaan; %(count)d dikirim, tidak ada "
                "yang disimpan", count=len(sent))})
        once.done(once.claim_form(), back)
        if sent:
            [(filename, data)] = sent
            tickets.post_file(db.session, clock(), folder(), instance, current_user, text,
                              filename, data, asks=asks,
                              max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"])
        else:
            tickets.post(db.session, clock(), instance, current_user, text, asks=asks)
    except receipts.DuplicateForm as duplicate:
        return once.sent_before(duplicate, back)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return show(instance_id, invalid.fields)
    db.session.commit()
    flash(gettext("Pesan terkirim."), "success")
    return redirect(back)


@bp.post("/<int:instance_id>/nilai")
@login_required
@checks_own_text("comment")
def rate(instance_id: int) -> Any:
    instance, _ = _ticket(instance_id)
    typed = request.form.get("score", "").strip()
    # Anything else is refused by ratings.rate, after whether this ticket can be rated.
    score = int(typed) if is_digits(typed) and len(typed) < 10 else None
    try:
        ratings.rate(db.session, clock(), instance, current_user, score,
                     request.form.get("comment", ""))
        if unkept_fields():  # after whether it can be rated; rolled back, the text kept
            raise InvalidTaskData({"comment": gettext(
                "Komentar: memuat karakter kendali yang tidak dapat disimpan (mis. tersalin "
                "dari dokumen lain); karakter itu sudah dihapus dari teks di bawah. Periksa "
                "lalu kirim lagi.")})
    except InvalidTaskData as invalid:
        db.session.rollback()
        return show(instance_id, invalid.fields)
    except Conflict as refused:  # rated meanwhile (another tab) or no longer to be rated
        db.session.rollback()
        flash(in_reader_language(refused.message), "info")
        return redirect(url_for("desk.show", instance_id=instance_id))
    db.session.commit()
    flash(gettext("Terima kasih atas penilaian Anda."), "success")
    return redirect(url_for("desk.show", instance_id=instance_id))


@bp.get("/<int:instance_id>/berkas/<int:attachment_id>")
@login_required
def download(instance_id: int, attachment_id: int) -> Any:
    instance = tickets.get_ticket(db.session, instance_id)
    try:
        found = tickets.shared_file(db.session, clock(), instance, current_user,
                                    attachment_id)
    except PermissionDenied:  # a colleague's ticket: not "ask about your roles"
        raise PermissionDenied(tickets.NOT_HIS_TICKET) from None
    path = folder() / found.stored_name
    if not path.is_file():
        abort(404)
    return send_recorded(current_user, found, instance, path)
