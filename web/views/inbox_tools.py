"""The Kotak Masuk's tools beside the list: saved filters, taking or assigning many tasks
at once, and the small JSON the page polls to say "Ada tugas baru"."""

from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import urlencode

from flask import abort, flash, jsonify, redirect, request, url_for
from flask_babel import gettext
from flask_login import current_user, login_required

from engine.errors import InvalidTaskData, NotFound
from engine.models import User
from engine.people.access import requester_only
from engine.process import bulk, inbox, saved_filters
from engine.text import is_digits
from web import addresses
from web.bulk_words import filter_refusal, said
from web.edge import MAX_ID, is_id
from web.extensions import clock, db
from web.views.inbox import bp

MAX_SHOWN = 5  # bad values named in the message, "…" for more


@bp.get("/kotak-masuk/versi")
def version() -> Any:
    """``{"version": "<count>-<newest id>"}`` of the user's Semua view; 401
    ``{"version": null}`` once the session has ended, so the page stops asking (instead of
    being sent to the login page every minute)."""
    if not current_user.is_authenticated:
        return jsonify(version=None), 401
    return jsonify(version=inbox.inbox_summary(db.session, clock(), current_user).version)


def inbox_holders_only(view: Callable[..., Any]) -> Callable[..., Any]:
    """Refuse an auditor (403, "Akun auditor hanya membaca") and an employee who only files
    tickets (403): neither has a Kotak Masuk to filter or act in; each tool answered the
    auditor differently (the auditor probe), and stored a filter for the employee (the
    permission probe)."""
    @wraps(view)
    def refusing(*args: Any, **kwargs: Any) -> Any:
        if current_user.is_auditor or requester_only(current_user):
            abort(403)
        return view(*args, **kwargs)
    return refusing


@bp.post("/kotak-masuk/saringan")
@login_required
@inbox_holders_only
def save_filter() -> Any:
    query = {key: request.form.get(key, "") for key in saved_filters.KEYS}
    kept = {saved.id for saved in saved_filters.saved_filters(db.session, current_user)}
    try:
        saved = saved_filters.save_filter(db.session, clock(), current_user,
                                          request.form.get("nama", ""), query)
    except InvalidTaskData:
        db.session.rollback()
        flash(filter_refusal(request.form.get("nama", "")), "error")
        return redirect(url_for("inbox.index", **{k: v for k, v in query.items() if v}))
    db.session.commit()
    flash(gettext('Saringan "%(name)s" menggantikan saringan bernama sama.', name=saved.name)
          if saved.id in kept else gettext('Saringan "%(name)s" tersimpan.', name=saved.name),
          "success")
    return redirect(url_for("inbox.index", **saved_filters.as_query(saved)))


@bp.post("/kotak-masuk/saringan/<int:filter_id>/hapus")
@login_required
@inbox_holders_only
def delete_filter(filter_id: int) -> Any:
    try:
        saved_filters.delete_filter(db.session, clock(), current_user, filter_id)
    except NotFound:  # deleted already (a double click, another tab), or not his: gone
        flash(gettext("Saringan itu sudah tidak ada di daftar Anda; tidak ada yang dihapus."),
              "info")
        return redirect(url_for("inbox.index"))
    db.session.commit()
    flash(gettext("Saringan dihapus."), "success")
    return redirect(url_for("inbox.index"))


@bp.post("/kotak-masuk/massal")
@login_required
@inbox_holders_only
def bulk_action() -> Any:
    """Take (``aksi=ambil``) or assign (``aksi=alihkan`` with ``assignee``) the ticked
    ``tugas``; one message per task, done or refused, and one naming the values that are
    no task number (a hand-made or damaged form), which are not processed."""
    ticked = request.form.getlist("tugas")
    back = redirect(request.form.get("kembali", "") if _local(request.form.get("kembali", ""))
                    else url_for("inbox.index"))
    if len(ticked) > bulk.MAX_BULK:  # never some of them silently
        flash(gettext("Paling banyak %(max)d tugas sekaligus; %(count)d dipilih. Tidak ada "
                      "yang diproses.", max=bulk.MAX_BULK, count=len(ticked)), "error")
        return back
    if not ticked:
        flash(gettext("Pilih dulu tugas yang akan diproses."), "error")
        return back
    ids = [int(value) for value in ticked if _task_id(value)]  # at most MAX_BULK values
    bad = [value for value in ticked if not _task_id(value)]
    action = request.form.get("aksi")
    if action not in ("ambil", "alihkan"):  # never an unknown action taken for "ambil"
        flash(gettext("Tindakan tidak dikenal; pilih Ambil atau Alihkan. Tidak ada yang "
                      "diproses."), "error")
        return _ticked_again(back.location, ids)
    if action == "alihkan":
        value = request.form.get("assignee", "")
        assignee = db.session.get(User, int(value)) if is_digits(value) and len(value) < 10 else None
        if assignee is None:
            flash(gettext("Pilih pegawai penerima tugas."), "error")
            return _ticked_again(back.location, ids)
        outcomes = bulk.bulk_assign(db.session, clock(), current_user, ids, assignee)
    else:
        outcomes = bulk.bulk_claim(db.session, clock(), current_user, ids)
    db.session.commit()
    for outcome in outcomes:
        flash(said(outcome), "success" if outcome.done else "error")
    if bad:
        shown = ", ".join(f'"{value[:20]}"' for value in bad[:MAX_SHOWN])
        flash(gettext("Bukan nomor tugas, tidak diproses: %(values)s.",
                      values=shown + (" …" if len(bad) > MAX_SHOWN else "")), "error")
    return back


def _ticked_again(location: str, ids: list[int]) -> Any:
    """Back to the inbox with the ticked tasks ticked again (``pilih``), after a refusal
    that processed none: the supervisor mends the choice instead of ticking them anew."""
    ticked = urlencode([("pilih", task_id) for task_id in ids])
    return redirect(f"{location}{'&' if '?' in location else '?'}{ticked}" if ids
                    else location)


def _task_id(value: str) -> bool:
    """Whether a ticked value is a task number: a whole number 1…2^31−1 in ASCII digits."""
    return (is_digits(value) and len(value) <= len(str(MAX_ID))
            and is_id(int(value)))


def _local(target: str) -> bool:
    """Only the inbox itself is a place to go back to (no open redirect)."""
    return addresses.local_path(target) is not None and (
        target.startswith("/?") or target == "/")
