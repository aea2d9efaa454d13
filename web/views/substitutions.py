"""Plh/Plt: an administrator, the official or his direct supervisor records who stands in
for whom; a Plt is extended once; the official, his or the substitute's superior or an
administrator ends one early ("Akhiri lebih awal"). The rules are
``engine.people.substitution``'s and ``engine.people.substitution_rights``'s."""

import re
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

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

from engine.errors import InvalidTaskData
from engine.models import Substitution, User
from engine.people import substitution, substitution_period
from engine.people.access import requester_only
from engine.people.substitution_rights import may_extend
from web.access import access
from web.edge import is_id
from web.engine_words import in_reader_language
from web.extensions import clock, db
from web.filters import MONTHS, office_calendar, zone_label
from web.paging import page_request
from web.time_words import clock_time
from web.views.substitution_form import form_context

bp = Blueprint("substitutions", __name__, url_prefix="/plh")


@bp.route("/", methods=["GET", "POST"])
@login_required
def index() -> Any:
    """The Plh/Plt in force and the form to record one: the official first, his role
    follows; every problem at once, beside its field; what was chosen is kept. A POST with
    ``tampilkan`` (the button "Tampilkan peran pejabat ini", without JavaScript) records
    nothing: it shows the form again for the official chosen, with what was typed, and
    keeps the CSRF token out of the address a GET would put it in."""
    errors: dict[str, str] = {}
    if request.form.get("tampilkan"):  # also the Enter key without JavaScript
        flash(gettext("Peran pejabat yang dipilih ditampilkan; Plh/Plt belum dicatat. Periksa "
                      "isiannya, lalu tekan Catat."), "info")
    elif request.method == "POST" and (current_user.is_auditor or requester_only(current_user)):
        abort(403)  # he records no Plh/Plt: his page has no form (the permission probe)
    elif request.method == "POST":
        named = request.form.get("official", "").strip()
        # An official's own form has his name only; another one named (a crafted request)
        # is refused as the API refuses it, not recorded for the one who sent it.
        official = _user(request.form.get("official", type=int)) if (
            current_user.is_admin or named) else current_user
        starts_at, ends_at, unreadable = _period(request.form)
        try:
            substitution.record(
                db.session, clock(), kind=request.form.get("kind", ""), official=official,
                substitute=_user(request.form.get("substitute", type=int)),
                role=request.form.get("role", ""),
                warrant_number=request.form.get("warrant_number", "")[:1000],
                starts_at=starts_at, ends_at=ends_at, created_by=current_user)
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = {**{field: in_reader_language(message)
                         for field, message in invalid.fields.items()}, **unreadable}
        else:
            db.session.commit()
            flash(gettext("Plh/Plt dicatat."), "success")
            return redirect(url_for("substitutions.index"))
    return _page(errors)


def _page(errors: dict[str, str], row_errors: dict[int, tuple[str, str]] | None = None
          ) -> Any:
    """The list and the form: ``errors`` beside the form's fields, ``row_errors``
    ({substitution id: (action, message)}) beside a listed one's "Perpanjang"/"Akhiri"
    ("Perpanjang sampai: …"), or above
    the list for one no longer listed (ended meanwhile, e.g. in another tab); 422 with
    either. Each sees the substitutions they are part of or may end (administrators: all):
    those in force or to come, or with ``?tampil=berakhir`` those that are over."""
    page, per_page = page_request()
    over = request.args.get("tampil") == "berakhir"
    now = clock().now()
    listed = substitution.current_page(db.session, current_user, now, page, per_page,
                                       over=over)
    may_end = {s.id for s in listed.items if substitution.may_end(db.session, current_user, s)}
    extendable = {s.id for s in listed.items
                  if s.kind == "Plt" and may_extend(current_user, s.official, s.role)}
    row_errors = row_errors or {}
    shown = {s.id for s in listed.items}
    unlisted = [(_substitution(found), message) for found, (_, message) in row_errors.items()
                if found not in shown]
    return render_template(
        "substitutions/index.html", errors=errors, substitutions=listed.items, page=listed,
        plh_max_days=substitution_period.plh_max(db.session).days, may_end=may_end,
        extendable=extendable, begun={s.id for s in listed.items if s.starts_at <= now},
        row_errors=row_errors, unlisted=unlisted, over=over,
        **form_context(errors)), 422 if errors or row_errors else 200


