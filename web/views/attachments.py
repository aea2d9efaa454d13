"""Attachments (Lampiran) and comments (Catatan) on a step's page, and downloads."""

from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, request, send_file, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.desk import tickets
from engine.errors import InvalidTaskData, NotFound, PermissionDenied
from engine.models import Attachment
from engine.process import attachments, downloads, receipts, tasks
from engine.process.instances import get_instance
from web import once
from web.access import access, refuse_outside_lanes
from web.extensions import clock, db

bp = Blueprint("attachments", __name__)


def folder() -> Path:
    """Where attachment files are kept (``ALUR_ATTACHMENTS_PATH``)."""
    return Path(current_app.config["ALUR_ATTACHMENTS_PATH"])


@bp.post("/tugas/<int:task_id>/lampiran")
@login_required
def upload(task_id: int) -> Any:
    """Add the chosen files (the input ``lampiran``, ``multiple``) to the step: all of
    them, or none when one is refused (``attachments.attach_all``)."""
    task = tasks.get_task(db.session, task_id)
    try:
        stored = attachments.attach_all(db.session, clock(), folder(), task, current_user,
                                        posted_files("lampiran"),
                                        max_bytes=current_app.config["ALUR_ATTACHMENT_MAX_BYTES"])
    except InvalidTaskData as invalid:
        db.session.rollback()
        return _task_page_with(task_id, invalid.fields)
    db.session.commit()
    if len(stored) == 1:
        flash(gettext('Lampiran "%(filename)s" tersimpan.', filename=stored[0].filename),
              "success")
    else:
        flash(gettext("%(count)d lampiran tersimpan: %(names)s.", count=len(stored),
                      names=", ".join(f'"{a.filename}"' for a in stored)), "success")
    return redirect(url_for("inbox.task", task_id=task_id) + "#lampiran")


def posted_files(name: str, *, texts_too: bool = True) -> list[tuple[str, bytes]]:
    """Every file sent under ``name`` as ``(file name, bytes)``; a part with neither a file
    name nor content (a file input left empty) is left out. One with content but no name
    is kept, for the check to refuse by name (it was dropped while the step completed).
    With ``texts_too`` (a field no page sends as text, e.g. ``lampiran``), a text part
    under ``name`` with content is such a file too: a browser sends a file named
    ``laporan\\`` with ``filename="laporan\\"``, whose backslash hides the closing quote
    from Werkzeug, which reads the part as text (the file was dropped)."""
    found = []
    for part in request.files.getlist(name):
        data = part.read()
        if part.filename or data:
            found.append((part.filename or "", data))
        part.close()
    if texts_too:
        found += [("", text.encode()) for text in request.form.getlist(name) if text]
    return found


@bp.post("/tugas/<int:task_id>/komentar")
@login_required
def add_comment(task_id: int) -> Any:
    task = tasks.get_task(db.session, task_id)
    back = url_for("inbox.task", task_id=task_id) + "#komentar"
    try:
        once.done(once.claim_form(), back)
        attachments.comment(db.session, clock(), task, current_user, request.form.get("komentar", ""))
    except receipts.DuplicateForm as duplicate:
        return once.sent_before(duplicate, back)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return _task_page_with(task_id, invalid.fields)
    db.session.commit()
    return redirect(back)


@bp.get("/lampiran/<int:attachment_id>")
@login_required
def download(attachment_id: int) -> Any:
    attachment = db.session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound(f"Lampiran #{attachment_id} tidak ditemukan.")
    instance = get_instance(db.session, attachment.instance_id)
    if not access().may_view_instance(instance):
        if _in_own_ticket(instance, attachment_id):  # as the API serves it to him
            return redirect(url_for("desk.download", instance_id=instance.id,
                                    attachment_id=attachment_id))
        refuse_outside_lanes()
    path = folder() / attachment.stored_name
    if not path.is_file():  # committed, not yet moved into place (the worker's sweep will)
        abort(404)
    return send_recorded(current_user, attachment, instance, path)


def send_recorded(user: Any, attachment: Any, instance: Any, path: Any) -> Any:
    """The stored file at ``path`` as a download of ``attachment`` (its name and type), and
    the download in the audit trail, committed (``engine.process.downloads``), once per
    download: a HEAD request sends nothing; a conditional one answered 304 (the reader's
    copy is the stored one) sends nothing; and the later parts of a ranged one (a phone's
    PDF viewer fetching in pieces) are the same download. A conditional request whose
    validator does not match gets the whole file, and is recorded."""
    response = send_file(path, mimetype=attachment.content_type, as_attachment=True,
                         download_name=attachment.filename)
    sent_from = response.headers.get("Content-Range", "bytes 0-").removeprefix("bytes ")
    if (request.method == "GET" and response.status_code in (200, 206)
            and sent_from.startswith("0-")):
        downloads.record_file(db.session, clock(), user, attachment, instance)
        db.session.commit()
    return response


def _in_own_ticket(instance: Any, attachment_id: int) -> bool:
    """Whether the file is one of the ticket conversation's that the user may download
    there (``tickets.shared_file``): his own ticket's, as its requester."""
    try:
        tickets.shared_file(db.session, clock(), instance, current_user, attachment_id)
    except (NotFound, PermissionDenied):
        return False
    return True


def _task_page_with(task_id: int, errors: dict[str, str]) -> Any:
    from web.views.inbox import render_task

    return render_task(tasks.get_task(db.session, task_id), errors)
