"""Jejak audit (``/admin/jejak-audit``): the whole audit trail for administrators and
auditors, chosen by period (``dari``, ``sampai``), person (``pengguna``, or
``tanpa_akun=ya``: no account), kind of action (``jenis``), one action (``tindakan``) and
process (``proses``), a page at a time, or downloaded as CSV or XLSX (at most
``MAX_DOWNLOAD`` records; more is refused, never cut short: an auditor's file holds every
record it says it holds; a longer trail downloads in parts, ``bagian`` of the trail cut at
record ``hingga``). A filter that names nothing known is a 400 naming it, nothing
read."""

import re
from collections.abc import Callable
from datetime import timedelta
from functools import partial, wraps
from typing import Any
from zoneinfo import ZoneInfo

from flask import abort, render_template, request
from flask_babel import force_locale, gettext
from flask_login import current_user, login_required
from sqlalchemy import func, select

from engine.audit_trail import (
    ACTION_GROUPS,
    TrailFilter,
    TrailTooLong,
    newest_id,
    trail_page,
    trail_part,
    trail_rows,
)
from engine.models import AuditRecord, ProcessDefinition, ProcessInstance, User
from engine.numbers import grouped
from engine.people.accounts import normal_username
from engine.text import is_digits, shortened
from web.account_words import account_detail
from web.errors import refuse_parameter, wants_json
from web.extensions import db
from web.filters import office_calendar
from web.http_exceptions import ParameterRefused
from web.list_filters import day_range
from web.paging import page_request, this_page_url
from web.trail_details import LABELS, MAX_SHOWN_DETAIL, Names, detail_words, named_in
from web.trail_words import GROUP_LABELS, action_words, actor_words, detail_text
from web.views.admin import bp
from web.views.reports.downloads import asked_format, asked_separator, report_heading
from web.views.reports.export import Table, export
from web.views.settings_history import change_lines

MAX_DOWNLOAD = 10_000  # records in one CSV or XLSX download of the trail
MAX_PARTS_LISTED = 100  # links "Bagian N" on the page (a million records); narrow for more
# A person as a row of the trail writes him: "Demo Kasubbag (kasubbag)".
ROW_PERSON = re.compile(r".*\((\S+)\)")
ACTION_CODE = re.compile(r"[a-z_]{1,30}\.[a-z_]{1,32}")
HEADINGS = ["Waktu", "Nama pengguna", "Nama lengkap", "Tindakan", "Keterangan",
            "Nomor proses", "Id langkah", "Langkah", "Rincian", "Id permintaan"]


def audit_readers(view: Callable[..., Any]) -> Callable[..., Any]:
    """Only administrators and auditors may pass; others get 403."""

    @wraps(view)
    @login_required
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if not (current_user.is_admin or current_user.is_auditor):
            abort(403)
        return view(*args, **kwargs)

    return wrapper


