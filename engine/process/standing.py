"""Where a running case stands, for Daftar Proses: the steps (Kegiatan) open in it now,
each with its lane's role (Pelaksana), who has taken it and its deadline, read for a whole
page of instances in one statement on ``human_tasks`` (never an instance's saved workflow
state)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.models import HumanTask, ProcessInstance, User
from engine.process.inbox import WAITING

# Open steps a list names per instance; a case open at more (parallel branches) says how
# many more there are.
SHOWN_STEPS = 3


@dataclass(frozen=True)
class OpenStep:
    """One open step of a listed instance.

    ``holder``: the full name of who has taken it (Ambil), None while any holder of
    ``role`` may; ``due_at``: its aware deadline, None without a Waktu; ``round_the_clock``:
    the deadline counts wall-clock time (a kritis ticket), not office working time;
    ``waiting``: its ticket waits for the requester, so its clock stands still."""

    task_id: int
    name: str
    role: str
    holder: str | None
    due_at: datetime | None
    round_the_clock: bool
    waiting: bool


def open_steps(session: Session, items: Iterable[ProcessInstance]) -> dict[int, list[OpenStep]]:
    """The open steps of the running instances among ``items``, ``{instance id: steps}``
    in the order they opened; an instance with none open has no key. One statement,
    whatever the page's size."""
    running = [item.id for item in items if item.status == "running"]
    if not running:
        return {}
    rows = session.execute(
        select(HumanTask.instance_id, HumanTask.id, HumanTask.name, HumanTask.role,
               User.full_name, HumanTask.due_at, HumanTask.round_the_clock,
               WAITING.label("waiting"))
        .outerjoin(User, User.id == HumanTask.claimed_by_id)
        .where(HumanTask.instance_id.in_(running), HumanTask.state == "open")
        .order_by(HumanTask.instance_id, HumanTask.created_at, HumanTask.id))
    found: dict[int, list[OpenStep]] = {}
    for instance_id, *step in rows:
        found.setdefault(instance_id, []).append(OpenStep(*step))
    return found


def late(standing: dict[int, list[OpenStep]], now: datetime) -> set[int]:
    """Ids of the instances with a step open past its deadline at ``now`` (aware), as
    ``engine.process.lists.late_ids`` finds them, from ``open_steps``' rows already read."""
    return {instance_id for instance_id, steps in standing.items()
            if any(step.due_at is not None and step.due_at < now for step in steps)}
