"""Per-person figures over a period, as evidence ("bukti dukung") for the SKP
(PermenPANRB 6/2022; seed 000 asks for ticket resolution times and on-time work).

Who may see whose figures: everyone their own; a holder of a role sees those of the people
holding a role it directly supervises (``roles.supervisor_of``: a Kasubbag the Prakom, the
Pejabat Penilai of their SKP); administrators everyone's.

Durations are office minutes, on time means ``completed_at <= due_at`` and medians are
nearest-rank, as in ``engine.reports.sop``. The instances behind every figure are found
by ``figure_instances``. Both read the report facts (``engine.fact_models``).
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy import CompoundSelect, Select, func, select, union_all
from sqlalchemy.orm import Session

from engine.bpmn.conventions import DEFAULT_PRIORITY_FIELD
from engine.models import (
    EscalationFact,
    HumanTask,
    Notification,
    ParticipationFact,
    ProcessDefinition,
    StepFact,
    User,
)
from engine.people.access import Access
from engine.reports.basis import count_where, nearest_rank_counted
from engine.reports.sop import step_catalog
from engine.roles import supervisor_of
from engine.time.calendar import WorkCalendar
from engine.time.periods import Period

NO_PRIORITY = "tanpa prioritas"


def visible_people(session: Session, viewer: Access) -> list[User]:
    """The people whose figures ``viewer`` may see (``Access.may_view_person``), by name."""
    people = session.scalars(select(User).order_by(func.lower(User.full_name), User.username))
    return [person for person in people if viewer.may_view_person(person)]


def _supervisor(role: str) -> str | None:
    try:
        return supervisor_of(role)
    except KeyError:  # a role outside the known chain has no supervisor here
        return None


@dataclass(frozen=True)
class PersonSop:
    """Steps of one SOP the person completed in the period; ``acting`` of them as a
    Plh/Plt, in the official's place; ``late_instances`` counts the instances in which one
    of them was done after its deadline."""

    key: str
    name: str
    done: int
    with_deadline: int
    on_time: int
    late_instances: int
    acting: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


@dataclass(frozen=True)
class PersonStep:
    """One step (Kegiatan) the person completed in the period; durations in office minutes."""

    key: str
    sop_name: str
    bpmn_id: str
    no: str
    name: str
    waktu: str
    done: int
    median_minutes: int | None
    with_deadline: int
    on_time: int

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


@dataclass(frozen=True)
class Mttr:
    """Mean time to resolve (office minutes, start to end of the instance) of the incidents
    of one SOP and priority that finished in the period and in which the person completed
    at least one step."""

    key: str
    sop_name: str
    priority: str
    resolved: int
    mean_minutes: float


@dataclass(frozen=True)
class PersonReport:
    """A person's figures over a period.

    ``escalations``: escalations raised in the period on steps the person completed or
    holds (claimed, still open). ``notified``: escalation notifications the person
    received in the period (as assignee, role holder or supervisor). The instances behind
    each figure: ``figure_instances``.
    """

    user_id: int
    username: str
    full_name: str
    period: Period
    sops: tuple[PersonSop, ...]
    steps: tuple[PersonStep, ...]
    mttr: tuple[Mttr, ...]
    escalations: int
    notified: int

    @property
    def done(self) -> int:
        return sum(sop.done for sop in self.sops)

    @property
    def with_deadline(self) -> int:
        return sum(sop.with_deadline for sop in self.sops)

    @property
    def on_time(self) -> int:
        return sum(sop.on_time for sop in self.sops)

    @property
    def acting(self) -> int:
        """Steps done as a Plh/Plt, in the official's place (``PersonSop.acting``)."""
        return sum(sop.acting for sop in self.sops)

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


