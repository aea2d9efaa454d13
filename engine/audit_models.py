"""The audit trail's table: one record per state change (``engine.audit`` writes them,
``engine.audit_trail`` and the histories read them). Imported by ``engine.models``."""

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base

if TYPE_CHECKING:
    from engine.models import HumanTask, ProcessInstance, User


class AuditRecord(Base):
    """One state change: who did what to which instance or task, and when."""

    __tablename__ = "audit_log"
    # Histories in time order, a page at a time: an instance's, an account's (by action),
    # a person's in Jejak audit (engine.audit_trail).
    __table_args__ = (Index("ix_audit_log_instance_at_id", "instance_id", "at", "id"),
                      Index("ix_audit_log_action_at", "action", "at"),
                      Index("ix_audit_log_actor_at", "actor_id", "at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    action: Mapped[str] = mapped_column(String(64))
    instance_id: Mapped[int | None] = mapped_column(ForeignKey("process_instances.id"))
    human_task_id: Mapped[int | None] = mapped_column(ForeignKey("human_tasks.id"))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # The X-Request-ID of the web request (or the id of the worker round) that made the
    # change, so a log line and its audit records can be found from each other.
    request_id: Mapped[str | None] = mapped_column(String(64), index=True)

    actor: Mapped["User | None"] = relationship()
    instance: Mapped["ProcessInstance | None"] = relationship()
    human_task: Mapped["HumanTask | None"] = relationship()
