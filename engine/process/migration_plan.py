"""The dry run of moving running instances to an SOP's active version
(``engine.process.versions.migrate_instances``): which would move and which would stay,
and what the move changes for them (claims released, Waktu counted again); nothing
changes."""

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.orm import Session, selectinload

from engine.models import HumanTask, ProcessDefinition, ProcessInstance
from engine.process.versions import older_instances, retimed_between

# Instances the dry run lists by name in each of its two lists; the rest are counted.
PREVIEW_LIMIT = 50


@dataclass
class PlannedMove:
    """One running instance a migration would consider: id, title, number, its version,
    the names of its open steps the target lacks, its open steps the target puts in
    another lane (``relaned``: ``Relaned``; moving releases a claim on them), and the names
    of its open steps that gain or lose their timer in the target
    (``engine.runtime.migration``: it stays until they are done). With no step missing or
    retimed it would move. ``rewaktu``: its open timed
    steps whose Waktu the target changes, ``(name, Waktu now, Waktu in the target)``: their
    deadlines are counted again from their start (a shorter one may be late at once).
    ``renamed``: its open steps the target names otherwise, ``(name now, name in the
    target)`` (the administrator probe: the dry run did not say)."""

    instance_id: int
    title: str
    number: str  # as every page names a process: "LTI-2026-0042" ("#42" before numbers)
    version: int
    missing: list[str]
    relaned: list["Relaned"] = field(default_factory=list)
    retimed: list[str] = field(default_factory=list)
    rewaktu: list[tuple[str, str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str]] = field(default_factory=list)


@dataclass(frozen=True)
class Relaned:
    """An open step the target puts in another lane: its name, its lane now and in the
    target, and who took it (full name; None: nobody), whom the move releases it from."""

    name: str
    lane: str
    new_lane: str
    holder: str | None


@dataclass
class MigrationPlan:
    """The dry run of a move: the first ``PREVIEW_LIMIT`` instances that would move and
    that would stay (oldest first), and how many there are of each in all."""

    moving: list[PlannedMove] = field(default_factory=list)
    staying: list[PlannedMove] = field(default_factory=list)
    moving_total: int = 0
    staying_total: int = 0


def plan_migration(session: Session, target: ProcessDefinition) -> MigrationPlan:
    """Dry run of ``migrate_instances``: the running and Galat instances on older versions
    of ``target``'s SOP, split by whether they would move (each open step exists in
    ``target`` with or without a timer as now; listed with the steps ``target`` puts in
    another lane) or stay (listed with the steps missing or retimed). Lists at most
    ``PREVIEW_LIMIT`` of each and counts the rest; a constant number of queries. Nothing
    changes. An inactive target gets an empty plan.
    """
    plan = MigrationPlan()
    if not target.is_active:
        return plan
    catalogs = _older_catalogs(session, target)
    retimed = _retimed_steps(catalogs, target)
    plan.moving_total, plan.staying_total = migration_counts(session, target, retimed)
    steps = target.catalog["tasks"]
    stays = _stays(target, retimed)
    columns = (ProcessInstance.id, ProcessInstance.title, ProcessInstance.number,
               ProcessDefinition.version, ProcessInstance.definition_id)
    rows = [*session.execute(older_instances(target, *columns).where(~stays)
                             .order_by(ProcessInstance.id).limit(PREVIEW_LIMIT)),
            *session.execute(older_instances(target, *columns).where(stays)
                             .order_by(ProcessInstance.id).limit(PREVIEW_LIMIT))]
    open_tasks: dict[int, list[HumanTask]] = {}
    for task in session.scalars(select(HumanTask).options(selectinload(HumanTask.claimed_by))
                                .where(HumanTask.instance_id.in_([row.id for row in rows]),
                                       HumanTask.state == "open").order_by(HumanTask.id)):
        open_tasks.setdefault(task.instance_id, []).append(task)
    for row in rows:
        tasks = open_tasks.get(row.id, [])
        planned = PlannedMove(
            row.id, row.title, row.number or f"#{row.id}", row.version,
            [t.name for t in tasks if t.bpmn_id not in steps],
            [Relaned(t.name, t.role, steps[t.bpmn_id]["lane"],
                     t.claimed_by.full_name if t.claimed_by else None)
             for t in tasks if t.bpmn_id in steps and steps[t.bpmn_id]["lane"] != t.role],
            [t.name for t in tasks if t.bpmn_id in retimed.get(row.definition_id, ())],
            _rewaktu(tasks, catalogs[row.definition_id]["tasks"], steps),
            [(t.name, steps[t.bpmn_id]["name"]) for t in tasks
             if t.bpmn_id in steps and steps[t.bpmn_id]["name"] != t.name])
        (plan.staying if planned.missing or planned.retimed else plan.moving).append(planned)
    return plan


