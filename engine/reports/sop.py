"""SOP performance per period, its bottleneck bands, and Tabel 7 Monitoring Pelaksanaan SOP.

Every duration is in office minutes (``WorkCalendar.working_minutes_between``: Perpres
21/2023 hours, Ramadan, holidays), counted from the moment a step became ready
(``HumanTask.created_at``) to the moment it was completed, and for an instance from its
start to its end. A step is on time when ``completed_at <= due_at``; steps without a
deadline ("Relatif") are left out of the on-time share, which is None ("—") when no step
had one. Medians and 90th percentiles use the nearest-rank method (``nearest_rank``), so
every figure is one of the measured values.

The figures are read from the report facts (``engine.fact_models``, written as work
happens by ``engine.facts``): counts of office minutes per value, so that a report over
100,000 instances is a handful of aggregate queries on the facts' indexes.

What belongs to a period ``[start, end)`` (``engine.time.periods``): an instance is *started*
when its start falls in it, *finished* when its end does, *running* when it started before
the period's end and had not finished by then; a step execution counts when it was
completed in the period (each execution of a revised step counts); an escalation counts
when it was raised in the period. Instances of every version of an SOP count together; a
step is known by its BPMN id, described by the newest version that has it.
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import EscalationFact, InstanceFact, ProcessDefinition, StepFact
from engine.process.deploy import active_definitions
from engine.reports.basis import band, count_where, nearest_rank_counted
from engine.roles import KNOWN_ROLES, supervisor_of
from engine.time.calendar import WorkCalendar
from engine.time.periods import Period

SUPERVISING_ROLES = frozenset(filter(None, map(supervisor_of, KNOWN_ROLES)))


@dataclass(frozen=True)
class StepStats:
    """One step (Kegiatan) of an SOP over a period. Durations in office minutes.

    ``standard_minutes`` is the step's time standard (Waktu) in office minutes: the median
    of the office minutes each execution was allowed (ready -> deadline), None without a
    deadline. ``with_deadline`` counts executions that had one, ``on_time`` those done by it.
    ``role`` and ``waktu`` are the step's lane and Waktu over the SOP's versions, oldest
    first, each change once (``Kasubbag → Sekretaris``, ``1 minggu → 3 hari``): figures of
    executions under each stand beside them.
    """

    bpmn_id: str
    no: str
    name: str
    role: str
    waktu: str
    standard_minutes: int | None
    done: int
    median_minutes: int | None
    p90_minutes: int | None
    with_deadline: int
    on_time: int
    escalations: int

    @property
    def on_time_share(self) -> float | None:
        """``on_time / with_deadline`` (0-1), None when no execution had a deadline."""
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def band(self) -> str:
        """The heatmap band of the on-time share (``band``)."""
        return band(self.on_time_share)


@dataclass(frozen=True)
class SopPerformance:
    """An SOP over a period: instance counts, cycle time (office minutes, of the instances
    finished in the period) and its steps, slowest (highest median) first."""

    key: str
    name: str
    period: Period
    started: int
    finished: int
    running: int
    cancelled: int
    cycle_median_minutes: int | None
    cycle_p90_minutes: int | None
    steps: tuple[StepStats, ...]

    @property
    def with_deadline(self) -> int:
        return sum(step.with_deadline for step in self.steps)

    @property
    def on_time(self) -> int:
        return sum(step.on_time for step in self.steps)

    @property
    def on_time_share(self) -> float | None:
        """All step executions of the SOP done by their deadline (0-1), or None."""
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def escalations(self) -> int:
        return sum(step.escalations for step in self.steps)

    @property
    def in_sop_order(self) -> tuple[StepStats, ...]:
        """The steps in the SOP's order (Mutu Baku ``no``, then BPMN id)."""
        return tuple(sorted(self.steps, key=lambda step: (_number(step.no), step.bpmn_id)))

    @property
    def slowest(self) -> StepStats | None:
        """The step with the highest median duration, None if no step was done."""
        return self.steps[0] if self.steps and self.steps[0].done else None

    @property
    def most_often_late(self) -> StepStats | None:
        """The step with a deadline done late most often for its executions (the lowest
        on-time share; more late executions first among equals, then SOP order), None if
        none was late: what a leader asks of an SOP, which the slowest step (a long Waktu
        kept) may not answer."""
        late = [step for step in self.in_sop_order if step.on_time < step.with_deadline]
        return min(late, key=_lateness, default=None)

    @property
    def also_most_often_late(self) -> int:
        """How many other steps are as often late as ``most_often_late`` (the same on-time
        share and late executions), which the Catatan names one of."""
        first = self.most_often_late
        if first is None:
            return 0
        return sum(1 for step in self.in_sop_order if step is not first
                   and step.on_time < step.with_deadline and _lateness(step) == _lateness(first))


