"""The period of a Plh/Plt: how long each may last, which dates a new one may have
(README "Plh dan Plt"; SE Kepala BKN 1/SE/I/2021), which one of a substitute ended, and
where one ended early stops."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import settings
from engine.models import Substitution, User
from engine.time.periods import FIRST_YEAR, LAST_YEAR
from engine.time.wall_clock import wall_clock_text

# "3 months": the longest three consecutive months have 92 days.
PLT_MAX = timedelta(days=92)


def plh_max(session: Session) -> timedelta:
    """The longest Plh the office allows (setting ``substitution.plh_max_days``)."""
    return timedelta(days=int(settings.get(session, "substitution")["plh_max_days"]))


def period_problems(session: Session, kind: str, starts_at: datetime | None,
                    ends_at: datetime | None, now: datetime) -> dict[str, str]:
    """What is wrong with a new substitution's period, by field: a date missing or outside
    the years Alur reads (:func:`year_problem`), else an end not after the start, not
    after ``now`` (it would grant nothing and be listed nowhere) or beyond the longest Plh
    (office setting) or Plt."""
    problems = {}
    for field, value, word in (("starts_at", starts_at, "mulai"),
                               ("ends_at", ends_at, "berakhir")):
        problem = (f"tanggal dan jam {word} wajib diisi" if value is None
                   else year_problem(value))
        if problem:
            problems[field] = problem
    if problems or starts_at is None or ends_at is None:
        return problems
    limit = plh_max(session) if kind == "Plh" else PLT_MAX
    if ends_at <= starts_at:
        return {"ends_at": "akhir harus sesudah awal"}
    if ends_at <= now:
        return {"ends_at": "akhir sudah lewat; Plh/Plt yang sudah berakhir tidak memberi "
                           "wewenang apa pun dan tidak perlu dicatat"}
    if ends_at - starts_at > limit:
        return {"ends_at": f"Plh paling lama {limit.days} hari (pengaturan kantor)"
                if kind == "Plh" else
                "Plt paling lama 3 bulan; perpanjang sekali sesudah dicatat"}
    return {}


def year_problem(value: datetime) -> str | None:
    """The message for a date (aware) outside the years 2000–2100 (README "Batas"), None
    within them, as written and as stored (UTC): 2100-12-31T20:00-12:00 is 2101 once
    stored. Beyond them a year 1 or 9999 date leaves what a datetime holds once moved to
    UTC for storing, and no office appoints a Plh/Plt that far off."""
    if FIRST_YEAR <= value.year <= LAST_YEAR and (
            FIRST_YEAR <= value.astimezone(UTC).year <= LAST_YEAR):
        return None
    return f"tanggal harus dalam tahun {FIRST_YEAR}–{LAST_YEAR}"


def ended_since(session: Session, user: User, role: str, since: datetime, now: datetime
                ) -> Substitution | None:
    """The latest substitution in which ``user`` stood in for ``role`` and whose period
    ended from ``since`` to ``now`` (aware; e.g. since a step opened: he could act on it
    then, not now), or None. Only the period is asked: a refusal names this end."""
    return session.scalar(select(Substitution).where(
        Substitution.substitute_id == user.id, Substitution.role == role,
        Substitution.ends_at >= since, Substitution.ends_at <= now)
        .order_by(Substitution.ends_at.desc()).limit(1))


def early_end(starts_at: datetime, now: datetime) -> datetime:
    """Where a substitution beginning at ``starts_at`` ends when ended early at ``now``
    (aware): the start of this minute, so that a replacement may begin in it; this moment
    when that minute is not after its start (ended in the minute it began: what its
    substitute did meanwhile stays inside it); its start when it has not begun."""
    minute = now.replace(second=0, microsecond=0)
    return minute if minute > starts_at else max(now, starts_at)


def cancelled(substitution: Substitution) -> bool:
    """Whether ``substitution`` was ended before it began (``end_early``): it never was in
    force."""
    return substitution.ended_by_id is not None and substitution.ends_at <= substitution.starts_at


def clash_problem(session: Session, clash: Substitution, now: datetime) -> str:
    """Why a new substitution for ``clash``'s official and role is refused: one substitute
    per post. One ended early, or whose period is over at ``now`` (aware), says until when
    it ran and the first minute the new one may begin, on the office's wall clock (its
    calendar setting), rather than to end it first: it can no longer be ended."""
    timezone = settings.work_calendar(session).timezone
    said = (f"{clash.official.full_name} sudah digantikan sebagai {clash.role} oleh "
            f"{clash.substitute.full_name} ({clash.kind}, surat perintah "
            f"{clash.warrant_number})")
    if clash.ended_by_id is None and clash.ends_at > now:
        return (f"{said} pada sebagian periode ini; satu jabatan punya satu pengganti: akhiri "
                "yang itu dulu atau pilih periode lain")
    minute = clash.ends_at.replace(second=0, microsecond=0)
    free = minute if minute == clash.ends_at else minute + timedelta(minutes=1)
    how = ", saat diakhiri" if clash.ended_by_id is not None else ""
    return (f"{said} sampai {wall_clock_text(clash.ends_at, timezone)}{how}; satu jabatan punya "
            f"satu pengganti: mulai paling awal {wall_clock_text(free, timezone)}")
