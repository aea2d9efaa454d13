"""The audit trail: one record per state change (who, what, when, in which request).

A record is inserted at once, on the session's connection, in the caller's transaction:
nothing reads it back in that transaction but the instance's history (a query), and
keeping it out of the ORM's unit of work spares every change the flush of one more
object (issue 13); a worker firing a batch of timers inserts the batch's records together
(``batched``). Who acts on records as they are written (the service desk's notices to
the requester, ``engine.desk.notices``) registers with ``listen``.
"""

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.db import held_back, own_session
from engine.models import AuditRecord, HumanTask, ProcessInstance, User

# The id of the web request or worker round being served, set by its caller (web hooks,
# the worker loop); every audit record added meanwhile carries it.
REQUEST_ID: ContextVar[str | None] = ContextVar("alur_request_id", default=None)
# Who ran a command that acts for a person (``alur user``, ``alur deploy``): the operating
# system's account and host (``root@alur-1``), set by the command; a record it writes
# without an actor keeps it as ``via``, so that an auditor can tell who used the console.
ORIGIN: ContextVar[str | None] = ContextVar("alur_origin", default=None)
_INSERT = insert(AuditRecord.__table__)  # built once: every change runs it
# Called with the session and each record's values as it is written (``listen``).
Listener = Callable[[Session, dict[str, Any]], None]
_listeners: list[Listener] = []
_BUFFER = "alur.audit.batch"  # session.info key: the records ``batched`` holds back


def listen(listener: Listener) -> None:
    """Call ``listener(session, values)`` for every record written from now on in this
    process as it is written (inserted, or held back by ``batched``), in the same
    transaction (``values``: the record's columns but ``id``: ``at``, ``actor_id``,
    ``action``, ``instance_id``, ``human_task_id``, ``detail``, ``request_id``).
    Idempotent."""
    if listener not in _listeners:
        _listeners.append(listener)


def record(session: Session, clock: Clock, action: str, *, actor: User | None = None,
           instance: ProcessInstance | None = None, task: HumanTask | None = None,
           **detail: Any) -> None:
    """Insert an audit record now (at the end of a ``batched`` block), in the session's
    transaction (not committed).

    Args:
        action: a stable verb such as ``"task.completed"``; see README, "Riwayat".
        actor: the user who acted; None for the system (timers, deploy from the CLI).
        instance, task: what was changed; stored already (they have their ids). A task's
            name then is kept as ``detail["step"]`` unless the detail names it.
        detail: JSON-serializable facts worth keeping (data submitted, versions).

    The record's ``request_id`` is ``REQUEST_ID``'s current value (None outside a request);
    a record without an actor written while ``ORIGIN`` is set keeps it as ``via``.
    """
    origin = ORIGIN.get() if actor is None else None
    if origin is not None:
        detail = {**detail, "via": origin}
    if task is not None and "step" not in detail:
        # The step's name as it was then: a version move may rename it later, and the
        # history and Jejak audit (and their downloads) keep what the official saw.
        detail = {**detail, "step": task.name}
    values = {
        "at": clock.now(), "actor_id": actor.id if actor else None, "action": action,
        "instance_id": instance.id if instance else (task.instance_id if task else None),
        "human_task_id": task.id if task else None, "detail": detail,
        "request_id": REQUEST_ID.get()}
    buffer = own_session(session).info.get(_BUFFER)
    if buffer is not None:
        buffer.append(values)
    else:  # a list of one: no RETURNING of the id on PostgreSQL, nothing reads it
        session.connection().execute(_INSERT, [values])
    for listener in _listeners:
        listener(session, values)


@contextmanager
def batched(session: Session) -> Iterator[None]:
    """Hold back the records written in the block and insert them together when it ends
    without an error (one statement for a worker's batch of timers instead of one per
    instance); when it raises, they are dropped with the block's other changes. Listeners
    still hear of each record as it is written."""
    with held_back(session, _BUFFER) as buffer:
        yield
    if buffer:
        session.connection().execute(_INSERT, buffer)