def _lateness(step: StepStats) -> tuple[float, int]:
    """A late step's rank: lowest on-time share first, then most late executions."""
    return step.on_time_share, step.on_time - step.with_deadline


def definitions_of(session: Session, key: str) -> list[ProcessDefinition]:
    """Every deployed version of SOP ``key``, newest first.

    Raises:
        NotFound: no version of ``key`` is deployed.
    """
    found = list(session.scalars(select(ProcessDefinition).where(ProcessDefinition.key == key)
                                 .order_by(ProcessDefinition.version.desc())))
    if not found:
        raise NotFound(f'SOP "{key}" tidak ditemukan.')
    return found


def step_catalog(definitions: Sequence[ProcessDefinition]) -> dict[str, dict[str, Any]]:
    """``{bpmn id: catalog entry}`` over the versions given newest first (newest wins),
    in the SOP's step order (Mutu Baku ``no``, then id)."""
    entries: dict[str, dict[str, Any]] = {}
    for definition in definitions:
        for bpmn_id, entry in definition.catalog["tasks"].items():
            entries.setdefault(bpmn_id, entry)
    return dict(sorted(entries.items(), key=lambda item: (_number(item[1].get("no")), item[0])))


def sop_performance(session: Session, calendar: WorkCalendar, key: str,
                    period: Period, now: datetime | None = None) -> SopPerformance:
    """Measure SOP ``key`` over ``period`` (rules in the module docstring) from the report
    facts (``engine.fact_models``): four aggregate queries on their indexes, whatever the
    number of instances. ``calendar`` is not read: the facts carry office minutes counted
    with the calendar of their day (``alur rebuild-facts`` recounts them). ``now`` (aware)
    is when the figures are read: a period that has not begun by then has no instance
    running in it (none of anything else either); None reads every period as begun.

    Raises:
        NotFound: no version of ``key`` is deployed.
    """
    definitions = definitions_of(session, key)
    start, end = period.start, period.end
    # Running at the period's end: not ended by then, whatever happened later (a cancel).
    started, running, cancelled = session.execute(
        select(count_where(InstanceFact.started_at >= start),
               count_where(or_(InstanceFact.ended_at.is_(None), InstanceFact.ended_at >= end)),
               count_where(and_(InstanceFact.outcome == "cancelled", InstanceFact.ended_at < end)))
        .where(InstanceFact.process_key == key, InstanceFact.started_at < end,
               or_(InstanceFact.ended_at.is_(None), InstanceFact.ended_at >= start))).one()
    if now is not None and now < start:  # nothing of a period to come has happened yet
        running = 0
    cycles = session.execute(
        select(InstanceFact.cycle_minutes, func.count())
        .where(InstanceFact.process_key == key, InstanceFact.outcome == "completed",
               InstanceFact.ended_at >= start, InstanceFact.ended_at < end)
        .group_by(InstanceFact.cycle_minutes)).all()
    taken: dict[str, list[tuple[int, int]]] = defaultdict(list)
    allowed: dict[str, list[tuple[int, int, int]]] = defaultdict(list)
    # One pass over the SOP's steps (``ix_step_facts_steps``) for both their durations and
    # their deadlines: a group per step, minutes taken and minutes allowed.
    for bpmn_id, minutes, allowed_minutes, times, on_time in session.execute(
            select(StepFact.bpmn_id, StepFact.taken_minutes, StepFact.allowed_minutes,
                   func.count(), count_where(StepFact.on_time.is_(True)))
            .where(StepFact.process_key == key, StepFact.completed_at >= start,
                   StepFact.completed_at < end)
            .group_by(StepFact.bpmn_id, StepFact.taken_minutes, StepFact.allowed_minutes)):
        taken[bpmn_id].append((minutes, times))
        if allowed_minutes is not None:
            allowed[bpmn_id].append((allowed_minutes, times, on_time))
    escalations = dict(session.execute(
        select(EscalationFact.bpmn_id, func.count())
        .where(EscalationFact.process_key == key, EscalationFact.raised_at >= start,
               EscalationFact.raised_at < end)
        .group_by(EscalationFact.bpmn_id)).all())
    catalog = step_catalog(definitions)
    revised = {bpmn_id: {**entry, "lane": _over_versions(definitions, bpmn_id, "lane"),
                         "waktu": _over_versions(definitions, bpmn_id, "waktu")}
               for bpmn_id, entry in catalog.items()}
    order = list(catalog) + sorted(set(taken) - set(catalog))
    steps = [_step(bpmn_id, revised.get(bpmn_id, {}), taken.get(bpmn_id, []),
                   allowed.get(bpmn_id, []), escalations.get(bpmn_id, 0)) for bpmn_id in order]
    steps.sort(key=lambda step: (step.median_minutes is None, -(step.median_minutes or 0),
                                 -(step.p90_minutes or 0)))
    return SopPerformance(
        key=key, name=definitions[0].name, period=period, started=started,
        finished=sum(times for _, times in cycles), running=running, cancelled=cancelled,
        cycle_median_minutes=nearest_rank_counted(cycles, 50),
        cycle_p90_minutes=nearest_rank_counted(cycles, 90), steps=tuple(steps))


