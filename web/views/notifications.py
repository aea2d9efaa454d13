"""The notification centre: filtered pages of the user's notifications, marking one or all
read, the unread count the menu's badge polls, and the "tugas baru" preference.

Opening the centre marks nothing read: the badge counts what is unread until the user marks
an item ("Tandai dibaca"), all of them ("Tandai semua dibaca"), or opens an item's link.
"""

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, ngettext
from flask_login import current_user, login_required

from engine.escalation import notifications
from engine.models import Notification
from engine.paging import Page
from engine.people import accounts
from engine.people.access import requester_only
from web import addresses
from web.access import sop_choices
from web.errors import refuse_parameter, wants_json
from web.extensions import clock, db
from web.http_exceptions import ParameterRefused
from web.list_filters import day_range, sop_filter
from web.notification_words import FILTER_LABELS, show, target
from web.paging import page_request

bp = Blueprint("notifications", __name__, url_prefix="/notifikasi")

PER_PAGE = 25
MAX_PER_PAGE = 50


@bp.get("/")
@login_required
def index() -> Any:
    """One page (``halaman``) of ``per_page`` (``PER_PAGE`` unless asked, at most
    ``MAX_PER_PAGE``; above: 400 naming it), filtered by ``status=belum``, ``jenis`` (a
    key of ``notifications.KINDS``), ``sop`` and the days ``dari``–``sampai``; another
    status or kind, or a day that is not one, is 400 naming it; past the last page, the
    last."""
    page, per_page = page_request(default=PER_PAGE, maximum=MAX_PER_PAGE)
    try:
        unread_only, filters = _filters()
    except ParameterRefused as refused:
        if wants_json():
            raise
        return _render([], Page([], 0, 1, per_page), request.args, 0,
                       url_for("notifications.index"), refused), 400
    items, total = notifications.page_for_user(db.session, current_user, page=page,
                                               per_page=per_page, unread_only=unread_only,
                                               **filters)
    total_pages = max(1, -(-total // per_page))
    if page > total_pages:
        page = total_pages
        items, total = notifications.page_for_user(db.session, current_user, page=page,
                                                   per_page=per_page, unread_only=unread_only,
                                                   **filters)
    args = {k: v for k, v in request.args.items()
            if k in ("status", "jenis", "sop", "dari", "sampai", "per_page") and v}
    return _render([(item, show(item)) for item in items],
                   Page(items=items, total=total, page=page, per_page=per_page), args,
                   notifications.unread_count(db.session, current_user, **filters),
                   _here(args, page))


def _render(items: list[Any], listing: Page, args: Any, unread: int, back: str,
            refused: ParameterRefused | None = None) -> str:
    """The centre's page: ``items`` (each with its words) of ``listing``, the filter form
    filled from ``args``; ``refused``: the filter it could not read, said in its form (no
    items then)."""
    return render_template(
        "notifications/index.html", items=items, total=listing.total, page=listing.page,
        pages=listing.pages, args=args, unread=unread, listing=listing,
        kinds=_kinds_offered(), sops=sop_choices(), back=back, refused=refused)


def _kinds_offered() -> dict[str, Any]:
    """The kinds the filter offers: an account that only files tickets (no role, not an
    administrator) gets nothing but ticket notices, so it is offered "Tiket" alone."""
    if requester_only(current_user):
        return {"tiket": FILTER_LABELS["tiket"]}
    return FILTER_LABELS


def _filters() -> tuple[bool, dict[str, Any]]:
    """The centre's filters, from the query string (or the form that repeats them): whether
    only unread ones (``status=belum``), and the keywords of ``jenis``, ``sop``, ``dari``
    and ``sampai`` for ``notifications.page_for_user`` and its kin. An
    unknown ``status`` or ``jenis`` is refused (400 naming it) rather than read as "all",
    so a typo never lists, or marks read, every notification; so is one of them given
    twice (``jenis=pengingat&jenis=eskalasi`` listed only the first)."""
    sent = request.form if request.method == "POST" else request.args
    for name in ("status", "jenis", "sop", "dari", "sampai"):
        given = sent.getlist(name)
        if len(given) > 1:
            refuse_parameter(name, gettext('"%(name)s" hanya satu nilai; %(count)d dikirim.',
                                           name=name, count=len(given)))
    status = (request.values.get("status") or "").strip() or None
    if status not in (None, "belum"):
        refuse_parameter("status", gettext(
            'Status "%(value)s" tidak dikenal; pilih belum (belum dibaca) atau kosongkan.',
            value=status[:20]))
    kind = (request.values.get("jenis") or "").strip() or None
    if kind is not None and kind not in notifications.KINDS:
        refuse_parameter("jenis", gettext(
            'Jenis "%(value)s" tidak dikenal; pilih %(kinds)s atau kosongkan.',
            value=kind[:20], kinds=", ".join(notifications.KINDS)))
    since, before = day_range(gettext("Dari tanggal"), gettext("Sampai tanggal"))
    return status == "belum", {"kind": kind, "process_key": sop_filter(), "since": since,
                               "before": before}


def _here(args: dict[str, str], page: int) -> str:
    return url_for("notifications.index", **args, **({"halaman": page} if page > 1 else {}))


def _back() -> Any:
    """Back to the list the form was on (only a page of the centre, never elsewhere)."""
    back = addresses.local_path(request.form.get("kembali")) or ""
    return redirect(back if back.startswith(url_for("notifications.index"))
                    else url_for("notifications.index"))


@bp.post("/baca")
@login_required
def mark_read() -> Any:
    """Tandai semua dibaca: those the centre's filters show (``jenis``, ``sop``, ``dari``,
    ``sampai``), all when none is set; an unknown ``jenis`` or a day that is not one is
    400 and marks nothing."""
    _, filters = _filters()
    marked = notifications.mark_all_read(db.session, clock(), current_user, **filters)
    db.session.commit()
    flash(ngettext("%(num)d notifikasi ditandai dibaca.", "%(num)d notifikasi ditandai dibaca.",
                   marked), "success")
    return _back()


@bp.post("/<int:notification_id>/baca")
@login_required
def mark_one_read(notification_id: int) -> Any:
    """Tandai dibaca, one item (404 when it is not the user's)."""
    notifications.mark_read(db.session, clock(), current_user, notification_id)
    db.session.commit()
    return _back()


@bp.get("/<int:notification_id>/buka")
@login_required
def open_item(notification_id: int) -> Any:
    """Follow an item's link: it counts as read from then on."""
    found: Notification = notifications.mark_read(db.session, clock(), current_user,
                                                  notification_id)
    db.session.commit()
    return redirect(target(found.kind, found.human_task_id, found.instance_id, found.params))


@bp.get("/jumlah")
def count() -> Any:
    """The badge's poll: ``{"unread": n, "label": "n belum dibaca"}`` (one COUNT); 401
    ``{"unread": 0}`` once the session has ended, so the page stops asking."""
    if not current_user.is_authenticated:
        return jsonify(unread=0, label=""), 401
    unread = notifications.unread_count(db.session, current_user)
    response = jsonify(unread=unread, label=gettext("%(count)s belum dibaca", count=unread))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/preferensi")
@login_required
def preference() -> Any:
    """Turn the "tugas baru" notices on or off for oneself (account page)."""
    wanted = request.form.get("tugas_baru") == "ya"
    accounts.set_new_task_notices(db.session, clock(), current_user, wanted)
    db.session.commit()
    flash(gettext("Notifikasi tugas baru dinyalakan.") if wanted
          else gettext("Notifikasi tugas baru dimatikan."), "success")
    return redirect(url_for("account.profile"))


@bp.app_context_processor
def unread_count() -> dict[str, Any]:
    poll = current_app.config["ALUR_NOTIFICATION_POLL"]
    if not current_user.is_authenticated:
        return {"unread_notifications": 0, "notification_poll": poll}
    return {"unread_notifications": notifications.unread_count(db.session, current_user),
            "notification_poll": poll}
