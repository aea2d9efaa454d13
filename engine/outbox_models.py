"""The workers' tables: the outbox of messages to send (e-mail, webhook) and each
worker's heartbeat. Imported by ``engine.models``."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base

if TYPE_CHECKING:
    from engine.models import Escalation


class Delivery(Base):
    """Outbox: one message for one channel and recipient, sent by a worker, retried with
    backoff until the server takes it. ``dedupe_key`` is unique: the same (task, level,
    channel, recipient) is enqueued once. A worker holds a lease (owner, expiry) while
    sending; a crashed worker's lease runs out and another worker takes over.
    """

    __tablename__ = "deliveries"
    __table_args__ = (Index("ix_deliveries_state_next", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    escalation_id: Mapped[int | None] = mapped_column(ForeignKey("escalations.id"))
    channel: Mapped[str] = mapped_column(String(16))
    recipient: Mapped[str] = mapped_column(String(500))
    dedupe_key: Mapped[str] = mapped_column(String(600), unique=True)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    state: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime]
    lease_owner: Mapped[str | None] = mapped_column(String(100))
    lease_expires_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]

    escalation: Mapped["Escalation | None"] = relationship()


class WorkerHeartbeat(Base):
    """The last round of one worker (``host:pid:thread``): readiness and metrics read it.

    Rows of workers silent for a day are removed by the next round of any worker.
    """

    __tablename__ = "worker_heartbeats"

    worker_id: Mapped[str] = mapped_column(String(100), primary_key=True)
    started_at: Mapped[datetime]
    last_round_at: Mapped[datetime] = mapped_column(index=True)
    rounds: Mapped[int] = mapped_column(default=0)
    failures: Mapped[int] = mapped_column(default=0)
