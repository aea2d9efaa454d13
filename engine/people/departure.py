"""What disabling an account leaves behind, said to the administrator before he does it:
the steps the person holds (they go back to their units' Tugas Unit,
``engine.people.claims``) and the roles no one else actively holds, whose steps nobody can
then do until the role is given to someone or a Plt is recorded (README, "Plh dan Plt")."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import HumanTask, User, UserRole


@dataclass(frozen=True)
class Departure:
    """``held``: open steps the person has taken; ``sole``: ``[(role, open steps of that
    role)]`` for each role of his that no other active account holds, by role name."""

    held: int
    sole: list[tuple[str, int]]


def held_steps(session: Session, user: User) -> int:
    """How many open steps ``user`` has taken (one COUNT): what taking his roles away, or
    his account, gives back to Tugas Unit."""
    return session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.claimed_by_id == user.id, HumanTask.state == "open")) or 0


def departure(session: Session, user: User) -> Departure:
    """What disabling ``user`` (an active account) leaves: two statements plus one per role
    he holds alone (at most ``engine.roles.KNOWN_ROLES`` of them)."""
    held = held_steps(session, user)
    others = set(session.scalars(
        select(UserRole.role).join(User, User.id == UserRole.user_id).where(
            UserRole.role.in_(sorted(user.role_names)), User.id != user.id,
            User.is_disabled.is_(False))))
    sole = []
    for role in sorted(user.role_names - others):
        open_steps = session.scalar(select(func.count()).select_from(HumanTask).where(
            HumanTask.role == role, HumanTask.state == "open")) or 0
        sole.append((role, open_steps))
    return Departure(held=held, sole=sole)
