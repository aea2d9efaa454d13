"""Versions of an SOP: what changed, which version is active, and moving running
instances to a new version.

Moving is ``engine.runtime.migration.move_to_spec``: each open step keeps its start and its
deadline is counted again from it with the new version's Waktu.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, selectinload

from engine import audit
from engine.clock import Clock
from engine.errors import NotFound
from engine.models import (
    HumanTask,
    Notification,
    ProcessDefinition,
    ProcessInstance,
    User,
)
from engine.paging import Page, paginate
from engine.process import version_steps
from engine.process.deploy import make_active
from engine.process.levels import retime_later_levels
from engine.process.other_lane import LANE_CHANGED
from engine.process.recount import finished_waits
from engine.process.version_forms import FormChange, decision_of, form_change
from engine.runtime.adapter import spec_of
from engine.runtime.migration import MigrationRefused, move_to_spec
from engine.runtime.projection import step_waktu
from engine.runtime.unit import GALAT, InstanceUnit, change
from engine.time.duration import duration_words

# The instances a move to the active version takes: running ones and those in Galat.
MOVABLE = ("running", GALAT)

# Instances one request examines (and at most moves), oldest first. Each loads, moves and
# saves a whole workflow while holding the database's writer (SQLite has one): 310 took
# 3.1 s, so a few hundred would make other users' writes wait past their timeout and a few
# thousand the request past gunicorn's 60 s, rolling the whole move back. The administrator
# moves the next batch with another click, each its own short transaction.
MAX_MOVED = 100

@dataclass
class VersionDiff:
    """Steps (user tasks) that differ between two versions, by BPMN id.

    ``renamed``: (id, old name, new name); ``moved``: (id, name, old lane, new lane);
    ``retimed``: (id, name, old, new) where old/new is the Waktu text and the timer's
    length in words, "1 hari (Durasi: 1 hari kerja)"-style pairs: ``{"waktu": text,
    "durasi": "1 hari kerja" or ""}``, so a timer change shows even when the text did not
    change. ``prefix``: (old, new) process number prefix when it changed. ``forms``: the
    start form's and kept steps' form changes; ``decisions``: (name, old choices, new
    choices) of kept steps whose decision changed (``engine.process.version_forms``);
    ``mutu_baku``: (id, name, label, old, new) and ``flows``: (id, name, old, new) of kept
    steps whose Kelengkapan, Output or Keterangan, or next steps, changed
    (``engine.process.version_steps``). ``same_file``: both versions have the same file
    (an empty diff of two different files: they differ in what no step shows, e.g. the
    diagram's layout or a Waktu's capitals).
    """

    added: list[tuple[str, str]] = field(default_factory=list)
    removed: list[tuple[str, str]] = field(default_factory=list)
    renamed: list[tuple[str, str, str]] = field(default_factory=list)
    moved: list[tuple[str, str, str, str]] = field(default_factory=list)
    retimed: list[tuple[str, str, dict[str, str], dict[str, str]]] = field(default_factory=list)
    prefix: tuple[str, str] | None = None
    forms: list[FormChange] = field(default_factory=list)
    decisions: list[tuple[str, list[str], list[str]]] = field(default_factory=list)
    mutu_baku: list[tuple[str, str, str, str, str]] = field(default_factory=list)
    flows: list[tuple[str, str, str, str]] = field(default_factory=list)
    same_file: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.renamed or self.moved or self.retimed
                    or self.prefix or self.forms or self.decisions or self.mutu_baku
                    or self.flows)


@dataclass
class MigrationResult:
    """One batch of a move: instance ids moved, those left on their version with the steps
    missing or retimed, and those SpiffWorkflow could not move, with its reason; ``names``
    gives each examined instance's number and title ("LTI-2026-0042 Printer"), as the dry
    run names it, and ``moved_from`` each moved instance's former version.
    ``last`` is the id of the last instance the batch examined (the next batch starts
    after it; 0: none examined) and ``remaining`` how many instances on older versions it
    did not reach."""

    migrated: list[int] = field(default_factory=list)
    left: dict[int, list[str]] = field(default_factory=dict)
    unmovable: dict[int, str] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    moved_from: dict[int, int] = field(default_factory=dict)
    last: int = 0
    remaining: int = 0


def diff_versions(old: ProcessDefinition | None, new: ProcessDefinition) -> VersionDiff:
    """Compare two versions of one SOP (catalogs): steps and number prefix; ``old`` None
    (no version active yet): every step of ``new`` is added."""
    before, after = old.catalog["tasks"] if old is not None else {}, new.catalog["tasks"]
    diff = VersionDiff()
    for step_id, step in after.items():
        if step_id not in before:
            diff.added.append((step_id, step["name"]))
            continue
        was = before[step_id]
        if was["name"] != step["name"]:
            diff.renamed.append((step_id, was["name"], step["name"]))
        if was["lane"] != step["lane"]:
            diff.moved.append((step_id, step["name"], was["lane"], step["lane"]))
        if _time_standard(was) != _time_standard(step):  # Sepanjang Waktu switched too
            diff.retimed.append((step_id, step["name"], _time_standard(was),
                                 _time_standard(step)))
        if (changed := form_change(step["name"], was.get("form"), step.get("form"))):
            diff.forms.append(changed)
        if (choices := (decision_of(was), decision_of(step)))[0] != choices[1]:
            diff.decisions.append((step["name"], *choices))
    diff.removed = [(step_id, step["name"]) for step_id, step in before.items()
                    if step_id not in after]
    if old is not None and (changed := form_change(None, old.catalog.get("start_form"),
                                                   new.catalog.get("start_form"))):
        diff.forms.insert(0, changed)
    if old is not None:
        diff.mutu_baku = version_steps.mutu_baku_changes(before, after)
        diff.flows = version_steps.flow_changes(before, after)
        diff.same_file = old.file_hash == new.file_hash
    if old is not None and old.catalog.get("number_prefix") != new.catalog.get("number_prefix"):
        diff.prefix = (old.catalog.get("number_prefix") or "P",
                       new.catalog.get("number_prefix") or "P")
    return diff


def _time_standard(step: dict) -> dict[str, str]:
    duration = step["duration"]
    words = duration_words(duration, step.get("round_the_clock", False)) if duration else ""
    return {"waktu": step["waktu"], "durasi": words}


def get_version(session: Session, key: str, version: int) -> ProcessDefinition:
    """Raises NotFound if the SOP has no such version, saying so, or no version at all
    (``SOP "x" tidak ditemukan.``)."""
    definition = session.scalar(select(ProcessDefinition).where(
        ProcessDefinition.key == key, ProcessDefinition.version == version))
    if definition is None:
        known = session.scalar(select(ProcessDefinition.id).where(
            ProcessDefinition.key == key).limit(1))
        raise NotFound(f'SOP "{key}" tidak punya versi {version}.' if known is not None
                       else f'SOP "{key}" tidak ditemukan.')
    return definition


def history(session: Session, key: str, page: int, per_page: int) -> Page:
    """Page ``page`` of the versions of ``key``, newest first (who, when, why, file hash,
    and the catalog of its steps; never the BPMN or the serialized spec). An unknown key
    has an empty first page.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(ProcessDefinition)
                    .options(defer(ProcessDefinition.spec_json),
                             selectinload(ProcessDefinition.deployed_by))
                    .where(ProcessDefinition.key == key)
                    .order_by(ProcessDefinition.version.desc()), page, per_page)


