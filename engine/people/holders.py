"""Who holds a role: the one query for it (escalation, assignment, demo history)."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import User, UserRole


def holders(session: Session, role: str) -> list[User]:
    """The users holding ``role`` (not their substitutes), oldest account first."""
    return list(session.scalars(select(User).join(UserRole).where(UserRole.role == role)
                                .order_by(User.id)))
