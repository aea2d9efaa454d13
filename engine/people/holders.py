"""Who holds a role: the one query for it (escalation, assignment, demo history)."""

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import User, UserRole
from engine.people import substitution


def holders(session: Session, role: str) -> list[User]:
    """The users holding ``role`` (not their substitutes), oldest account first."""
    return list(session.scalars(select(User).join(UserRole).where(UserRole.role == role)
                                .order_by(User.id)))


def present_holders(session: Session, role: str, now: datetime) -> list[User]:
    """The holders of ``role`` not away at ``now`` (nobody stands in for them as Plh/Plt):
    those a step of ``role`` may be assigned to (Alihkan, issue 15)."""
    away = substitution.away(session, now)
    return [user for user in holders(session, role) if user.id not in away]