def newest(session: Session, key: str) -> ProcessDefinition | None:
    """The highest version of ``key`` (active or waiting for activation), or None."""
    return session.scalar(select(ProcessDefinition).options(defer(ProcessDefinition.spec_json))
                          .where(ProcessDefinition.key == key)
                          .order_by(ProcessDefinition.version.desc()).limit(1))


def earlier_twin(session: Session, definition: ProcessDefinition) -> int | None:
    """The version of ``definition``'s SOP older than it with the same file (BPMN and form
    files: ``file_hash``), the active one first, else the newest; None when there is none:
    uploading an earlier version's file again makes a new version (only the latest is
    compared), where activating that one would do (SOP table probe: the active version's
    file uploaded again was said to equal some draft)."""
    return session.scalar(select(ProcessDefinition.version).where(
        ProcessDefinition.key == definition.key, ProcessDefinition.version < definition.version,
        ProcessDefinition.file_hash == definition.file_hash)
        .order_by(ProcessDefinition.is_active.desc(), ProcessDefinition.version.desc())
        .limit(1))


def waiting(definition: ProcessDefinition, active: ProcessDefinition | None) -> bool:
    """Whether ``definition`` waits for activation: it was never active and is newer than
    the key's ``active`` version (or the key has none). A version activated once and later
    replaced by an older one does not wait: it is "Pernah aktif"."""
    return definition.activated_at is None and not definition.is_active and (
        active is None or definition.version > active.version)


def in_force_version(session: Session, key: str) -> int | None:
    """The version of SOP ``key`` new processes start on, or None (none active yet)."""
    return session.scalar(select(ProcessDefinition.version).where(
        ProcessDefinition.key == key, ProcessDefinition.is_active))