def migration_counts(session: Session, target: ProcessDefinition,
                     retimed: dict[int, list[str]] | None = None) -> tuple[int, int]:
    """``(would move, would stay)``: how many running and Galat instances on older versions
    of ``target``'s SOP would move, and how many have an open step ``target`` lacks or
    gives or takes a timer (``retimed``: ``_retimed_steps``, read when not given). One
    COUNT query (and one for ``retimed``); ``(0, 0)`` for an inactive target."""
    if not target.is_active:
        return 0, 0
    if retimed is None:
        retimed = _retimed_steps(_older_catalogs(session, target), target)
    stays = _stays(target, retimed)
    total, staying = session.execute(older_instances(target, func.count(), func.count(
        case((stays, 1))))).one()
    return total - staying, staying


def _older_catalogs(session: Session, target: ProcessDefinition) -> dict[int, dict[str, Any]]:
    """``{definition id: catalog}`` of the versions of ``target``'s SOP older than it."""
    return dict(session.execute(select(ProcessDefinition.id, ProcessDefinition.catalog).where(
        ProcessDefinition.key == target.key, ProcessDefinition.version < target.version)).all())


def _retimed_steps(catalogs: dict[int, dict[str, Any]], target: ProcessDefinition
                   ) -> dict[int, list[str]]:
    """``{older version's definition id: ids of its steps that ``target`` keeps but gives
    or takes a timer}`` (``catalogs``: ``_older_catalogs``), versions without such steps
    left out. SpiffWorkflow cannot move an instance whose open step is one
    (``engine.runtime.migration.move_to_spec``). Every boundary event is a step's timer
    (``engine.bpmn.validation``), so a step has one exactly when the catalog gives it a
    ``duration``."""
    retimed = {}
    for definition_id, catalog in catalogs.items():
        steps = retimed_between(catalog, target.catalog)
        if steps:
            retimed[definition_id] = steps
    return retimed


def _rewaktu(tasks: list[HumanTask], steps_now: dict[str, Any], steps: dict[str, Any]
             ) -> list[tuple[str, str, str]]:
    """``(name, Waktu now, Waktu in the target)`` of the open ``tasks`` whose timer both
    versions keep but the target gives another duration (``steps_now``: their version's
    catalog steps; ``steps``: the target's)."""
    changed = []
    for task in tasks:
        now, then = steps_now.get(task.bpmn_id, {}), steps.get(task.bpmn_id, {})
        if now.get("duration") and then.get("duration") and now["duration"] != then["duration"]:
            changed.append((task.name, now["waktu"], then["waktu"]))
    return changed


def _stays(target: ProcessDefinition, retimed: dict[int, list[str]]) -> Any:
    """Whether the instance would stay on its version: an open step ``target`` lacks, or
    one it gives or takes a timer (``retimed``: ``_retimed_steps``)."""
    if not retimed:
        return _missing_step(target)
    return or_(_missing_step(target), exists().where(
        HumanTask.instance_id == ProcessInstance.id, HumanTask.state == "open",
        or_(*(and_(ProcessInstance.definition_id == definition_id,
                   HumanTask.bpmn_id.in_(steps)) for definition_id, steps in retimed.items()))))


def _missing_step(target: ProcessDefinition) -> Any:
    """Whether the instance has an open step ``target`` lacks (it would stay)."""
    return exists().where(HumanTask.instance_id == ProcessInstance.id,
                          HumanTask.state == "open",
                          HumanTask.bpmn_id.not_in(sorted(target.catalog["tasks"])))
