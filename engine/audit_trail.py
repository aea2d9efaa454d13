"""Jejak audit: the whole audit trail for administrators and the office's auditors
(Inspektorat, BPK), chosen by period, person, kind of action and process, newest first, a
page at a time or as a bounded download (README, "Jejak audit").

Every state change writes one record (``engine.audit``); this module only reads them.
The filters run in SQL on indexed columns (``at``; ``actor_id, at``; ``instance_id, at``),
so that a page of a trail of millions of records reads one page.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session, joinedload, lazyload, load_only

from engine.models import AuditRecord, HumanTask, ProcessInstance
from engine.paging import Page, paginate

# The kinds of action an auditor chooses from (``jenis`` on the page): each the prefixes of
# the actions it covers (``task.completed`` is under ``task.``).
ACTION_GROUPS: dict[str, tuple[str, ...]] = {
    "proses": ("instance.",),
    "langkah": ("task.",),
    "lampiran-komentar": ("attachment.", "comment."),
    "tiket": ("ticket.", "sla."),
    "akun": ("user.", "token."),
    "plh-plt": ("substitution.",),
    "sop": ("process.",),
    "pengaturan": ("settings.", "alert_source.", "maintenance."),
    "kotak-masuk": ("inbox.",),
    "unduhan": ("download.",),
}


@dataclass(frozen=True)
class TrailFilter:
    """Which records a trail holds; None (or empty) leaves a field open.

    ``since`` and ``before``: aware datetimes, ``since`` included, ``before`` not (an office
    day's local midnights). ``actor_id``: the acting user's id; ``without_actor``: only the
    records no account wrote (timers, the worker, the command line). ``group``: a key of
    ``ACTION_GROUPS``; ``action``: one exact action (``user.logged_in``). ``instance_id``:
    the process instance the records are about (also its files' downloads). ``up_to_id``:
    only records up to this id, those written before a download in parts began: records are
    only ever added, so its parts hold the same records whenever each is fetched.
    """

    since: datetime | None = None
    before: datetime | None = None
    actor_id: int | None = None
    without_actor: bool = False
    group: str | None = None
    action: str | None = None
    instance_id: int | None = None
    up_to_id: int | None = None


def trail_query(chosen: TrailFilter) -> Select:
    """The records ``chosen`` names, newest first, each with its actor and the number of its
    instance loaded (never the instance's saved state).

    Raises:
        KeyError: ``chosen.group`` is not a key of ``ACTION_GROUPS``.
    """
    return (select(AuditRecord).where(*_conditions(chosen)).options(
        joinedload(AuditRecord.actor),
        joinedload(AuditRecord.instance).load_only(ProcessInstance.number),
        # The step's name only: its instance (and saved state) is not read again.
        joinedload(AuditRecord.human_task).options(load_only(HumanTask.name), lazyload("*")))
        .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()))


def _conditions(chosen: TrailFilter) -> list[ColumnElement[bool]]:
    found = []
    if chosen.since is not None:
        found.append(AuditRecord.at >= chosen.since)
    if chosen.before is not None:
        found.append(AuditRecord.at < chosen.before)
    if chosen.actor_id is not None:
        found.append(AuditRecord.actor_id == chosen.actor_id)
    if chosen.without_actor:
        found.append(AuditRecord.actor_id.is_(None))
    if chosen.group is not None:
        found.append(or_(*(AuditRecord.action.startswith(prefix, autoescape=True)
                           for prefix in ACTION_GROUPS[chosen.group])))
    if chosen.action is not None:
        found.append(AuditRecord.action == chosen.action)
    if chosen.up_to_id is not None:
        found.append(AuditRecord.id <= chosen.up_to_id)
    if chosen.instance_id is not None:
        # A download names its process in its detail (engine.process.downloads).
        found.append(or_(AuditRecord.instance_id == chosen.instance_id, and_(
            AuditRecord.action == "download.attachment",
            AuditRecord.detail["process_id"].as_integer() == chosen.instance_id)))
    return found


def trail_page(session: Session, chosen: TrailFilter, page: int, per_page: int) -> Page:
    """Page ``page`` of the records ``chosen`` names (``trail_query``), with their total.

    Raises:
        KeyError: an unknown ``chosen.group``.
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging.paginate``).
    """
    return paginate(session, trail_query(chosen), page, per_page)


def trail_rows(session: Session, chosen: TrailFilter, limit: int) -> list[AuditRecord]:
    """Every record ``chosen`` names, newest first, for a download of at most ``limit``
    rows.

    Raises:
        KeyError: an unknown ``chosen.group``.
        TrailTooLong: more than ``limit`` records match (nothing is returned).
    """
    total = session.scalar(select(func.count()).select_from(AuditRecord)
                           .where(*_conditions(chosen))) or 0
    if total > limit:
        raise TrailTooLong(total, limit)
    return list(session.scalars(trail_query(chosen)).unique())


def trail_part(session: Session, chosen: TrailFilter, size: int, part: int
               ) -> tuple[list[AuditRecord], int]:
    """Part ``part`` (from 1) of the records ``chosen`` names cut in parts of ``size``,
    newest first (the ``size`` newest are part 1), and how many parts there are; give
    ``chosen.up_to_id`` so that every part is cut from the same records.

    Raises:
        KeyError: an unknown ``chosen.group``.
        ValueError: no part ``part`` (below 1, or past the last; a trail of no record has
            none).
    """
    total = session.scalar(select(func.count()).select_from(AuditRecord)
                           .where(*_conditions(chosen))) or 0
    parts = -(-total // size)
    if not 1 <= part <= parts:
        raise ValueError(f"part {part} of {parts}")
    return list(session.scalars(trail_query(chosen).offset((part - 1) * size).limit(size))
                .unique()), parts


def newest_id(session: Session) -> int:
    """The id of the newest record of the whole trail (0 when there is none): where a
    download in parts is cut (``TrailFilter.up_to_id``)."""
    return session.scalar(select(func.max(AuditRecord.id))) or 0


class TrailTooLong(Exception):
    """A download would hold ``total`` records, more than its ``limit``."""

    def __init__(self, total: int, limit: int) -> None:
        super().__init__(f"{total} records, at most {limit}")
        self.total = total
        self.limit = limit
