"""Report facts: what the reports measure, written as work happens (``engine.facts``) so
that each report is an indexed aggregate instead of a walk over every step. Imported by
``engine.models``.

Durations are office minutes (``WorkCalendar.working_minutes_between``) counted once, with
the office calendar of the moment the fact was written; ``alur rebuild-facts`` counts them
again from the records (``human_tasks``, ``process_instances``, ``escalations``).
"""

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import ForeignKey, Index, String, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.db import Base

if TYPE_CHECKING:
    from engine.models import Escalation


class StepFact(Base):
    """One completed human task (a step execution, each revision round its own row).

    ``taken_minutes``: office minutes from the step becoming ready (``created_at``) to its
    completion; ``allowed_minutes``: from ready to the deadline (None without one, "Relatif");
    ``on_time``: ``completed_at <= due_at`` (None without a deadline). ``performer_id`` is
    who completed it (a Plh/Plt themself, not the official); None for a step the engine
    closed without a person. ``acting``: completed as a Plh/Plt (``HumanTask.completed_as``
    set), in the official's place: the person report says how many of one's steps were
    (SE Kepala BKN 1/SE/I/2021: a Plh's work counts for his SKP too).
    """

    __tablename__ = "step_facts"
    # The reports group by step and minutes: indexes in that order let the database stream
    # the groups (no sort of every row); the period is checked on the index entries.
    __table_args__ = (
        # Kinerja SOP, Peta hambatan, Tabel 7: one SOP's durations and deadlines together.
        Index("ix_step_facts_steps", "process_key", "bpmn_id", "taken_minutes",
              "allowed_minutes", "on_time", "completed_at"),
        # Kinerja per orang: one person's steps.
        Index("ix_step_facts_performer", "performer_id", "process_key", "bpmn_id",
              "taken_minutes", "completed_at", "on_time", "acting", "instance_id"),
        # Who took part in an instance (MTTR, the Prakom's ticket satisfaction).
        Index("ix_step_facts_instance", "instance_id", "performer_id", "role"),
    )

    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"), primary_key=True,
                                               autoincrement=False)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(128))
    version: Mapped[int]
    bpmn_id: Mapped[str] = mapped_column(String(128))
    role: Mapped[str] = mapped_column(String(64))
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime]
    due_at: Mapped[datetime | None]
    completed_at: Mapped[datetime]
    taken_minutes: Mapped[int]
    allowed_minutes: Mapped[int | None]
    on_time: Mapped[bool | None]
    returned: Mapped[bool]
    acting: Mapped[bool] = mapped_column(default=False, server_default=false())


class InstanceFact(Base):
    """One process instance: when it started and, once it ended, how.

    ``outcome``: None while it has not ended (running, or in Galat), ``completed`` or
    ``cancelled``; ``ended_at`` the moment it did; ``cycle_minutes`` the office minutes from
    start to completion (None unless completed); ``priority`` the case data's value of the
    priority field its version declares (``catalog["priority_field"]``, else
    ``prioritas``) when it ended, None when empty: the incidents' MTTR groups by it.
    """

    __tablename__ = "instance_facts"
    __table_args__ = (
        Index("ix_instance_facts_started", "process_key", "started_at", "ended_at", "outcome"),
        Index("ix_instance_facts_ended", "process_key", "outcome", "ended_at", "cycle_minutes",
              "priority"),
    )

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"),
                                             primary_key=True, autoincrement=False)
    process_key: Mapped[str] = mapped_column(String(128))
    started_at: Mapped[datetime]
    ended_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(String(16))
    cycle_minutes: Mapped[int | None]
    priority: Mapped[str | None] = mapped_column(String(100))


class EscalationFact(Base):
    """One escalation raised on a step; ``performer_id`` is filled when the step is
    completed (who completed it), so a person's escalations need no walk over steps."""

    __tablename__ = "escalation_facts"
    __table_args__ = (
        Index("ix_escalation_facts_sop", "process_key", "raised_at", "bpmn_id"),
        Index("ix_escalation_facts_performer", "performer_id", "raised_at", "instance_id"),
        Index("ix_escalation_facts_task", "human_task_id"),
    )

    escalation_id: Mapped[int] = mapped_column(ForeignKey("escalations.id"), primary_key=True,
                                               autoincrement=False)
    human_task_id: Mapped[int] = mapped_column(ForeignKey("human_tasks.id"))
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"))
    process_key: Mapped[str] = mapped_column(String(128))
    bpmn_id: Mapped[str] = mapped_column(String(128))
    raised_at: Mapped[datetime]
    performer_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))

    escalation: Mapped["Escalation"] = relationship()


class ParticipationFact(Base):
    """Who completed a step of an instance that has ended, in which role: one row per
    instance, performer and role, written when the instance ends (``engine.facts``), with
    how it ended. A person's incidents (MTTR) and tickets (their satisfaction) are then one
    range over the person's rows, not a look into the steps of every instance that ended in
    the period.

    ``outcome``, ``ended_at``, ``cycle_minutes`` and ``priority``: the instance's, as in
    ``InstanceFact``.
    """

    __tablename__ = "participation_facts"
    __table_args__ = (
        Index("ix_participation_facts_person", "performer_id", "outcome", "process_key",
              "ended_at", "role", "priority", "cycle_minutes", "instance_id"),
    )

    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instances.id"),
                                             primary_key=True, autoincrement=False)
    performer_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True,
                                              autoincrement=False)
    role: Mapped[str] = mapped_column(String(64), primary_key=True)
    process_key: Mapped[str] = mapped_column(String(128))
    outcome: Mapped[str] = mapped_column(String(16))
    ended_at: Mapped[datetime]
    cycle_minutes: Mapped[int | None]
    priority: Mapped[str | None] = mapped_column(String(100))