@bp.app_template_global()
def standing_in() -> list[Substitution]:
    """The Plh/Plt the current user serves in now, for the inbox banner
    (``substitutions/_banner.html``)."""
    if not current_user.is_authenticated:
        return []
    return [substitution for capacity in access().acting.values()
            for substitution in capacity.stands_in]


@bp.app_template_global()
def replaced_by() -> list[Substitution]:
    """The Plh/Plt standing in for the current user now, for the official's inbox banner:
    while he is away, his role's new steps and reminders also reach his substitute, and
    Alihkan no longer offers him."""
    if not current_user.is_authenticated:
        return []
    return substitution.replacing(db.session, current_user, clock().now())


@bp.app_template_filter("tidak_berlaku")
def lapse_words(found: Substitution) -> str:
    """Why a listed substitution gives nothing now (``substitution.lapse``), in the
    reader's language; empty when it counts. An official on leave must not believe he is
    covered by a Plh whose account was disabled."""
    reason = substitution.lapse(found)
    if reason == "official_role":
        return gettext("Tidak berlaku: %(official)s tidak lagi memegang peran %(role)s.",
                       official=found.official.full_name, role=found.role)
    if reason == "substitute_disabled":
        return gettext("Tidak berlaku: akun %(substitute)s nonaktif; tugas kembali kepada "
                       "pejabatnya.", substitute=found.substitute.full_name)
    if reason == "substitute_roleless":
        return gettext("Tidak berlaku: %(substitute)s tidak lagi memegang peran apa pun; tugas "
                       "kembali kepada pejabatnya.", substitute=found.substitute.full_name)
    return ""


bp.app_template_filter("dibatalkan")(substitution_period.cancelled)


@bp.app_template_filter("sampai_dengan")
def last_day(ends_at: datetime) -> str:
    """``3 Des`` for a substitution ending at midnight after 3 December (its end is
    exclusive), ``3 Des 16.00 WIB`` for one ending during the day; the year when it is not
    this year. In the office's time zone, named with a time as every time is."""
    return _day(ends_at, end=True)


@bp.app_template_filter("sejak")
def first_day(starts_at: datetime) -> str:
    """A substitution's start as ``last_day`` writes its end: ``1 Des`` from midnight,
    ``1 Des 08.00 WIB`` from a time in the day, the year when it is not this year."""
    return _day(starts_at, end=False)


def _day(moment: datetime, *, end: bool) -> str:
    """``moment`` (aware) as its day in the office's time zone: the day alone at midnight
    (the day before for an ``end``, which is exclusive), with its time otherwise; the year
    when not this year's."""
    zone = ZoneInfo(office_calendar().timezone)
    local = moment.astimezone(zone)
    midnight = local.time() == time(0)
    day = local - timedelta(microseconds=1) if midnight and end else local
    text = f"{day.day} {MONTHS[day.month - 1]}"
    if day.year != clock().now().astimezone(zone).year:
        text += f" {day.year}"
    if midnight:
        return text
    return f"{text} {clock_time(local)} {zone_label()}"


def _substitution(substitution_id: int) -> Substitution:
    found = db.session.get(Substitution, substitution_id)
    if found is None:
        abort(404)
    return found


@bp.post("/<int:substitution_id>/akhiri")
@login_required
def end_early(substitution_id: int) -> Any:
    """Akhiri lebih awal: the substitution ends now."""
    found = _substitution(substitution_id)
    try:
        substitution.end_early(db.session, clock(), found, current_user)
    except InvalidTaskData as invalid:
        return _refused(substitution_id, invalid, gettext("Akhiri lebih awal"))
    never = substitution_period.cancelled(found)
    db.session.commit()
    flash(gettext("Plh/Plt dibatalkan sebelum berlaku.") if never
          else gettext("Plh/Plt diakhiri."), "success")
    return redirect(url_for("substitutions.index"))


