"""Per-person figures over a period, as evidence ("bukti dukung") for the SKP
(PermenPANRB 6/2022; seed 000 asks for ticket resolution times and on-time work).

Who may see whose figures: everyone their own; a holder of a role sees those of the people
holding a role it directly supervises (``roles.supervisor_of``: a Kasubbag the Prakom, the
Pejabat Penilai of their SKP); administrators everyone's.

Durations are office minutes, on time means ``completed_at <= due_at`` and medians are
nearest-rank, as in ``engine.reports.sop``. Every figure carries the ids of the instances
behind it.
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, NamedTuple

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from engine.bpmn.conventions import DEFAULT_PRIORITY_FIELD
from engine.models import (
    Escalation,
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from engine.people.access import Access
from engine.reports.basis import WorkingMinutes, instant, nearest_rank, stored
from engine.reports.sop import step_catalog
from engine.roles import supervisor_of
from engine.time.calendar import WorkCalendar
from engine.time.periods import Period

NO_PRIORITY = "tanpa prioritas"


def visible_people(session: Session, viewer: Access) -> list[User]:
    """The people whose figures ``viewer`` may see (``Access.may_view_person``), by name."""
    people = session.scalars(select(User).order_by(User.full_name, User.username))
    return [person for person in people if viewer.may_view_person(person)]


def _supervisor(role: str) -> str | None:
    try:
        return supervisor_of(role)
    except KeyError:  # a role outside the known chain has no supervisor here
        return None


@dataclass(frozen=True)
class PersonSop:
    """Steps of one SOP the person completed in the period."""

    key: str
    name: str
    done: int
    with_deadline: int
    on_time: int
    instance_ids: tuple[int, ...]
    late_instance_ids: tuple[int, ...]

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
    instance_ids: tuple[int, ...]

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
    instance_ids: tuple[int, ...]


@dataclass(frozen=True)
class PersonReport:
    """A person's figures over a period.

    ``escalations``: escalations raised in the period on steps the person completed or
    holds (claimed, still open). ``notified``: escalation notifications the person
    received in the period (as assignee, role holder or supervisor).
    """

    user_id: int
    username: str
    full_name: str
    period: Period
    sops: tuple[PersonSop, ...]
    steps: tuple[PersonStep, ...]
    mttr: tuple[Mttr, ...]
    escalations: int
    escalation_instance_ids: tuple[int, ...]
    notified: int
    notified_instance_ids: tuple[int, ...]

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
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


class _Done(NamedTuple):
    """A step the person completed; moments as ``report_basis.instant`` integers."""

    instance_id: int
    bpmn_id: str
    created_at: int
    completed_at: int
    due_at: int | None
    key: str


class _Incident(NamedTuple):
    id: int
    started_at: int
    completed_at: int
    key: str


def person_report(session: Session, calendar: WorkCalendar, person: User,
                  period: Period) -> PersonReport:
    """Measure ``person`` over ``period``: steps done per SOP and per step (median office
    minutes, on-time share), MTTR of the incident SOPs per priority, escalations.

    A priority missing from the instance's start data reads ``NO_PRIORITY``.
    """
    priority_fields = incident_sops(session)
    in_period = and_(HumanTask.completed_at >= period.start, HumanTask.completed_at < period.end)
    tasks = [_Done(instance_id, bpmn_id, instant(created), instant(completed), instant(due),
                   key) for instance_id, bpmn_id, created, completed, due, key in session.execute(
        select(HumanTask.instance_id, HumanTask.bpmn_id, stored(HumanTask.created_at, "c"),
               stored(HumanTask.completed_at, "d"), stored(HumanTask.due_at, "e"),
               ProcessDefinition.key)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(HumanTask.completed_by_id == person.id, HumanTask.state == "completed",
               in_period))]
    incidents = [_Incident(instance_id, instant(started), instant(completed), key)
                 for instance_id, started, completed, key in session.execute(
        select(ProcessInstance.id, stored(ProcessInstance.started_at, "s"),
               stored(ProcessInstance.completed_at, "c"), ProcessDefinition.key)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessDefinition.key.in_(sorted(priority_fields)),
               ProcessInstance.status == "completed",
               ProcessInstance.completed_at >= period.start,
               ProcessInstance.completed_at < period.end,
               ProcessInstance.id.in_(select(HumanTask.instance_id).where(
                   HumanTask.completed_by_id == person.id))))]
    minutes = WorkingMinutes.covering(calendar, _moments(tasks, incidents))
    names, catalogs = _sop_descriptions(session, {row.key for row in tasks}
                                        | {row.key for row in incidents})

    by_sop: dict[str, list[Any]] = defaultdict(list)
    by_step: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in tasks:
        by_sop[row.key].append(row)
        by_step[(row.key, row.bpmn_id)].append(row)
    sops = [_person_sop(key, names[key], rows) for key, rows in by_sop.items()]
    sops.sort(key=lambda sop: sop.name.lower())
    steps = [_person_step(key, bpmn_id, names[key], catalogs[key].get(bpmn_id, {}), rows,
                          minutes) for (key, bpmn_id), rows in by_step.items()]
    order = {key: list(catalogs[key]) for key in catalogs}
    steps.sort(key=lambda step: (step.sop_name.lower(), order[step.key].index(step.bpmn_id)
                                 if step.bpmn_id in order[step.key] else 10**6, step.bpmn_id))

    escalated = session.execute(
        select(HumanTask.instance_id)
        .join(Escalation, Escalation.human_task_id == HumanTask.id)
        .where(Escalation.raised_at >= period.start, Escalation.raised_at < period.end,
               or_(HumanTask.completed_by_id == person.id,
                   and_(HumanTask.state == "open", HumanTask.claimed_by_id == person.id)))
    ).scalars().all()
    notified = session.execute(
        select(HumanTask.instance_id)
        .join(Notification, Notification.human_task_id == HumanTask.id)
        .where(Notification.user_id == person.id, Notification.kind == "eskalasi",
               Notification.created_at >= period.start, Notification.created_at < period.end)
    ).scalars().all()
    return PersonReport(
        user_id=person.id, username=person.username, full_name=person.full_name, period=period,
        sops=tuple(sops), steps=tuple(steps),
        mttr=tuple(_mttr(session, incidents, names, minutes, priority_fields)),
        escalations=len(escalated), escalation_instance_ids=_ids(escalated),
        notified=len(notified), notified_instance_ids=_ids(notified))


def _person_sop(key: str, name: str, rows: list[Any]) -> PersonSop:
    with_deadline = [row for row in rows if row.due_at is not None]
    late = [row.instance_id for row in with_deadline if row.completed_at > row.due_at]
    return PersonSop(key=key, name=name, done=len(rows), with_deadline=len(with_deadline),
                     on_time=len(with_deadline) - len(late),
                     instance_ids=_ids(row.instance_id for row in rows),
                     late_instance_ids=_ids(late))


def _person_step(key: str, bpmn_id: str, sop_name: str, entry: dict[str, Any], rows: list[Any],
                 minutes: WorkingMinutes) -> PersonStep:
    with_deadline = [row for row in rows if row.due_at is not None]
    return PersonStep(
        key=key, sop_name=sop_name, bpmn_id=bpmn_id, no=str(entry.get("no") or ""),
        name=entry.get("name", bpmn_id), waktu=entry.get("waktu") or "", done=len(rows),
        median_minutes=nearest_rank(
            [minutes.minutes(row.created_at, row.completed_at) for row in rows], 50),
        with_deadline=len(with_deadline),
        on_time=sum(row.completed_at <= row.due_at for row in with_deadline),
        instance_ids=_ids(row.instance_id for row in rows))


def _mttr(session: Session, incidents: list[Any], names: dict[str, str],
          minutes: WorkingMinutes, fields: dict[str, str]) -> list[Mttr]:
    priorities = instance_priorities(session, {row.id: fields[row.key] for row in incidents})
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for row in incidents:
        groups[(row.key, priorities.get(row.id, NO_PRIORITY))].append(row)
    found = []
    for (key, priority), rows in groups.items():
        spans = [minutes.minutes(row.started_at, row.completed_at) for row in rows]
        found.append(Mttr(key=key, sop_name=names[key], priority=priority, resolved=len(rows),
                          mean_minutes=sum(spans) / len(spans),
                          instance_ids=_ids(row.id for row in rows)))
    found.sort(key=lambda m: (m.sop_name.lower(), m.priority == NO_PRIORITY, m.priority))
    return found


def incident_sops(session: Session) -> dict[str, str]:
    """``{key: priority field}`` of the incident SOPs, those whose newest version declares
    ``mttr`` = ``ya`` (``engine.bpmn.catalog``): their mean time to resolve is SKP evidence."""
    newest: dict[str, dict[str, Any]] = {}
    for key, catalog in session.execute(select(ProcessDefinition.key, ProcessDefinition.catalog)
                                        .order_by(ProcessDefinition.version)):
        newest[key] = catalog
    return {key: catalog.get("priority_field", DEFAULT_PRIORITY_FIELD)
            for key, catalog in newest.items() if catalog.get("mttr")}


def instance_priorities(session: Session, fields: dict[int, str]) -> dict[int, str]:
    """``{instance id: priority}`` for ``fields`` (``{instance id: priority field}``), from
    the instances' case data (``ProcessInstance.data``: the start form, or a later step's
    form such as the Kasubbag's urgency step); instances without one are left out."""
    instance_ids = list(fields)
    found = {}
    for start in range(0, len(instance_ids), 500):  # bounded IN lists
        rows = session.execute(
            select(ProcessInstance.id, ProcessInstance.data)
            .where(ProcessInstance.id.in_(instance_ids[start:start + 500]))).all()
        for instance_id, data in rows:
            value = data.get(fields[instance_id]) if isinstance(data, dict) else None
            if value not in (None, ""):
                found[instance_id] = str(value)
    return found


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


def _moments(tasks: Iterable[Any], incidents: Iterable[Any]) -> Iterable[Any]:
    for row in tasks:
        yield from (row.created_at, row.completed_at)
    for row in incidents:
        yield from (row.started_at, row.completed_at)


def _ids(values: Iterable[int]) -> tuple[int, ...]:
    return tuple(sorted(set(values)))
