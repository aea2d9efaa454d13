"""Plh / Plt: who may act in a role they do not hold, and the record of it.

A Plh (Pelaksana Harian) stands in while the official is temporarily away; a Plt
(Pelaksana Tugas) while the post is vacant or the official permanently away (UU 30/2014
Pasal 14; SE Kepala BKN 1/SE/I/2021). Rules enforced here (README, "Plh dan Plt"):

- a substitution grants nothing once the official no longer holds the role, nor while
  the substitute is disabled or holds no role (``engine.people.in_force``);
- a Plh lasts at most the office setting ``substitution.plh_max_days`` (default 30 days);
- a Plt lasts at most 3 months and may be extended once by at most 3 months;
- it is recorded by an administrator, the official, or the role's direct supervisor
  (``substitution_rights``), and ended early by them or by a holder of the role above the
  substitute's (not below the role stood in for);
- substitutions end by themselves at ``ends_at``.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any

from sqlalchemy import and_, exists, func, not_, or_, select, update
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, PermissionDenied
from engine.models import Substitution, User, UserRole
from engine.paging import Page, paginate
from engine.people import accounts, claims, substitution_period
from engine.people.in_force import substitution_in_force
from engine.people.substitution_chain import chain_problems
from engine.people.substitution_period import PLT_MAX, early_end, period_problems, year_problem
from engine.people.substitution_rights import (
    check_recorder,
    may_extend,
    role_problem,
    supervised_roles,
)
from engine.roles import KNOWN_ROLES, SUPERVISION_CHAIN, line_above, role_named, supervisor_of
from engine.text import trimmed

KINDS = ("Plh", "Plt")
MAX_WARRANT = 200


@dataclass(frozen=True)
class Capacity:
    """How a user acts in a role: as holder (``substitution`` None) or as Plh/Plt.

    ``stands_in``: every Plh/Plt in force by which the user stands in for an official of
    this role, also when the user holds the role himself (one Prakom as Plh for another):
    the claims of those officials count as the user's own (``claimants``)."""

    role: str
    substitution: Substitution | None = None
    stands_in: tuple[Substitution, ...] = ()

    @property
    def label(self) -> str | None:
        """``"Plh. Kasubbag"`` for a substitute; None for the role's own holder."""
        return f"{self.substitution.kind}. {self.role}" if self.substitution else None

    def label_for(self, claimant_id: int | None) -> str | None:
        """``label``; for a holder of the role acting on the claimed step of an official
        (``claimant_id``) he stands in for, that Plh/Plt's (``"Plh. Prakom"``)."""
        if self.substitution is None:
            for substitution in self.stands_in:
                if substitution.official_id == claimant_id:
                    return f"{substitution.kind}. {self.role}"
        return self.label

    def claimants(self, user_id: int) -> set[int]:
        """Whose claim on a step of this role is the user's (id ``user_id``) own: his, and
        that of each official he stands in for."""
        return {user_id, *(substitution.official_id for substitution in self.stands_in)}


def capacities(session: Session, user: User, now: datetime) -> dict[str, Capacity]:
    """The roles ``user`` may act in at ``now``: their own, then those they substitute in
    by a Plh/Plt in force (``active_for``: the official still holds the role, the
    substitute is active and holds a role). A Plh/Plt in a role the user holds himself
    adds to that role's ``stands_in``; the user acts in it as its holder."""
    result = {role: Capacity(role) for role in user.role_names}
    for substitution in active_for(session, user, now):
        held = result.get(substitution.role)
        result[substitution.role] = (
            Capacity(substitution.role, substitution, (substitution,)) if held is None
            else replace(held, stands_in=(*held.stands_in, substitution)))
    return result


def active_for(session: Session, user: User, now: datetime) -> list[Substitution]:
    """The substitutions in which ``user`` stands in for someone at ``now``, those that
    count (``engine.people.in_force``: one whose official has since lost the role, or
    whose substitute holds no role any more, is over)."""
    return list(session.scalars(select(Substitution).where(
        Substitution.substitute_id == user.id, substitution_in_force(now))
        .order_by(Substitution.starts_at)))


def replacing(session: Session, user: User, now: datetime) -> list[Substitution]:
    """The substitutions in force at ``now`` in which someone stands in for ``user`` (the
    official), with their substitutes, by start: the official's inbox says so."""
    return list(session.scalars(select(Substitution).options(
        selectinload(Substitution.substitute)).where(
        Substitution.official_id == user.id, substitution_in_force(now))
        .order_by(Substitution.starts_at)))


def away(session: Session, now: datetime) -> set[int]:
    """Ids of the officials someone stands in for at ``now`` (Plh/Plt in force, in any
    role): they are away, so Alihkan does not offer them a step of any role (issue 15)."""
    return set(session.scalars(select(Substitution.official_id).where(
        substitution_in_force(now))))