@bp.post("/<int:substitution_id>/perpanjang")
@login_required
def extend(substitution_id: int) -> Any:
    """Extend a Plt once (by at most 3 months)."""
    found = _substitution(substitution_id)
    try:
        substitution.extend(db.session, clock(), found, current_user,
                            _local(request.form.get("ends_at", ""), "ends_at"))
    except InvalidTaskData as invalid:
        return _refused(substitution_id, invalid, gettext("Perpanjang sampai"))
    db.session.commit()
    flash(gettext("Plt diperpanjang."), "success")
    return redirect(url_for("substitutions.index"))


def _refused(substitution_id: int, invalid: InvalidTaskData, action: str) -> Any:
    """The list again, nothing changed, with the reason beside that substitution (422),
    after the ``action`` refused ("Perpanjang sampai: …");
    404, as for no such substitution, to someone who may not see it (a date the form could
    not read is refused before the engine asks who acts)."""
    db.session.rollback()
    if not substitution.may_see(db.session, current_user, _substitution(substitution_id)):
        abort(404)
    return _page({}, {substitution_id: (action, "; ".join(
        in_reader_language(message) for message in invalid.fields.values()))})


def _user(user_id: int | None) -> User | None:
    """The chosen account, None when none (or an unknown one, or a number no account can
    have) was chosen."""
    return db.session.get(User, user_id) if user_id and is_id(user_id) else None


def _period(form: Any) -> tuple[datetime | None, datetime | None, dict[str, str]]:
    """Mulai and Berakhir; a date that cannot be read is None with its message (an empty
    one is None too: ``engine.people.substitution.record`` says "wajib diisi")."""
    values, problems = {}, {}
    for field in ("starts_at", "ends_at"):
        text = form.get(field, "").strip()
        values[field] = None
        if text:
            try:
                values[field] = _local(text, field)
            except InvalidTaskData as invalid:
                problems.update(invalid.fields)
    return values["starts_at"], values["ends_at"], problems


# A date then a time as a date picker sends it (2026-12-31T16:00, maybe with seconds and
# their fraction) or as an official types it without one: the date year first or day first
# (31-12-2026, 31/12/2026), a space for the T, the time as Alur writes it (16.30) or with
# a colon or a comma.
TYPED_MOMENT = re.compile(r"(?:(\d{4})-(\d{2})-(\d{2})|(\d{1,2})[-/](\d{1,2})[-/](\d{4}))"
                          r"[T ](\d{1,2})[.:,](\d{2})(?::(\d{2})(?:\.\d{1,6})?)?")


def _typed_moment(text: str) -> datetime:
    """``text`` (``TYPED_MOMENT``, spaces collapsed, the office's zone label after it
    allowed: "… 16.30 WIB") as a naive date and time. Python's own reading took "16.30"
    for 16:00 and a fraction of a second (found by the regression probe: a Plh ended half
    an hour early), and "2026-12-31 16" or "20261231" as whole hours or days.

    Raises:
        ValueError: any other text, or a date or time that does not exist.
    """
    text = re.sub(rf" {re.escape(zone_label())}$", "", " ".join(text.split()), flags=re.IGNORECASE)
    found = TYPED_MOMENT.fullmatch(text)
    if found is None:
        raise ValueError(text)
    year, month, day, day_first, month_first, year_last, hour, minute, second = found.groups()
    return datetime(int(year or year_last), int(month or month_first), int(day or day_first),
                    int(hour), int(minute), int(second or 0))


def _local(value: str, field: str) -> datetime:
    """A ``datetime-local`` form value, read in the office's time zone."""
    if not value.strip():
        raise InvalidTaskData({field: gettext("tanggal dan jam wajib diisi")})
    try:
        naive = _typed_moment(value.strip())
    except ValueError:
        # A browser without a date picker sends what was typed ("besok", 30 Februari).
        raise InvalidTaskData({field: gettext(
            "tanggal dan jam tidak valid: “%(value)s” (tulis tanggal lalu jam seperti "
            "2026-12-31 16:00; tanggal dan jam itu harus ada)", value=value[:32])}) from None
    return naive.replace(tzinfo=ZoneInfo(office_calendar().timezone))
