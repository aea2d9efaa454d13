"""No chains of substitutes: a Plh/Plt must be at work for the whole of his period, and an
official away must not himself be standing in for someone.

A substitute who is himself replaced (in any role) is absent: he is offered nowhere and no
step may be assigned to him, while reminders and new steps of the office he covers would
still reach him. Two Prakom each recorded as the other's Plh leave every Prakom step with no
one to assign it to. So each recording and each extension is checked both ways (README,
"Plh dan Plt")."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import Substitution, User


def chain_problems(session: Session, official: User, substitute: User, starts_at: datetime,
                   ends_at: datetime, other_than: int | None = None) -> dict[str, str]:
    """``{field: Indonesian message}`` when, for part of ``starts_at``..``ends_at`` (aware,
    end exclusive), ``substitute`` is himself replaced (field ``substitute``) or
    ``official`` stands in for someone else (field ``official``); periods as they stand
    after an early end; ``other_than``: the substitution being extended."""
    problems = {}
    away = _during(session, Substitution.official_id == substitute.id, starts_at, ends_at,
                   other_than)
    if away is not None:
        problems["substitute"] = (
            f"{substitute.full_name} sendiri digantikan pada sebagian periode ini "
            f"({away.kind}. {away.role} {away.substitute.full_name}, surat perintah "
            f"{away.warrant_number}); pengganti harus bertugas selama masa penggantian: "
            "pilih orang lain atau periode lain")
    covering = _during(session, Substitution.substitute_id == official.id, starts_at, ends_at,
                       other_than)
    if covering is not None:
        problems["official"] = (
            f"{official.full_name} sedang menjadi {covering.kind}. {covering.role} bagi "
            f"{covering.official.full_name} pada sebagian periode ini (surat perintah "
            f"{covering.warrant_number}); akhiri penggantian itu dulu atau pilih periode lain")
    return problems


def _during(session: Session, who: object, starts_at: datetime, ends_at: datetime,
            other_than: int | None) -> Substitution | None:
    return session.scalars(select(Substitution).where(
        who, Substitution.starts_at < ends_at, Substitution.ends_at > starts_at,
        Substitution.ends_at > Substitution.starts_at, Substitution.id != (other_than or 0))
        .order_by(Substitution.id).limit(1)).first()
