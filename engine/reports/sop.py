"""SOP performance per period, its bottleneck bands, and Tabel 7 Monitoring Pelaksanaan SOP.

Every duration is in office minutes (``WorkCalendar.working_minutes_between``: Perpres
21/2023 hours, Ramadan, holidays), counted from the moment a step became ready
(``HumanTask.created_at``) to the moment it was completed, and for an instance from its
start to its end. A step is on time when ``completed_at <= due_at``; steps without a
deadline ("Relatif") are left out of the on-time share, which is None ("—") when no step
had one. Medians and 90th percentiles use the nearest-rank method (``nearest_rank``), so
every figure is one of the measured values.

What belongs to a period ``[start, end)`` (``engine.time.periods``): an instance is *started*
when its start falls in it, *finished* when its end does, *running* when it started before
the period's end and had not finished by then; a step execution counts when it was
completed in the period (each execution of a revised step counts); an escalation counts
when it was raised in the period. Instances of every version of an SOP count together; a
step is known by its BPMN id, described by the newest version that has it.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from engine.errors import NotFound
from engine.models import Escalation, HumanTask, ProcessDefinition, ProcessInstance
from engine.process.deploy import active_definitions
from engine.reports.basis import (
    WorkingMinutes,
    band,
    instant,
    minutes_text,
    nearest_rank,
    office_minutes,
    percent_text,
    stored,
)
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
                    period: Period) -> SopPerformance:
    """Measure SOP ``key`` over ``period`` (rules in the module docstring).

    Raises:
        NotFound: no version of ``key`` is deployed.
    """
    definitions = definitions_of(session, key)
    ids = [definition.id for definition in definitions]
    ended = session.execute(
        select(stored(ProcessInstance.started_at, "started_at"),
               stored(ProcessInstance.completed_at, "completed_at"), ProcessInstance.status)
        .where(ProcessInstance.definition_id.in_(ids), *_overlapping(period))).all()
    # A cancelled instance ended without finishing: counted apart, not in cycle times.
    runs = [(instant(started), instant(completed), state) for started, completed, state in ended]
    instances = [(started, completed) for started, completed, state in runs
                 if state != "cancelled"]
    start, end = instant(period.start), instant(period.end)
    cancelled = [completed for _, completed, state in runs if state == "cancelled"]
    rows = session.execute(
        select(HumanTask.bpmn_id, stored(HumanTask.created_at, "created_at"),
               stored(HumanTask.completed_at, "completed_at"), stored(HumanTask.due_at, "due_at"))
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.definition_id.in_(ids), *_overlapping(period),
               _unindexed(HumanTask.state) == "completed",
               HumanTask.completed_at >= period.start,
               HumanTask.completed_at < period.end)).all()
    executions = [(bpmn_id, instant(created), instant(completed), instant(due))
                  for bpmn_id, created, completed, due in rows]
    escalations = dict(session.execute(
        select(HumanTask.bpmn_id, func.count(Escalation.id))
        .join(HumanTask, Escalation.human_task_id == HumanTask.id)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.definition_id.in_(ids), ProcessInstance.started_at < period.end,
               Escalation.raised_at >= period.start, Escalation.raised_at < period.end)
        .group_by(HumanTask.bpmn_id)).all())
    minutes = WorkingMinutes.covering(calendar, _instants(instances, executions))
    office = minutes.office
    by_step: dict[str, list[_Execution]] = defaultdict(list)
    for bpmn_id, created, completed, due in executions:
        by_step[bpmn_id].append(_Execution(
            office_minutes(office(created), office(completed)),
            None if due is None else office_minutes(office(created), office(due)),
            None if due is None else completed <= due))

    finished = [minutes.minutes(started, completed) for started, completed in instances
                if completed is not None and start <= completed < end]
    catalog = step_catalog(definitions)
    order = list(catalog) + sorted(set(by_step) - set(catalog))
    steps = [_step(bpmn_id, catalog.get(bpmn_id, {}), by_step.get(bpmn_id, []),
                   escalations.get(bpmn_id, 0)) for bpmn_id in order]
    steps.sort(key=lambda step: (step.median_minutes is None, -(step.median_minutes or 0),
                                 -(step.p90_minutes or 0)))
    return SopPerformance(
        key=key, name=definitions[0].name, period=period,
        started=sum(start <= started < end for started, _, _ in runs),
        finished=len(finished), cancelled=sum(start <= c < end for c in cancelled),
        running=sum(completed is None or completed >= end for _, completed in instances),
        cycle_median_minutes=nearest_rank(finished, 50),
        cycle_p90_minutes=nearest_rank(finished, 90), steps=tuple(steps))


def _overlapping(period: Period) -> tuple[Any, ...]:
    """Instances that ran during some of ``period``: started before its end, not finished
    before its start."""
    return (ProcessInstance.started_at < period.end,
            or_(ProcessInstance.completed_at.is_(None),
                ProcessInstance.completed_at >= period.start))


def _unindexed(column: Any) -> Any:
    """``column`` hidden from the query planner: SQLite would otherwise walk every
    completed step of every SOP through the ``state`` index instead of this SOP's
    instances and their steps."""
    return func.coalesce(column, "")


class _Execution(NamedTuple):
    """One execution of a step: office minutes taken and allowed (None without a
    deadline), and whether it was done by its deadline (None without one)."""

    taken: int
    allowed: int | None
    on_time: bool | None


def _step(bpmn_id: str, entry: dict[str, Any], rows: list[_Execution], escalations: int
          ) -> StepStats:
    durations = [row.taken for row in rows]
    allowed = [row.allowed for row in rows if row.allowed is not None]
    return StepStats(
        bpmn_id=bpmn_id, no=str(entry.get("no") or ""), name=entry.get("name", bpmn_id),
        role=entry.get("lane") or "", waktu=entry.get("waktu") or "",
        standard_minutes=nearest_rank(allowed, 50), done=len(rows),
        median_minutes=nearest_rank(durations, 50), p90_minutes=nearest_rank(durations, 90),
        with_deadline=len(allowed), on_time=sum(bool(row.on_time) for row in rows),
        escalations=escalations)


def _instants(instances: list[tuple[int, int | None]],
              executions: list[tuple[str, int, int, int | None]]) -> Iterable[int | None]:
    for started, completed in instances:
        yield started
        yield completed
    for _, created, completed, due in executions:
        yield created
        yield completed
        yield due


def _number(no: Any) -> tuple[int, str]:
    text = str(no or "").strip()
    return (int(text), "") if text.isdigit() else (10**6, text)


@dataclass(frozen=True)
class Tabel7Row:
    """One row of "Tabel 7 Monitoring Pelaksanaan SOP" (Permenpan RB 35/2012): the SOP
    (Prosedur) with its measured figures; ``catatan`` says them in words. Penilaian
    (berjalan dengan baik / tidak), Tindakan and Paraf are for the assessor to fill."""

    no: int
    prosedur: str
    performance: SopPerformance
    catatan: str


def tabel7(session: Session, calendar: WorkCalendar, period: Period) -> list[Tabel7Row]:
    """Tabel 7 over ``period`` (a semester, Permenpan RB 35/2012): one row per deployed
    SOP (its active version's name), in name order."""
    rows = []
    definitions = sorted(active_definitions(session), key=lambda d: d.name.lower())
    for number, definition in enumerate(definitions, start=1):
        performance = sop_performance(session, calendar, definition.key, period)
        rows.append(Tabel7Row(no=number, prosedur=performance.name, performance=performance,
                              catatan=catatan(performance)))
    return rows


def catatan(performance: SopPerformance) -> str:
    """The measured figures of an SOP in words, for Tabel 7's Catatan column."""
    p = performance
    if not (p.started or p.finished or p.running):
        return "Tidak ada proses pada periode ini."
    parts = [(f"Proses: {p.started} dimulai, {p.finished} selesai, "
              f"{p.running} masih berjalan di akhir periode.")]
    if p.with_deadline:
        parts.append(f"Tepat waktu {percent_text(p.on_time_share)} ({p.on_time} dari "
                     f"{p.with_deadline} langkah berbatas waktu).")
    if p.cycle_median_minutes is not None:
        parts.append(f"Median waktu siklus {minutes_text(p.cycle_median_minutes)}.")
    slowest = p.slowest
    if slowest is not None:
        parts.append(f"Langkah paling lambat: {slowest.no}. {slowest.name} (median "
                     f"{minutes_text(slowest.median_minutes)}; Waktu {slowest.waktu or '—'}).")
    if p.escalations:
        parts.append(f"Eskalasi: {p.escalations}.")
    return " ".join(parts)