@bp.get("/jejak-audit")
@audit_readers
def audit_trail() -> Any:
    """The trail page, or its download when ``format`` asks for one; a filter it cannot
    read is said in the page's form (400), no records listed."""
    try:
        chosen = _chosen()
    except ParameterRefused as refused:
        if wants_json():
            raise
        return render_template("admin/audit_trail.html", args=request.args,
                               groups=GROUP_LABELS, refused=refused), 400
    fmt, sep = asked_format(), asked_separator()
    if fmt is not None and request.args.get("bagian") is not None:
        return _part(chosen, fmt, sep)
    if fmt is not None:
        try:
            records = trail_rows(db.session, chosen, MAX_DOWNLOAD)
        except TrailTooLong as refused:
            refuse_parameter("format", gettext(
                "Jejak audit yang dipilih berisi %(total)s catatan; satu unduhan paling banyak "
                "%(max)s. Unduh per bagian dari halaman Jejak audit (tautan \"Unduh per "
                "bagian\"), atau persempit saringannya.",
                total=grouped(refused.total), max=grouped(refused.limit)))
        return export([_table(records)], fmt, _download_name(chosen), sep,
                      heading=report_heading("Jejak audit"))
    found = trail_page(db.session, chosen, *page_request())
    parts = -(-found.total // MAX_DOWNLOAD) if found.total > MAX_DOWNLOAD else 0
    up_to = newest_id(db.session) if parts else None
    return render_template(
        "admin/audit_trail.html", history=found, args=request.args, groups=GROUP_LABELS,
        max_download=MAX_DOWNLOAD, action_words=action_words, actor_words=actor_words,
        record_words=partial(_record_words, names=_names(found.items)),
        download_url=lambda fmt, **part: this_page_url(
            ("halaman", "page", "per_page", "hingga"), format=fmt, **part),
        parts=range(1, min(parts, MAX_PARTS_LISTED) + 1), all_parts=parts, up_to=up_to,
        trail_url=_trail_url)


def _part(chosen: TrailFilter, fmt: str, sep: str) -> Any:
    """Part ``bagian`` of the trail cut at record ``hingga`` (``MAX_DOWNLOAD`` records a
    part, newest first), as a download named by its part; a part that is not there is a
    400 naming ``bagian``."""
    value = request.args.get("bagian", "")
    part = int(value) if is_digits(value) and len(value) < 7 else 0
    if chosen.up_to_id is None:
        refuse_parameter("hingga", gettext(
            "Unduhan per bagian memerlukan hingga (nomor catatan terakhir); ambil tautannya "
            "dari halaman Jejak audit."))
    try:
        records, parts = trail_part(db.session, chosen, MAX_DOWNLOAD, part)
    except ValueError:
        refuse_parameter("bagian", gettext(
            "Bagian \"%(value)s\" tidak ada; ambil tautan bagian dari halaman Jejak audit.",
            value=value[:20]))
    return export([_table(records)], fmt,
                  f"{_download_name(chosen)}-bagian-{part}-dari-{parts}", sep,
                  heading=report_heading(f"Jejak audit, bagian {part} dari {parts}"))


def _download_name(chosen: TrailFilter) -> str:
    """The download's file name without extension: ``jejak-audit``, then the office days
    its Dari–Sampai filter keeps (``-2026-11-01-sd-2026-11-30``, ``-sejak-…``,
    ``-hingga-…``), so that a month's and a year's downloads do not land on one name (the
    auditor probe)."""
    zone = ZoneInfo(office_calendar().timezone)
    first = chosen.since.astimezone(zone).date() if chosen.since else None
    last = (chosen.before.astimezone(zone) - timedelta(days=1)).date() if chosen.before else None
    if first and last:
        return f"jejak-audit-{first}-sd-{last}"
    if first or last:
        return f"jejak-audit-sejak-{first}" if first else f"jejak-audit-hingga-{last}"
    return "jejak-audit"


def _names(records: list[AuditRecord]) -> Names:
    """The full names and SOP names a page of ``records`` names by user name or key
    (``web.trail_details.named_in``): one statement each, none when none is named."""
    usernames, keys = named_in([record.detail for record in records])
    people = dict(db.session.execute(select(User.username, User.full_name).where(
        User.username.in_(sorted(usernames)))).all()) if usernames else {}
    sops = dict(db.session.execute(select(ProcessDefinition.key, ProcessDefinition.name)
                                   .where(ProcessDefinition.key.in_(sorted(keys)))
                                   .order_by(ProcessDefinition.version)).all()) if keys else {}
    return Names(people=people, sops=sops)


def _record_words(record: AuditRecord, names: Names) -> str:
    """A record's Rincian on the page, at most ``MAX_SHOWN_DETAIL`` characters: a settings
    change as the Pengaturan history writes it (each field by its label, old → new), a
    change of name and e-mail as Riwayat akun writes it, any other record's facts by their
    labels (``web.trail_details``)."""
    detail = record.detail or {}
    if record.action == "settings.changed":
        text = " · ".join(change_lines(detail))
    elif record.action == "user.details_changed":
        text = f"{LABELS['username']}: {detail.get('username', '?')} · " \
               f"{account_detail(record.action, detail)}"
    else:  # a step's name is in the column Proses
        return detail_words({key: value for key, value in detail.items()
                             if key != "step" or record.human_task_id is None},
                            MAX_SHOWN_DETAIL, names)
    return shortened(text, MAX_SHOWN_DETAIL)


def _trail_url(**more: str) -> str:
    """This trail's first page with ``more`` set; without ``tindakan`` when it is not in
    ``more`` (the link back from one action to all)."""
    return this_page_url(("halaman", "page", "tindakan"), **more)


def _chosen() -> TrailFilter:
    """The filters of the query string; each that names nothing known is refused (400)."""
    group = request.args.get("jenis") or None
    if group is not None and group not in ACTION_GROUPS:
        refuse_parameter("jenis", gettext(
            'Jenis tindakan "%(value)s" tidak dikenal; pilih salah satu dari daftar.',
            value=group[:30]), ", ".join(ACTION_GROUPS))
    action = (request.args.get("tindakan") or "").strip() or None
    if action is not None and not ACTION_CODE.fullmatch(action):
        refuse_parameter("tindakan", gettext(
            'Tindakan "%(value)s" bukan kode tindakan seperti task.completed atau '
            "user.logged_in.", value=action[:40]), gettext("kode seperti task.completed"))
    since, before = day_range(gettext("Dari tanggal"), gettext("Sampai tanggal"))
    without_actor = _without_actor()
    # Only a part's download is cut (the page itself lists the whole filter).
    up_to = (request.args.get("hingga") or "") if request.args.get("bagian") is not None else ""
    if up_to and not (is_digits(up_to) and len(up_to) < 11 and int(up_to) < 2**31):
        refuse_parameter("hingga", gettext('Hingga "%(value)s" bukan nomor catatan.',
                                           value=up_to[:20]))
    return TrailFilter(since=since, before=before,
                       actor_id=None if without_actor else _actor_id(),
                       without_actor=without_actor, group=group, action=action,
                       instance_id=_instance_id(), up_to_id=int(up_to) if up_to else None)


def _without_actor() -> bool:
    """``tanpa_akun=ya``: only what no account did (timers, the worker, ``alur``); refused
    with a ``pengguna`` named too, or any other value."""
    value = request.args.get("tanpa_akun") or ""
    if value not in ("", "ya"):
        refuse_parameter("tanpa_akun", gettext('Tanpa akun: "%(value)s" bukan "ya".',
                                               value=value[:20]), "ya")
    if value and (request.args.get("pengguna") or "").strip():
        refuse_parameter("tanpa_akun", gettext(
            "Pilih salah satu: nama pengguna, atau hanya tindakan tanpa akun."))
    return bool(value)


def _actor_id() -> int | None:
    """The account ``pengguna`` names: by user name, as a row writes it ("Demo Kasubbag
    (kasubbag)"), or else by a full name only one account has, in any case and spacing
    (the auditor probe typed "Demo Kasubbag" and was refused)."""
    typed = " ".join((request.args.get("pengguna") or "").split())
    written = ROW_PERSON.fullmatch(typed)
    name = normal_username(written[1] if written else typed)
    if not name:
        return None
    found = db.session.scalar(select(User.id).where(
        User.username == name)) if len(name) <= 64 else None
    if found is None and len(typed) <= 200:
        named = _by_full_name(typed)
        if len(named) > 1:
            refuse_parameter("pengguna", gettext(
                'Beberapa akun bernama "%(value)s"; tulis nama penggunanya (mis. %(example)s).',
                value=typed[:40], example=named[0][1]))
        found = named[0][0] if named else None
    if found is None:
        refuse_parameter("pengguna", gettext(
            'Pengguna "%(value)s" tidak ada; tulis nama penggunanya (mis. prakom) atau nama '
            "lengkapnya.",
            value=typed[:40]))
    return found


def _by_full_name(typed: str) -> list[tuple[int, str]]:
    """``[(id, username)]`` of the accounts whose full name is ``typed`` in any case and
    spacing. Compared here, not by the database's ``lower`` (SQLite's folds A–Z only:
    "ÉDO ÅGUS" was never found, the regression probe), among the names of its length or a
    few spaces more: one statement."""
    wanted = typed.casefold()
    return [(id_, username) for id_, username, full_name in db.session.execute(
        select(User.id, User.username, User.full_name).where(
            func.length(User.full_name).between(len(typed), len(typed) + 20))
        .order_by(User.username))
        if " ".join(full_name.split()).casefold() == wanted][:2]


def _instance_id() -> int | None:
    """The process named by ``proses``: its number (``LTI-2026-0042``, any case) or id."""
    text = (request.args.get("proses") or "").strip()
    if not text:
        return None
    found = None
    if len(text) <= 40:
        found = db.session.scalar(select(ProcessInstance.id).where(  # numbers are upper case
            ProcessInstance.number == text.upper()))
        if found is None and is_digits(text) and int(text) < 2**31:
            found = db.session.scalar(select(ProcessInstance.id).where(
                ProcessInstance.id == int(text)))
    if found is None:
        refuse_parameter("proses", gettext(
            'Proses "%(value)s" tidak ada; tulis nomor prosesnya (mis. LTI-2026-0042).',
            value=text[:40]))
    return found


def _step_name(record: AuditRecord) -> str | None:
    """The name of the step ``record`` names, as it was then (``detail["step"]``, kept
    since a version move may rename it), else as it is now; None for no step."""
    if record.human_task_id is None:
        return None
    return (record.detail or {}).get("step") or record.human_task.name


def _table(records: list[AuditRecord]) -> Table:
    """The records as the download's one table: Indonesian words, whatever the reader's
    language (an export is an official document); times in ISO 8601 to the second in the
    office's time zone; the particulars whole, as the record keeps them."""
    zone = ZoneInfo(office_calendar().timezone)
    table = Table("Jejak Audit", HEADINGS)
    with force_locale("id"):
        for record in records:
            table.add([
                record.at.astimezone(zone).replace(microsecond=0).isoformat(),
                record.actor.username if record.actor else None,
                actor_words(record),
                record.action, action_words(record),
                record.instance.number if record.instance else None,
                record.human_task_id, _step_name(record), detail_text(record.detail) or None,
                record.request_id])
    return table