def _over_versions(definitions: Sequence[ProcessDefinition], bpmn_id: str, name: str) -> str:
    """A step's catalog entry ``name`` (``lane``, ``waktu``) over ``definitions`` (newest
    first), oldest first, each change once: ``1 minggu → 3 hari``; one value if it never
    changed."""
    values: list[str] = []
    for definition in reversed(definitions):
        value = (definition.catalog["tasks"].get(bpmn_id) or {}).get(name) or ""
        if value and (not values or values[-1] != value):
            values.append(value)
    return " → ".join(values)


def _step(bpmn_id: str, entry: dict[str, Any], taken: list[tuple[int, int]],
          allowed: list[tuple[int, int, int]], escalations: int) -> StepStats:
    """A step's figures from its ``(office minutes taken, executions)`` and
    ``(office minutes allowed, executions, of them on time)`` counts."""
    return StepStats(
        bpmn_id=bpmn_id, no=str(entry.get("no") or ""), name=entry.get("name", bpmn_id),
        role=entry.get("lane") or "", waktu=entry.get("waktu") or "",
        standard_minutes=nearest_rank_counted([(m, n) for m, n, _ in allowed], 50),
        done=sum(times for _, times in taken),
        median_minutes=nearest_rank_counted(taken, 50),
        p90_minutes=nearest_rank_counted(taken, 90),
        with_deadline=sum(times for _, times, _ in allowed),
        on_time=sum(on_time for _, _, on_time in allowed), escalations=escalations)


def _number(no: Any) -> tuple[int, str]:
    text = str(no or "").strip()
    return (int(text), "") if text.isdecimal() else (10**6, text)


@dataclass(frozen=True)
class Tabel7Row:
    """One row of "Tabel 7 Monitoring Pelaksanaan SOP" (Permenpan RB 35/2012): the SOP
    (Prosedur) with its measured figures (``web.views.reports.catatan`` says them in words
    for the Catatan column). Penilaian
    (berjalan dengan baik / tidak), Tindakan and Paraf are for the assessor to fill."""

    no: int
    prosedur: str
    performance: SopPerformance


def tabel7(session: Session, calendar: WorkCalendar, period: Period,
           now: datetime | None = None) -> list[Tabel7Row]:
    """Tabel 7 over ``period`` (a semester, Permenpan RB 35/2012) read at ``now`` (as
    ``sop_performance``): one row per deployed SOP (its active version's name), in name
    order."""
    rows = []
    definitions = sorted(active_definitions(session), key=lambda d: d.name.lower())
    for number, definition in enumerate(definitions, start=1):
        performance = sop_performance(session, calendar, definition.key, period, now)
        rows.append(Tabel7Row(no=number, prosedur=performance.name, performance=performance))
    return rows
