"""The reports computed the way they were before the report facts: straight from the
records (``human_tasks``, ``process_instances``, ``escalations``), every duration counted
at read time. A test-only oracle: the fact-based reports must equal it exactly.
"""

from collections import defaultdict
from typing import Any

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.models import (
    Escalation,
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from engine.reports.basis import nearest_rank
from engine.reports.people import (
    NO_PRIORITY,
    Mttr,
    PersonReport,
    PersonSop,
    PersonStep,
    incident_sops,
)
from engine.reports.sop import (
    SopPerformance,
    StepStats,
    definitions_of,
    step_catalog,
)
from engine.time.calendar import WorkCalendar
from engine.time.periods import Period


def sop_performance(session: Session, calendar: WorkCalendar, key: str,
                    period: Period) -> SopPerformance:
    definitions = definitions_of(session, key)
    ids = [definition.id for definition in definitions]
    overlapping = (ProcessInstance.started_at < period.end,
                   or_(ProcessInstance.completed_at.is_(None),
                       ProcessInstance.completed_at >= period.start))
    runs = session.execute(
        select(ProcessInstance.started_at, ProcessInstance.completed_at, ProcessInstance.status)
        .where(ProcessInstance.definition_id.in_(ids), *overlapping)).all()
    executions = session.execute(
        select(HumanTask.bpmn_id, HumanTask.created_at, HumanTask.completed_at, HumanTask.due_at)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.definition_id.in_(ids), *overlapping,
               HumanTask.state == "completed", HumanTask.completed_at >= period.start,
               HumanTask.completed_at < period.end)).all()
    escalations = dict(session.execute(
        select(HumanTask.bpmn_id, func.count(Escalation.id))
        .join(HumanTask, Escalation.human_task_id == HumanTask.id)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .where(ProcessInstance.definition_id.in_(ids), ProcessInstance.started_at < period.end,
               Escalation.raised_at >= period.start, Escalation.raised_at < period.end)
        .group_by(HumanTask.bpmn_id)).all())
    by_step: dict[str, list[tuple[int, int | None, bool | None]]] = defaultdict(list)
    for bpmn_id, created, completed, due in executions:
        by_step[bpmn_id].append((
            calendar.working_minutes_between(created, completed),
            None if due is None else calendar.working_minutes_between(created, due),
            None if due is None else completed <= due))
    start, end = period.start, period.end
    finished = [calendar.working_minutes_between(started, completed)
                for started, completed, state in runs
                if state != "cancelled" and completed is not None and start <= completed < end]
    catalog = step_catalog(definitions)
    order = list(catalog) + sorted(set(by_step) - set(catalog))
    steps = []
    for bpmn_id in order:
        entry, rows = catalog.get(bpmn_id, {}), by_step.get(bpmn_id, [])
        allowed = [row[1] for row in rows if row[1] is not None]
        durations = [row[0] for row in rows]
        steps.append(StepStats(
            bpmn_id=bpmn_id, no=str(entry.get("no") or ""), name=entry.get("name", bpmn_id),
            role=entry.get("lane") or "", waktu=entry.get("waktu") or "",
            standard_minutes=nearest_rank(allowed, 50), done=len(rows),
            median_minutes=nearest_rank(durations, 50), p90_minutes=nearest_rank(durations, 90),
            with_deadline=len(allowed), on_time=sum(bool(row[2]) for row in rows),
            escalations=escalations.get(bpmn_id, 0)))
    steps.sort(key=lambda step: (step.median_minutes is None, -(step.median_minutes or 0),
                                 -(step.p90_minutes or 0)))
    return SopPerformance(
        key=key, name=definitions[0].name, period=period,
        started=sum(start <= started < end for started, _, _ in runs),
        finished=len(finished),
        cancelled=sum(state == "cancelled" and start <= completed < end
                      for _, completed, state in runs),
        running=sum(completed is None or completed >= end for _, completed, _ in runs),
        cycle_median_minutes=nearest_rank(finished, 50),
        cycle_p90_minutes=nearest_rank(finished, 90), steps=tuple(steps))