def person_report(session: Session, calendar: WorkCalendar, person: User,
                  period: Period) -> PersonReport:
    """Measure ``person`` over ``period``: steps done per SOP (how many as a Plh/Plt) and
    per step (median office minutes, on-time share), MTTR of the incident SOPs per
    priority, escalations; from the report facts (``engine.fact_models``), aggregates on
    their indexes. ``calendar`` is not read: the facts carry office minutes.

    A priority missing from the instance's case data reads ``NO_PRIORITY``.
    """
    mine = (StepFact.performer_id == person.id, StepFact.completed_at >= period.start,
            StepFact.completed_at < period.end)
    counted: dict[tuple[str, str], list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for key, bpmn_id, minutes, times, with_deadline, on_time, acting in session.execute(
            select(StepFact.process_key, StepFact.bpmn_id, StepFact.taken_minutes,
                   func.count(), func.count(StepFact.on_time),
                   count_where(StepFact.on_time.is_(True)),
                   count_where(StepFact.acting.is_(True)))
            .where(*mine)
            .group_by(StepFact.process_key, StepFact.bpmn_id, StepFact.taken_minutes)):
        counted[(key, bpmn_id)].append((minutes, times, with_deadline, on_time, acting))
    late = dict(session.execute(
        select(StepFact.process_key, func.count(StepFact.instance_id.distinct()))
        .where(*mine, StepFact.on_time.is_(False)).group_by(StepFact.process_key)).all())
    resolved = _resolved(session, person, period)
    names, catalogs = _sop_descriptions(session, {key for key, _ in counted}
                                        | {key for key, _, _, _ in resolved})

    by_sop: dict[str, list[tuple[int, int, int, int, int]]] = defaultdict(list)
    for (key, _), rows in counted.items():
        by_sop[key].extend(rows)
    sops = [PersonSop(key=key, name=names[key], done=sum(r[1] for r in rows),
                      with_deadline=sum(r[2] for r in rows), on_time=sum(r[3] for r in rows),
                      late_instances=late.get(key, 0), acting=sum(r[4] for r in rows))
            for key, rows in by_sop.items()]
    sops.sort(key=lambda sop: sop.name.lower())
    steps = [_person_step(key, bpmn_id, names[key], catalogs[key].get(bpmn_id, {}), rows)
             for (key, bpmn_id), rows in counted.items()]
    order = {key: list(catalogs[key]) for key in catalogs}
    steps.sort(key=lambda step: (step.sop_name.lower(), order[step.key].index(step.bpmn_id)
                                 if step.bpmn_id in order[step.key] else 10**6, step.bpmn_id))
    mttr = [Mttr(key=key, sop_name=names[key], priority=priority, resolved=count,
                 mean_minutes=total / count) for key, priority, count, total in resolved]
    mttr.sort(key=lambda m: (m.sop_name.lower(), m.priority == NO_PRIORITY, m.priority))
    return PersonReport(
        user_id=person.id, username=person.username, full_name=person.full_name, period=period,
        sops=tuple(sops), steps=tuple(steps), mttr=tuple(mttr),
        escalations=session.scalar(select(func.count()).select_from(
            _escalated(person, period).subquery())),
        notified=session.scalar(select(func.count()).select_from(
            _notified(person, period).subquery())))


def _person_step(key: str, bpmn_id: str, sop_name: str, entry: dict[str, Any],
                 rows: list[tuple[int, int, int, int, int]]) -> PersonStep:
    """A step's figures from its ``(minutes taken, executions, with a deadline, on time,
    as a Plh/Plt)``."""
    return PersonStep(
        key=key, sop_name=sop_name, bpmn_id=bpmn_id, no=str(entry.get("no") or ""),
        name=entry.get("name", bpmn_id), waktu=entry.get("waktu") or "",
        done=sum(r[1] for r in rows),
        median_minutes=nearest_rank_counted([(r[0], r[1]) for r in rows], 50),
        with_deadline=sum(r[2] for r in rows), on_time=sum(r[3] for r in rows))


def _resolved(session: Session, person: User, period: Period
              ) -> list[tuple[str, str, int, int]]:
    """``(key, priority, incidents, their office minutes summed)`` of the incident SOPs'
    instances completed in the period in which ``person`` completed a step."""
    groups: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    incidents = _incidents(person, period, sorted(incident_sops(session))).subquery()
    for key, priority, count, total in session.execute(
            select(incidents.c.process_key, incidents.c.priority, func.count(),
                   func.sum(incidents.c.cycle_minutes))
            .group_by(incidents.c.process_key, incidents.c.priority)):
        group = groups[(key, priority or NO_PRIORITY)]
        group[0] += count
        group[1] += int(total)
    return [(key, priority, count, total) for (key, priority), (count, total) in groups.items()]


def _incidents(person: User, period: Period, keys: list[str]) -> Any:
    """One row per instance of the SOPs ``keys`` completed in the period in which
    ``person`` completed a step (in any role): its id, SOP, priority and office minutes."""
    return select(ParticipationFact.instance_id, ParticipationFact.process_key,
                  ParticipationFact.priority, ParticipationFact.cycle_minutes).where(
        ParticipationFact.performer_id == person.id, ParticipationFact.outcome == "completed",
        ParticipationFact.process_key.in_(keys), ParticipationFact.ended_at >= period.start,
        ParticipationFact.ended_at < period.end).distinct()


def _escalated(person: User, period: Period) -> Any:
    """The instance of each escalation raised in the period on a step ``person`` completed
    or holds (claimed, still open), one row per escalation."""
    return charged_escalations(period, [person.id])


def charged_escalations(period: Period, people: list[int]) -> CompoundSelect:
    """Each escalation raised in ``period`` on a step one of ``people`` (user ids)
    completed or holds (claimed, still open), one row per escalation: ``instance_id``
    (first, as every figure's query), ``person`` (whose figure it counts in). The person
    report counts one person's rows; the team table (``engine.reports.team``) groups a
    page's by ``person``."""
    raised = (EscalationFact.raised_at >= period.start, EscalationFact.raised_at < period.end)
    held = select(EscalationFact.instance_id, HumanTask.claimed_by_id.label("person")).join(
        HumanTask, HumanTask.id == EscalationFact.human_task_id).where(
        *raised, HumanTask.state == "open", HumanTask.claimed_by_id.in_(people))
    return union_all(select(EscalationFact.instance_id,
                            EscalationFact.performer_id.label("person")).where(
        *raised, EscalationFact.performer_id.in_(people)), held)


def _notified(person: User, period: Period) -> Any:
    return select(HumanTask.instance_id).join(
        Notification, Notification.human_task_id == HumanTask.id).where(
        Notification.user_id == person.id, Notification.kind == "eskalasi",
        Notification.created_at >= period.start, Notification.created_at < period.end)


def figure_instances(session: Session, person: User, period: Period, figure: str, *,
                     sop: str | None = None, step: str | None = None,
                     priority: str | None = None) -> tuple[int, ...]:
    """The ids (ascending) of the instances behind one figure of ``person_report``
    (``figure_query``'s, read). Raises ValueError: another figure."""
    return tuple(sorted(set(session.scalars(
        figure_query(person, period, figure, sop=sop, step=step, priority=priority)))))


def figure_counts(session: Session, query: Select[Any] | CompoundSelect,
                  instance_ids: list[int]) -> tuple[int, dict[int, int]]:
    """How much one figure counts (``figure_query``'s rows: steps, escalations,
    notifications) in all, and per instance of ``instance_ids`` (a page of its list): the
    figure is the sum, each process holds a part of it. Two statements."""
    rows = query.subquery()
    instance = next(iter(rows.c))
    total = session.scalar(select(func.count()).select_from(rows)) or 0
    if not instance_ids:
        return total, {}
    return total, dict(session.execute(select(instance, func.count()).where(
        instance.in_(instance_ids)).group_by(instance)).all())


def figure_query(person: User, period: Period, figure: str, *, sop: str | None = None,
                 step: str | None = None, priority: str | None = None
                 ) -> Select[Any] | CompoundSelect:
    """A SELECT of the instance ids (repeats possible) behind one figure of
    ``person_report``, to use as a subquery: however many, no list of ids is sent back
    (a busy person's three years would pass SQLite's limit on parameters).

    Args:
        figure: "tugas" (steps done, of SOP ``sop`` or of all),
            "terlambat" (done late, of SOP ``sop`` or of all), "plh" (done as a Plh/Plt,
            of SOP ``sop`` or of all), "langkah" (step ``step`` of ``sop``),
            "mttr" (incidents of ``sop`` at ``priority``), "eskalasi", "notifikasi".

    Raises:
        ValueError: another figure.
    """
    mine = (StepFact.performer_id == person.id, StepFact.completed_at >= period.start,
            StepFact.completed_at < period.end)
    of_sop = (StepFact.process_key == sop,) if sop is not None else ()
    if figure == "tugas":
        query = select(StepFact.instance_id).where(*mine, *of_sop)
    elif figure == "terlambat":
        query = select(StepFact.instance_id).where(*mine, *of_sop, StepFact.on_time.is_(False))
    elif figure == "plh":
        query = select(StepFact.instance_id).where(*mine, *of_sop, StepFact.acting.is_(True))
    elif figure == "langkah":
        query = select(StepFact.instance_id).where(
            *mine, StepFact.process_key == sop, StepFact.bpmn_id == step)
    elif figure == "mttr":
        query = _incidents(person, period, [sop] if sop is not None else []).where(
            ParticipationFact.priority.is_(None) if priority == NO_PRIORITY
            else ParticipationFact.priority == priority).with_only_columns(
            ParticipationFact.instance_id)
    elif figure == "eskalasi":  # the instances alone: the list selects ``id IN`` it
        query = select(_escalated(person, period).subquery().c.instance_id)
    elif figure == "notifikasi":
        query = _notified(person, period)
    else:
        raise ValueError(f"angka {figure!r} tidak dikenal")
    return query


def incident_sops(session: Session) -> dict[str, str]:
    """``{key: priority field}`` of the incident SOPs, those whose newest version declares
    ``mttr`` = ``ya`` (``engine.bpmn.catalog``): their mean time to resolve is SKP evidence."""
    newest: dict[str, dict[str, Any]] = {}
    for key, catalog in session.execute(select(ProcessDefinition.key, ProcessDefinition.catalog)
                                        .order_by(ProcessDefinition.version)):
        newest[key] = catalog
    return {key: catalog.get("priority_field", DEFAULT_PRIORITY_FIELD)
            for key, catalog in newest.items() if catalog.get("mttr")}


def _sop_descriptions(session: Session, keys: set[str]
                      ) -> tuple[dict[str, str], dict[str, dict[str, Any]]]:
    """``({key: newest version's name}, {key: step catalog})`` for the SOPs ``keys``."""
    names: dict[str, str] = {}
    versions: dict[str, list[ProcessDefinition]] = defaultdict(list)
    for definition in session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key.in_(sorted(keys))).order_by(ProcessDefinition.version.desc())):
        names.setdefault(definition.key, definition.name)
        versions[definition.key].append(definition)
    return names, {key: step_catalog(found) for key, found in versions.items()}
