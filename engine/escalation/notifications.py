"""Reading a user's notifications (escalations included)."""

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import NotFound
from engine.models import Notification, User


def for_user(session: Session, user: User, limit: int = 200) -> list[Notification]:
    """The user's newest notifications first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user.id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc())
                                .limit(limit)))


def unread_count(session: Session, user: User) -> int:
    """How many of the user's notifications are unread."""
    return session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None))) or 0


def mark_all_read(session: Session, clock: Clock, user: User) -> int:
    """Mark every unread notification of the user read; return how many."""
    result = session.execute(update(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)
    ).values(read_at=clock.now()))
    return result.rowcount


def mark_read(session: Session, clock: Clock, user: User, notification_id: int) -> Notification:
    """Mark one of the user's notifications read (already read: unchanged; not committed).

    Raises:
        NotFound: no such notification of ``user`` (another user's is not revealed).
    """
    found = session.get(Notification, notification_id)
    if found is None or found.user_id != user.id:
        raise NotFound(f"Notifikasi #{notification_id} tidak ditemukan.")
    if found.read_at is None:
        found.read_at = clock.now()
    return found