def default_role(official: User) -> str | None:
    """The role a substitute for ``official`` most likely takes: the highest of the line
    of supervision the official holds (a Kasubbag who is also Prakom: Kasubbag), else
    the first of the others by name; None for someone holding no role."""
    held = official.role_names
    chain = [role for role in SUPERVISION_CHAIN if role in held]
    return chain[-1] if chain else min(held, default=None)


def candidates(session: Session) -> list[User]:
    """Who may be offered as substitute: active staff holding a role in Alur, by name;
    never an administrator account without a role (the form hides the chosen official)."""
    return [user for user in session.scalars(select(User).order_by(func.lower(User.full_name), User.id))
            if user.role_names and not user.is_disabled]


def record(session: Session, clock: Clock, *, kind: str, official: User | None,
           substitute: User | None, role: str, warrant_number: str,
           starts_at: datetime | None, ends_at: datetime | None,
           created_by: User) -> Substitution:
    """Record a substitution (not committed).

    Only an administrator, the official or the direct supervisor of ``role`` may record
    one (``substitution_rights``); the official must hold ``role`` (read whatever its case,
    ``engine.roles.role_named``). ``starts_at``/``ends_at`` are aware datetimes, end exclusive. Every problem
    is reported at once; None stands for a field left empty ("wajib diisi").

    Raises:
        PermissionDenied: the creator is neither administrator, nor the official, nor the
            direct supervisor of one of his roles.
        InvalidTaskData: naming each bad field (kind, official, role, substitute,
            warrant_number, starts_at, ends_at); ``starts_at`` also when someone already
            stands in for the official in ``role`` for part of the period (one substitute
            per office at a time; checked holding the official's row, so two at once
            cannot both pass, see ``accounts.hold_user``); ``substitute`` when he is himself
            replaced, ``official`` when he stands in for someone, for part of the period
            (``substitution_chain``).
        sqlite3.OperationalError: SQLITE_BUSY when the writer lock is not had in time.
    """
    check_recorder(created_by, official)
    role = role_named(role) or role  # "kasubbag", "bidang_terkait", as user names are read
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "jenis harus Plh atau Plt"
    if official is None:
        problems["official"] = "pejabat yang digantikan wajib dipilih"
    elif not role:
        problems["role"] = "peran wajib dipilih"
    elif role not in KNOWN_ROLES:
        problems["role"] = (f"peran {role[:40]} tidak dikenal; peran {official.full_name}: "
                            f"{', '.join(sorted(official.role_names)) or 'tidak ada'}")
    elif role not in official.role_names:
        problems["role"] = f"{official.full_name} tidak memegang peran {role}"
    elif refused := role_problem(created_by, official, role):
        problems["role"] = refused
    if official is not None and official.is_disabled and kind == "Plh":  # SE BKN 1/SE/I/2021
        problems["kind"] = (f"akun {official.full_name} nonaktif (berhalangan tetap): catat "
                            "Plt, bukan Plh")
    if substitute is None:
        problems["substitute"] = "pengganti wajib dipilih"
    elif official is not None and substitute.id == official.id:
        problems["substitute"] = "pengganti harus orang lain"
    elif substitute.is_disabled or not substitute.role_names:
        # As the form offers them (candidates): a disabled account or an administrator
        # without a role would act in a lane with no one above him to answer to.
        problems["substitute"] = (f"{substitute.full_name} tidak dapat menjadi pengganti: "
                                  "hanya pegawai aktif yang memegang peran")
    if not trimmed(warrant_number):
        problems["warrant_number"] = "nomor surat perintah wajib diisi"
    elif len(trimmed(warrant_number)) > MAX_WARRANT:
        problems["warrant_number"] = f"nomor surat perintah paling banyak {MAX_WARRANT} karakter"
    problems.update(period_problems(session, kind, starts_at, ends_at, clock.now()))
    if not problems:
        for held in sorted((official, substitute), key=lambda user: user.id):
            accounts.hold_user(session, held)
        clash = _overlapping(session, official, role, starts_at, ends_at)
        if clash is not None:
            problems["starts_at"] = substitution_period.clash_problem(session, clash,
                                                                      clock.now())
        problems.update(chain_problems(session, official, substitute, starts_at, ends_at))
    if problems:
        raise InvalidTaskData(problems)
    substitution = Substitution(
        kind=kind, official_id=official.id, substitute_id=substitute.id, role=role,
        warrant_number=trimmed(warrant_number), starts_at=starts_at, ends_at=ends_at,
        created_by_id=created_by.id, created_at=clock.now())
    session.add(substitution)
    session.flush()
    audit.record(session, clock, "substitution.recorded", actor=created_by, kind=kind,
                 official=official.username, substitute=substitute.username, role=role,
                 warrant_number=substitution.warrant_number,
                 starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat())
    if substitute.notify_new_tasks:  # the official's new steps will be his to notice
        accounts.refresh_notice_roles(session, clock.now())
    return substitution


