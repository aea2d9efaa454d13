"""Plh / Plt: who may act in a role they do not hold, and the record of it.

A Plh (Pelaksana Harian) stands in while the official is away; a Plt (Pelaksana Tugas)
while the post is vacant (UU 30/2014 Pasal 14; a Plt serves at most 3 months, extendable
by 3 — ``shared/domain.md``). Substitutions end by themselves at ``ends_at``.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, PermissionDenied
from engine.models import Substitution, User
from engine.roles import KNOWN_ROLES

KINDS = ("Plh", "Plt")
PLT_MAX = timedelta(days=184)  # 3 months, extended once by 3 (about 6 months)


@dataclass(frozen=True)
class Capacity:
    """How a user acts in a role: as holder (``substitution`` None) or as Plh/Plt."""

    role: str
    substitution: Substitution | None = None

    @property
    def label(self) -> str | None:
        """``"Plh. Kasubbag"`` for a substitute; None for the role's own holder."""
        return f"{self.substitution.kind}. {self.role}" if self.substitution else None


def capacities(session: Session, user: User, now: datetime) -> dict[str, Capacity]:
    """The roles ``user`` may act in at ``now``: their own, then those they substitute in."""
    result = {role: Capacity(role) for role in user.role_names}
    for substitution in active_for(session, user, now):
        result.setdefault(substitution.role, Capacity(substitution.role, substitution))
    return result


def active_for(session: Session, user: User, now: datetime) -> list[Substitution]:
    """The substitutions in which ``user`` stands in for someone at ``now``."""
    return list(session.scalars(select(Substitution).where(
        Substitution.substitute_id == user.id, Substitution.starts_at <= now,
        Substitution.ends_at > now).order_by(Substitution.starts_at)))


def record(session: Session, clock: Clock, *, kind: str, official: User, substitute: User,
           role: str, warrant_number: str, starts_at: datetime, ends_at: datetime,
           created_by: User) -> Substitution:
    """Record a substitution (not committed).

    Only an administrator or the official may record one; the official must hold
    ``role``.

    Raises:
        PermissionDenied: the creator is neither administrator nor the official.
        InvalidTaskData: naming each bad field (kind, role, warrant, period).
    """
    if not (created_by.is_admin or created_by.id == official.id):
        raise PermissionDenied("Hanya administrator atau pejabat yang bersangkutan yang dapat "
                               "mencatat Plh/Plt.")
    problems = {}
    if kind not in KINDS:
        problems["kind"] = "jenis harus Plh atau Plt"
    if role not in KNOWN_ROLES or role not in official.role_names:
        problems["role"] = f"{official.full_name} tidak memegang peran {role}"
    if substitute.id == official.id:
        problems["substitute"] = "pengganti harus orang lain"
    if not warrant_number.strip():
        problems["warrant_number"] = "nomor surat perintah wajib diisi"
    if ends_at <= starts_at:
        problems["ends_at"] = "akhir harus sesudah awal"
    elif kind == "Plt" and ends_at - starts_at > PLT_MAX:
        problems["ends_at"] = "Plt paling lama 3 bulan, dapat diperpanjang 3 bulan"
    if problems:
        raise InvalidTaskData(problems)
    substitution = Substitution(
        kind=kind, official_id=official.id, substitute_id=substitute.id, role=role,
        warrant_number=warrant_number.strip(), starts_at=starts_at, ends_at=ends_at,
        created_by_id=created_by.id, created_at=clock.now())
    session.add(substitution)
    session.flush()
    audit.record(session, clock, "substitution.recorded", actor=created_by, kind=kind,
                 official=official.username, substitute=substitute.username, role=role,
                 warrant_number=substitution.warrant_number,
                 starts_at=starts_at.isoformat(), ends_at=ends_at.isoformat())
    return substitution