def person_report(session: Session, calendar: WorkCalendar, person: User,
                  period: Period) -> tuple[PersonReport, dict[tuple[Any, ...], tuple[int, ...]]]:
    """The report, and ``{(figure, sop, step, priority): instance ids}`` of its figures."""
    fields = incident_sops(session)
    tasks = session.execute(
        select(HumanTask.instance_id, HumanTask.bpmn_id, HumanTask.created_at,
               HumanTask.completed_at, HumanTask.due_at, HumanTask.completed_as,
               ProcessDefinition.key)
        .join(ProcessInstance, HumanTask.instance_id == ProcessInstance.id)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(HumanTask.completed_by_id == person.id, HumanTask.state == "completed",
               HumanTask.completed_at >= period.start,
               HumanTask.completed_at < period.end)).all()
    incidents = session.execute(
        select(ProcessInstance.id, ProcessInstance.started_at, ProcessInstance.completed_at,
               ProcessDefinition.key)
        .join(ProcessDefinition, ProcessInstance.definition_id == ProcessDefinition.id)
        .where(ProcessDefinition.key.in_(sorted(fields)), ProcessInstance.status == "completed",
               ProcessInstance.completed_at >= period.start,
               ProcessInstance.completed_at < period.end,
               ProcessInstance.id.in_(select(HumanTask.instance_id).where(
                   HumanTask.completed_by_id == person.id)))).all()
    names, catalogs = {}, {}
    for key in {row.key for row in tasks} | {row.key for row in incidents}:
        versions = definitions_of(session, key)
        names[key], catalogs[key] = versions[0].name, step_catalog(versions)
    by_sop, by_step = defaultdict(list), defaultdict(list)
    for row in tasks:
        by_sop[row.key].append(row)
        by_step[(row.key, row.bpmn_id)].append(row)
    figures: dict[tuple[Any, ...], tuple[int, ...]] = {
        ("tugas", None, None, None): _ids(row.instance_id for row in tasks),
        ("plh", None, None, None): _ids(row.instance_id for row in tasks if row.completed_as)}
    for key, rows in by_sop.items():
        figures[("tugas", key, None, None)] = _ids(row.instance_id for row in rows)
        figures[("plh", key, None, None)] = _ids(
            row.instance_id for row in rows if row.completed_as)
        figures[("terlambat", key, None, None)] = _ids(
            row.instance_id for row in rows
            if row.due_at is not None and row.completed_at > row.due_at)
    for (key, bpmn_id), rows in by_step.items():
        figures[("langkah", key, bpmn_id, None)] = _ids(row.instance_id for row in rows)
    sops = sorted((_person_sop(key, names[key], rows) for key, rows in by_sop.items()),
                  key=lambda sop: sop.name.lower())
    steps = [_person_step(key, bpmn_id, names[key], catalogs[key].get(bpmn_id, {}), rows,
                          calendar) for (key, bpmn_id), rows in by_step.items()]
    order = {key: list(catalogs[key]) for key in catalogs}
    steps.sort(key=lambda step: (step.sop_name.lower(), order[step.key].index(step.bpmn_id)
                                 if step.bpmn_id in order[step.key] else 10**6, step.bpmn_id))
    escalated = session.execute(
        select(HumanTask.instance_id).join(Escalation, Escalation.human_task_id == HumanTask.id)
        .where(Escalation.raised_at >= period.start, Escalation.raised_at < period.end,
               or_(HumanTask.completed_by_id == person.id,
                   and_(HumanTask.state == "open", HumanTask.claimed_by_id == person.id)))
    ).scalars().all()
    notified = session.execute(
        select(HumanTask.instance_id).join(Notification, Notification.human_task_id == HumanTask.id)
        .where(Notification.user_id == person.id, Notification.kind == "eskalasi",
               Notification.created_at >= period.start, Notification.created_at < period.end)
    ).scalars().all()
    priorities = instance_priorities(session, {row.id: fields[row.key] for row in incidents})
    groups = defaultdict(list)
    for row in incidents:
        groups[(row.key, priorities.get(row.id, NO_PRIORITY))].append(row)
    mttr = []
    for (key, priority), rows in groups.items():
        spans = [calendar.working_minutes_between(row.started_at, row.completed_at)
                 for row in rows]
        mttr.append(Mttr(key=key, sop_name=names[key], priority=priority, resolved=len(rows),
                         mean_minutes=sum(spans) / len(spans)))
        figures[("mttr", key, None, priority)] = _ids(row.id for row in rows)
    figures[("eskalasi", None, None, None)] = _ids(escalated)
    figures[("notifikasi", None, None, None)] = _ids(notified)
    mttr.sort(key=lambda m: (m.sop_name.lower(), m.priority == NO_PRIORITY, m.priority))
    return PersonReport(
        user_id=person.id, username=person.username, full_name=person.full_name, period=period,
        sops=tuple(sops), steps=tuple(steps), mttr=tuple(mttr),
        escalations=len(escalated), notified=len(notified)), figures


def _person_sop(key: str, name: str, rows: list[Any]) -> PersonSop:
    with_deadline = [row for row in rows if row.due_at is not None]
    late = [row.instance_id for row in with_deadline if row.completed_at > row.due_at]
    return PersonSop(key=key, name=name, done=len(rows), with_deadline=len(with_deadline),
                     on_time=len(with_deadline) - len(late), late_instances=len(set(late)),
                     acting=sum(row.completed_as is not None for row in rows))


def _person_step(key: str, bpmn_id: str, sop_name: str, entry: dict[str, Any],
                 rows: list[Any], calendar: WorkCalendar) -> PersonStep:
    with_deadline = [row for row in rows if row.due_at is not None]
    return PersonStep(
        key=key, sop_name=sop_name, bpmn_id=bpmn_id, no=str(entry.get("no") or ""),
        name=entry.get("name", bpmn_id), waktu=entry.get("waktu") or "", done=len(rows),
        median_minutes=nearest_rank([calendar.working_minutes_between(
            row.created_at, row.completed_at) for row in rows], 50),
        with_deadline=len(with_deadline),
        on_time=sum(row.completed_at <= row.due_at for row in with_deadline))


def instance_priorities(session: Session, fields: dict[int, str]) -> dict[int, str]:
    found = {}
    for instance_id, data in session.execute(select(ProcessInstance.id, ProcessInstance.data)
                                             .where(ProcessInstance.id.in_(list(fields)))):
        value = data.get(fields[instance_id]) if isinstance(data, dict) else None
        if value not in (None, ""):
            found[instance_id] = str(value)
    return found


def _ids(values: Any) -> tuple[int, ...]:
    return tuple(sorted(set(values)))