def _overlapping(session: Session, official: User, role: str, starts_at: datetime,
                 ends_at: datetime, other_than: int | None = None) -> Substitution | None:
    """A substitution (not ``other_than``) for ``official`` in ``role`` whose period (as it
    stands, after an early end) shares a moment with ``starts_at``..``ends_at``, or None."""
    return session.scalars(select(Substitution).where(
        Substitution.official_id == official.id, Substitution.role == role,
        Substitution.starts_at < ends_at, Substitution.ends_at > starts_at,
        Substitution.ends_at > Substitution.starts_at, Substitution.id != (other_than or 0))
        .order_by(Substitution.id).limit(1)).first()


def may_end(session: Session, user: User, substitution: Substitution) -> bool:
    """Whether ``user`` may end ``substitution`` early: the official, an administrator, the
    direct supervisor of the role stood in for (who may record it), or a holder of a role
    that supervises one of the substitute's roles and is not below the role stood in for
    (a Kasubbag recalls a Prakom from a Plh. Kasubbag, never from a Plt. Ketua the Ketua
    appointed)."""
    if (user.is_admin or user.id == substitution.official_id
            or substitution.role in supervised_roles(user)):
        return True
    above = {supervisor_of(role) for role in substitution.substitute.role_names
             if role in KNOWN_ROLES}
    return any(substitution.role in _at_or_below(role) for role in above & user.role_names)


def _at_or_below(role: str) -> set[str]:
    """The roles ``role`` itself is or is above along the line of supervision."""
    return {role, *(other for other in KNOWN_ROLES if role in line_above(other))}


def lapse(substitution: Substitution) -> str | None:
    """Why a substitution within its period gives nothing now, as
    ``in_force.substitution_in_force`` decides in SQL: ``"official_role"`` (the official no
    longer holds the role), ``"substitute_disabled"``, ``"substitute_roleless"``; None when
    it counts (period aside)."""
    if substitution.role not in substitution.official.role_names:
        return "official_role"
    if substitution.substitute.is_disabled:
        return "substitute_disabled"
    return None if substitution.substitute.role_names else "substitute_roleless"


def may_see(session: Session, user: User, substitution: Substitution) -> bool:
    """Whether ``user`` may see ``substitution`` (who, whom, the warrant): its substitute, or
    whoever may end it (:func:`may_end`), as :func:`current_page` lists them."""
    return user.id == substitution.substitute_id or may_end(session, user, substitution)