def not_in_force(definition: ProcessDefinition, active: int | None) -> str | None:
    """What a printed SOP document of ``definition`` must say when it is not the version in
    force, or None for the active version: a draft waiting for activation, a version
    replaced, or one never activated, each naming the version in force (or that the SOP has
    none yet). Printed on every page of the document, since the page and its PDF are open to
    every official (a withdrawn or draft SOP must not circulate as the one in force;
    Permenpan RB 35/2012: an SOP applies once enacted). ``active``: the version in force
    (``in_force_version``)."""
    if definition.is_active:
        return None
    in_force = (f"yang berlaku versi {active}" if active is not None
                else "SOP ini belum punya versi yang berlaku")
    if definition.activated_at is not None:
        return f"TIDAK BERLAKU LAGI: versi ini sudah digantikan; {in_force}."
    if active is None or definition.version > active:
        return f"RANCANGAN, BELUM BERLAKU: versi ini menunggu aktivasi; {in_force}."
    return f"TIDAK PERNAH BERLAKU: versi ini tidak pernah diaktifkan; {in_force}."


def activate(session: Session, clock: Clock, key: str, version: int, user: User
             ) -> ProcessDefinition:
    """Make ``version`` (newer or older) the one new instances of ``key`` start on.

    Raises:
        NotFound: no such version.
    """
    definition = get_version(session, key, version)
    make_active(session, clock, definition, user)
    return definition


def retimed_between(catalog: dict[str, Any], target: dict[str, Any]) -> list[str]:
    """The ids of the steps of ``catalog`` (a version's) that ``target``'s catalog keeps but
    gives or takes a timer, sorted."""
    return sorted(step for step, entry in catalog["tasks"].items()
                  if step in target["tasks"]
                  and bool(entry.get("duration")) != bool(target["tasks"][step].get("duration")))


def older_instances(target: ProcessDefinition, *columns: Any) -> Select:
    """SELECT ``columns`` of the movable instances on versions older than ``target``."""
    return (select(*columns).select_from(ProcessInstance).join(ProcessDefinition)
            .where(ProcessDefinition.key == target.key,
                   ProcessDefinition.version < target.version,
                   ProcessInstance.status.in_(MOVABLE)))


def migrate_instances(session: Session, clock: Clock, target: ProcessDefinition,
                      user: User | None, *, after: int = 0) -> MigrationResult:
    """Move one batch of the running or Galat instances of older versions of ``target``'s
    SOP to ``target``: the ``MAX_MOVED`` oldest with an id above ``after`` (the previous
    batch's ``MigrationResult.last``; 0 for the first batch). Never to an older version
    (instances on newer ones stay); an inactive target moves nothing. A Galat instance is
    then retried by an administrator (README "Galat").

    An instance moves when each of its open steps exists in ``target`` with or without a
    timer as now; the others stay on their version and are listed with those steps (a
    retimed one as ``"<name> (timer berubah)"``). Open steps keep their row,
    claim and start; their deadlines are counted again from that start with ``target``'s
    Waktu (timer waiting or fired) and moved past the ticket's finished waits for its
    requester (``SlaPause``) as its answers moved them, and their rows take that Waktu for
    later escalation levels: a level 2+ already scheduled falls due again from the step's
    deadline with the new Waktu (``engine.process.levels.level_fire_time``), and is
    dropped when the step's new lane has no supervisor that high; a claimed step
    ``target`` puts in another lane is released (``task.released`` by the mover, naming the
    former holder). An instance whose stored state SpiffWorkflow cannot move (e.g. a Galat
    state stored before ``engine.runtime.compaction`` kept a boundary join's split) stays
    unchanged, listed in ``unmovable``; the others still move.
    """
    result = MigrationResult()
    if not target.is_active:
        return result
    batch = list(session.scalars(older_instances(target, ProcessInstance.id)
                                .where(ProcessInstance.id > after)
                                .order_by(ProcessInstance.id).limit(MAX_MOVED)))
    for instance_id in batch:
        try:
            _migrate_one(session, clock, instance_id, target, user, result)
        except MigrationRefused as refused:
            # Raised out of ``change`` before anything of the instance was stored or
            # changed: the half-moved workflow is dropped, the row stays as it was.
            result.unmovable[instance_id] = str(refused)[:500]
    if batch:
        result.last = batch[-1]
        result.remaining = session.scalar(older_instances(target, func.count())
                                          .where(ProcessInstance.id > result.last))
    return result


