"""What Alur lets go of, and what it keeps for good (``alur prune``).

Kept for good: the audit trail (``audit_log``: the record an Inspektorat or BPK examines,
Permenpan RB 35/2012's evidence that each SOP ran), process instances with their steps and
attachments (the office's case files), and the report facts drawn from them.

Let go of, once older than a number of days (``MIN_DAYS`` at least, ``DEFAULT_DAYS``
unless told): notifications already read (an unread one stays, however old: its reader
has not seen it), but for the escalations' (``KEPT_KIND``: Kinerja per orang counts the
escalations each person received from them, and a step's page says it was escalated to
its reader), and outbox messages already sent or dropped (``deliveries``; one
waiting or failing stays until it is sent). Their facts are in the audit trail and on the
steps. Each run records ``maintenance.pruned`` with what it deleted.

Bounded: ``BATCH`` rows per statement; the caller commits each batch and calls again until
nothing is left (a year of notices is never one transaction holding the database).
"""

from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.models import Notification
from engine.outbox_models import Delivery

MIN_DAYS, DEFAULT_DAYS, MAX_DAYS = 30, 365, 36500
BATCH = 5000
KEPT_KIND = "eskalasi"
_FINISHED = ("sent", "dropped")


def prune_batch(session: Session, clock: Clock, days: int) -> dict[str, int]:
    """Delete at most ``BATCH`` read notifications and ``BATCH`` finished outbox messages
    older than ``days`` days before now (not committed); return how many of each
    (``{"notifikasi": n, "pesan_keluar": m}``).

    Raises:
        ValueError: ``days`` outside ``MIN_DAYS``..``MAX_DAYS``.
    """
    if not MIN_DAYS <= days <= MAX_DAYS:
        raise ValueError(f"days {days}")
    cutoff = clock.now() - timedelta(days=days)
    read = select(Notification.id).where(Notification.read_at.is_not(None),
                                         Notification.read_at < cutoff,
                                         Notification.kind != KEPT_KIND).limit(BATCH)
    sent = select(Delivery.id).where(Delivery.state.in_(_FINISHED),
                                     Delivery.created_at < cutoff).limit(BATCH)
    return {
        "notifikasi": session.execute(delete(Notification).where(
            Notification.id.in_(read.scalar_subquery()))).rowcount,
        "pesan_keluar": session.execute(delete(Delivery).where(
            Delivery.id.in_(sent.scalar_subquery()))).rowcount}


def record_run(session: Session, clock: Clock, days: int, deleted: dict[str, int]) -> None:
    """The audit record of a run (``maintenance.pruned``, no actor: the command line),
    with its days and the counts it deleted (not committed)."""
    audit.record(session, clock, "maintenance.pruned", days=days, **deleted)