def current_page(session: Session, user: User, now: datetime, page: int, per_page: int,
                 *, over: bool = False) -> Page:
    """Page ``page`` of the substitutions not yet over (``now``: aware) that ``user`` is
    part of or may end (:func:`may_end`, in SQL; administrators and auditors: all), by
    start; with both people and their roles loaded (:func:`lapse`). ``over``: those that
    are over instead (ended, early or at their end, also before they began), the last to
    end first, for the record of who stood in for whom under which warrant.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    # Not one ended before it began.
    in_force = and_(Substitution.ends_at > now, Substitution.ends_at > Substitution.starts_at)
    query = select(Substitution).options(
        selectinload(Substitution.official).selectinload(User.roles),
        selectinload(Substitution.substitute).selectinload(User.roles),
        selectinload(Substitution.ended_by)).where(not_(in_force) if over else in_force)
    if not (user.is_admin or user.is_auditor):
        query = query.where(or_(
            Substitution.official_id == user.id, Substitution.substitute_id == user.id,
            Substitution.role.in_(supervised_roles(user)),
            *(Substitution.role.in_(_at_or_below(held)) & exists().where(
                UserRole.user_id == Substitution.substitute_id,
                UserRole.role.in_([role for role in KNOWN_ROLES
                                   if supervisor_of(role) == held]))
              for held in user.role_names if held in KNOWN_ROLES)))
    order = ((Substitution.ends_at.desc(), Substitution.id.desc()) if over
             else (Substitution.starts_at, Substitution.id))
    return paginate(session, query.order_by(*order), page, per_page)


def _write_once(session: Session, substitution: Substitution, still: Any,
                **values: Any) -> bool:
    """Write ``values`` to ``substitution``'s row only if ``still`` holds there now (one
    conditional UPDATE: of two requests at once, e.g. "Perpanjang" clicked by the official
    and an administrator, the second finds the row changed and writes nothing); the object
    takes the values. Returns whether it was written."""
    written = session.execute(update(Substitution).where(Substitution.id == substitution.id,
                                                         still).values(**values)
                              .execution_options(synchronize_session=False)).rowcount
    if written:
        for name, value in values.items():
            set_committed_value(substitution, name, value)
    return bool(written)


def end_early(session: Session, clock: Clock, substitution: Substitution, user: User) -> None:
    """End ``substitution`` now ("Akhiri lebih awal"; not committed), where
    ``substitution_period.early_end`` says: one not begun yet is ``cancelled``.
    The steps the substitute took in that role go back to the role's unit
    (``engine.people.claims``).

    Raises:
        PermissionDenied: ``user`` may not end it (see :func:`may_end`).
        InvalidTaskData: it is already over, ended early or cancelled (``ends_at``).
    """
    if not may_end(session, user, substitution):
        raise PermissionDenied("Hanya pejabatnya atau atasan langsungnya, atasan pengganti yang "
                               f"tidak lebih rendah dari {substitution.role}, atau administrator "
                               "yang dapat mengakhiri Plh/Plt ini.")
    now = clock.now()
    over = InvalidTaskData({"ends_at": "Plh/Plt ini sudah berakhir atau dibatalkan"})
    if substitution.ends_at <= now or substitution.ended_by_id is not None:
        raise over
    if not _write_once(session, substitution,
                       (Substitution.ends_at > now) & Substitution.ended_by_id.is_(None),
                       ends_at=early_end(substitution.starts_at, now),
                       ended_by_id=user.id):
        raise over
    audit.record(session, clock, "substitution.ended", actor=user, kind=substitution.kind,
                 official=substitution.official.username,
                 substitute=substitution.substitute.username, role=substitution.role,
                 warrant_number=substitution.warrant_number,
                 ends_at=substitution.ends_at.isoformat())
    claims.release_lapsed(session, clock, holders=[substitution.substitute_id], cause="ended",
                          actor=user)


def extend(session: Session, clock: Clock, substitution: Substitution, user: User,
           ends_at: datetime) -> None:
    """Extend a Plt once, to ``ends_at`` at most 3 months after its current end (not
    committed). Whoever may record it may (``substitution_rights.may_extend``).

    Raises:
        PermissionDenied: ``user`` is neither administrator, nor the official, nor the
            direct supervisor of the role stood in for.
        InvalidTaskData: not a Plt, already extended, already over, or too long
            (field ``ends_at``).
    """
    if not may_extend(user, substitution.official, substitution.role):
        raise PermissionDenied("Hanya administrator, pejabat yang bersangkutan atau atasan "
                               "langsungnya yang dapat memperpanjang Plt.")
    problem = None
    if substitution.kind != "Plt":
        problem = "hanya Plt yang dapat diperpanjang; catat Plh baru"
    elif substitution.extended_at is not None:
        problem = "Plt hanya dapat diperpanjang satu kali"
    elif substitution.ends_at <= clock.now() or substitution.ended_by_id is not None:
        # Ended early (Akhiri), even before it began: ended for good.
        problem = "Plt ini sudah berakhir"
    elif outside := year_problem(ends_at):
        problem = outside
    elif ends_at <= substitution.ends_at:
        problem = "akhir baru harus sesudah akhir yang sekarang"
    elif ends_at > substitution.ends_at + PLT_MAX:
        problem = "perpanjangan paling lama 3 bulan sesudah akhir yang sekarang"
    else:
        for held in sorted((substitution.official, substitution.substitute),
                           key=lambda user: user.id):
            accounts.hold_user(session, held)
        clash = _overlapping(session, substitution.official, substitution.role,
                             substitution.ends_at, ends_at, other_than=substitution.id)
        if clash is not None:
            problem = (f"{clash.substitute.full_name} menggantikan pada sebagian perpanjangan "
                       f"ini ({clash.kind}, surat perintah {clash.warrant_number}); satu "
                       "jabatan punya satu pengganti")
        else:
            problem = next(iter(chain_problems(
                session, substitution.official, substitution.substitute, substitution.ends_at,
                ends_at, other_than=substitution.id).values()), None)
    if problem:
        raise InvalidTaskData({"ends_at": problem})
    previous = substitution.ends_at
    # Not extended and not ended meanwhile (an "Akhiri" at the same moment wins).
    if not _write_once(session, substitution, Substitution.extended_at.is_(None)
                       & Substitution.ended_by_id.is_(None),
                       ends_at=ends_at, extended_at=clock.now()):
        raise InvalidTaskData({"ends_at": "Plt sudah diperpanjang atau diakhiri"})
    audit.record(session, clock, "substitution.extended", actor=user, kind=substitution.kind,
                 official=substitution.official.username,
                 substitute=substitution.substitute.username, role=substitution.role,
                 warrant_number=substitution.warrant_number, previous=previous.isoformat(),
                 ends_at=ends_at.isoformat())