def _migrate_one(session: Session, clock: Clock, instance_id: int, target: ProcessDefinition,
                 user: User | None, result: MigrationResult) -> None:
    """Move one instance (``migrate_instances``), noting the outcome in ``result``.

    Raises:
        MigrationRefused: SpiffWorkflow could not move its state (nothing saved).
    """
    moved = False
    with change(session, clock, instance_id, statuses=MOVABLE) as unit:
        if unit is None or unit.instance.definition.version >= target.version:
            return  # ended, or moved by another batch since this one was chosen
        result.names[instance_id] = (f"{unit.instance.number or f'#{instance_id}'} "
                                     f"{unit.instance.title}")
        open_tasks = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open")).all()
        retimed = retimed_between(unit.instance.definition.catalog, target.catalog)
        missing = [t.name for t in open_tasks if t.bpmn_id not in target.catalog["tasks"]]
        changed = [f"{t.name} (timer berubah)" for t in open_tasks if t.bpmn_id in retimed]
        if missing or changed:  # SpiffWorkflow cannot move an open step's timer split
            result.left[instance_id] = missing + changed
            return
        result.moved_from[instance_id] = unit.instance.definition.version
        before = {row.id: (row.name, row.due_at) for row in open_tasks}
        _migrate(unit, target, open_tasks, user)
        result.migrated.append(instance_id)
        moved = True
    if moved:  # after the move's save, which set the steps' new Waktu and deadlines
        retime_later_levels(session, instance_id)
        audit.record(session, clock, "instance.migrated", actor=user, instance=unit.instance,
                     version=target.version, from_version=result.moved_from[instance_id],
                     **_step_changes(session, before))


def _step_changes(session: Session, before: dict[int, tuple[str, datetime | None]]
                  ) -> dict[str, Any]:
    """What a move changed of its open steps (``before``: ``{id: (name, deadline)}`` as they
    were), read afresh after the move's save: ``renamed`` ``{old name: new name}`` and
    ``steps`` ``{name: {"old", "new"}}`` for each deadline moved (ISO, as
    ``instance.deadlines_recounted`` keeps it); a key only when something changed (found
    by the administrator probe: the move said neither, and the history wrote the new name
    over the past)."""
    now = session.execute(select(HumanTask.id, HumanTask.name, HumanTask.due_at)
                          .where(HumanTask.id.in_(before)).order_by(HumanTask.id)).all()
    renamed = {before[id_][0]: name for id_, name, _ in now if before[id_][0] != name}
    steps = {name: {"old": before[id_][1].isoformat(), "new": due.isoformat()}
             for id_, name, due in now
             if None not in (before[id_][1], due) and before[id_][1] != due}
    return {**({"renamed": renamed} if renamed else {}), **({"steps": steps} if steps else {})}


def _migrate(unit: InstanceUnit, target: ProcessDefinition, open_tasks: list[HumanTask],
             by: User | None) -> None:
    """Move the unit's workflow and its open step rows to ``target``; a claim on a step
    that changes lane is released, with a ``task.released`` record naming its holder, who
    is told (``_tell_released``)."""
    started = {row.spiff_task_id: row.created_at for row in open_tasks}
    move_to_spec(unit.workflow, spec_of(target), started,
                 finished_waits(unit.session, unit.instance.id))
    unit.instance.definition = target
    for row in open_tasks:
        spiff_task = unit.find_task(row.spiff_task_id)
        if row.role != spiff_task.task_spec.lane:
            # Another lane's step now: whoever took it in the old lane may no longer act
            # on it, and would hold it from the new lane's people.
            if row.claimed_by_id is not None:
                audit.record(unit.session, unit.clock, "task.released", actor=by, task=row,
                             holder=row.claimed_by.username,
                             reason=f"dipindahkan ke versi {target.version}, {LANE_CHANGED}",
                             lane=spiff_task.task_spec.lane, moved=target.version)
                _tell_released(unit, row, target, spiff_task.task_spec.lane, by)
            row.claimed_by_id, row.claimed_at = None, None
        row.role = spiff_task.task_spec.lane
        row.name = spiff_task.task_spec.bpmn_name or row.bpmn_id
        for column, value in step_waktu(unit.workflow, row.spiff_task_id).items():
            setattr(row, column, value)  # the escalation levels count in the new Waktu
    unit.session.flush()


def _tell_released(unit: InstanceUnit, row: HumanTask, target: ProcessDefinition, lane: str,
                   by: User | None) -> None:
    """A ``penugasan`` notice to the official whose step ``row`` a move to ``target`` took
    from him (it is ``lane``'s now): he learnt it only when he next opened the step."""
    instance = unit.instance
    mover = mover_name(by)
    unit.session.add(Notification(
        user_id=row.claimed_by_id, kind="penugasan", role=lane, human_task_id=row.id,
        instance_id=instance.id, created_at=unit.clock.now(),
        params={"by": mover, "step": row.name, "title": instance.title,
                "number": instance.number or "", "process": instance.definition.name,
                "moved": target.version, "lane": lane},
        message=released_text(mover, instance.title, target.version, row.name, lane)))


def mover_name(by: User | None) -> str:
    """Who moved a process to another version, as its notices name him."""
    return by.full_name if by is not None else "Administrator"


def released_text(mover: str, title: str, version: int, step: str, lane: str) -> str:
    """The sentence telling an official that a version move took his step from him: the
    ``penugasan`` notice's and its e-mail's."""
    return (f'{mover} memindahkan proses "{title}" ke versi {version} SOP-nya; langkah '
            f'"{step}" kini dikerjakan peran {lane} dan dilepas dari Anda.')
