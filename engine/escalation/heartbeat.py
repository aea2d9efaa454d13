"""Worker heartbeats: each round of a worker (``alur worker`` or the loop inside
``alur serve``) records when it ran, so readiness can tell a stuck worker from an idle one.
"""

from datetime import datetime, timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import WorkerHeartbeat

# Rows of workers silent this long are removed (a restarted worker has a new id).
FORGET_AFTER = timedelta(days=1)


def record_round(session: Session, clock: Clock, worker_id: str, *, failed: bool) -> None:
    """Note that ``worker_id`` finished a round now (``failed``: a part of it raised).
    Not committed. Also forgets workers silent for ``FORGET_AFTER``."""
    now = clock.now()
    row = session.get(WorkerHeartbeat, worker_id)
    if row is None:
        row = WorkerHeartbeat(worker_id=worker_id, started_at=now, last_round_at=now,
                              rounds=0, failures=0)
        session.add(row)
    row.last_round_at = now
    row.rounds += 1
    row.failures += int(failed)
    session.execute(delete(WorkerHeartbeat).where(
        WorkerHeartbeat.last_round_at < now - FORGET_AFTER,
        WorkerHeartbeat.worker_id != worker_id))


def last_round_at(session: Session) -> datetime | None:
    """When any worker last finished a round (aware UTC), or None if none ever did."""
    return session.scalar(select(func.max(WorkerHeartbeat.last_round_at)))


def heartbeats(session: Session) -> list[WorkerHeartbeat]:
    """Every known worker's heartbeat, by worker id."""
    return list(session.scalars(select(WorkerHeartbeat).order_by(WorkerHeartbeat.worker_id)))
