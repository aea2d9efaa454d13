"""Accounts beside the ``users`` fixture's one per role: a second Prakom, an official who
holds two roles."""

from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import User, UserRole


def add_user(session: Session, clock: Clock, username: str, full_name: str,
             *roles: str) -> User:
    """A new active account holding ``roles``, flushed (it has its id); not committed."""
    user = User(username=username, full_name=full_name, password_hash="-",
                created_at=clock.now(), roles=[UserRole(role=role) for role in roles])
    session.add(user)
    session.flush()
    return user
