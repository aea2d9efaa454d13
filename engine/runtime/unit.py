"""The one unit of work for every change of a process instance: lock, load, act, save.

Start, completion, timers, migration, retry and cancel all go through here; nothing else
loads or stores a workflow::

    with change(session, clock, instance_id) as unit:   # locks the row, loads
        unit.run_user_task(spiff_task, data)            # act
        unit.run_engine()
    # saved: projections, compaction, state (never committed: the caller owns that)

When a step, the engine run or a timer fails (``ProcessFailure`` from the unit's ``run_*``
and ``fire_timers``), the instance goes into the Galat state instead: the workflow goes
back to its last checkpoint (before the failing run: a completed step stays completed,
run again on the state as loaded rather than serialized before every engine run), is
saved, and the instance records the message and the element; the administrators are
notified once, and it waits for one of them to retry or cancel it (README, "Galat").
"""

import copy
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any
from uuid import UUID

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, contains_eager, lazyload
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.exc import StaleDataError

from engine import audit, facts, settings
from engine.clock import Clock, FixedClock
from engine.db import held_back, own_session
from engine.errors import ProcessFailure
from engine.models import HumanTask, Notification, ProcessDefinition, ProcessInstance, User
from engine.runtime import adapter, warm
from engine.runtime.compaction import compact
from engine.runtime.projection import EMPTY, Snapshot, project, snapshot
from engine.sqlite_writers import begin_writing

GALAT = "error"
# session.info key: (the transaction, what it knows of instances: "locked" ids, and
# "open": {instance id: (human tasks it opened, spiff ids of every open step)} as saved).
_MEMO = "alur_unit_memo"
_STATES = "alur_unit_states"  # session.info key: the states ``batched_states`` holds back
# The reads that lock, built once (building an ORM statement per request costs more than
# running it): an instance (waiting for the lock, or skipping it) and a task with its instance.
_LOCK_INSTANCE = {skip: select(ProcessInstance)
                  .where(ProcessInstance.id == bindparam("instance_id"))
                  .with_for_update(skip_locked=skip, of=ProcessInstance)
                  .execution_options(populate_existing=True) for skip in (False, True)}
_WRITE_STATE = (update(ProcessInstance.__table__)
                .where(ProcessInstance.id == bindparam("instance_id"),
                       ProcessInstance.lock_version == bindparam("was"))
                .values(state_json=bindparam("state_json"), lock_version=bindparam("now")))
_LOCK_TASK = (select(HumanTask).join(HumanTask.instance)
              .where(HumanTask.id == bindparam("task_id"))
              .options(contains_eager(HumanTask.instance))
              .with_for_update(of=ProcessInstance)
              .execution_options(populate_existing=True))


class InstanceUnit:
    """An instance whose row is locked for this transaction; its workflow is loaded when
    first used (a unit that never touches it, e.g. a level-2 escalation, saves nothing).

    Attributes:
        instance: the ``ProcessInstance``; ``workflow``: its SpiffWorkflow ``BpmnWorkflow``.
        opened: the human tasks the last ``save`` opened.
        actor: the user whose action this change is (a completion, a start); None for
            Alur itself (a timer, a migration). The instance's completion is his record.
        clock: a ``FixedClock`` at the moment the unit began: the whole change (steps
            opened, deadlines counted, audit records) happens at that one moment.
    """

    def __init__(self, session: Session, clock: Clock, instance: ProcessInstance,
                 workflow: Any = None, actor: User | None = None) -> None:
        self.session = session
        self.actor = actor
        self.clock = clock if isinstance(clock, FixedClock) else FixedClock(clock.now())
        self.instance = instance
        self.opened: list[HumanTask] = []
        self._workflow = workflow
        # The checkpoint: a stored state, and the user tasks run on it since ([(spiff id,
        # data, cleared names)]), which ``fail`` runs again.
        self._checkpoint = instance.state_json
        self._ran: list[tuple[UUID, dict[str, Any], tuple[str, ...]]] = []
        # What the projection rows hold: the workflow as first loaded (none yet for a new one).
        self._before: Snapshot | None = EMPTY if workflow is not None else None
        self._closed: set[str] = set()

    @property
    def workflow(self) -> Any:
        """The instance's workflow (loaded and compacted on first use)."""
        if self._workflow is None:
            self._workflow = _warm(self.session, self.clock, self.instance) or _load(
                self.session, self.clock, self.instance, self._checkpoint)
            if self._before is None:
                self._before = snapshot(self._workflow)
        return self._workflow

    def find_task(self, spiff_task_id: str) -> Any | None:
        """The workflow's task with this id, or None (finished tasks may be compacted)."""
        return self.workflow.tasks.get(UUID(spiff_task_id))

    def ready_user_task(self, spiff_task_id: str) -> Any | None:
        """The user task with this id if it waits to be completed (SpiffWorkflow READY),
        else None: ``Task.run()`` itself checks neither state nor performer."""
        spiff_task = self.find_task(spiff_task_id)
        return spiff_task if spiff_task is not None and adapter.is_ready(spiff_task) else None

    def run_user_task(self, spiff_task: Any, data: dict[str, Any],
                      cleared: Collection[str] = ()) -> None:
        """Complete a ready user task with ``data``, removing ``cleared`` names from its
        data first (``adapter.run_user_task``). Its ``human_tasks`` row is the caller's
        to close (``engine.process.tasks`` does, with the conditional UPDATE that decides
        races); saving leaves that row alone. Raises ProcessFailure."""
        adapter.run_user_task(spiff_task, data, cleared)
        self._closed.add(str(spiff_task.id))
        self._ran.append((spiff_task.id, copy.deepcopy(data), tuple(cleared)))

    def run_engine(self) -> None:
        """Run the engine (``adapter.run_engine``). Raises ProcessFailure. Its checkpoint
        is the workflow as loaded plus the user tasks run on it since, so nothing is
        serialized before it runs."""
        adapter.run_engine(self.workflow)

    def shift_timers(self, move: Callable[[datetime, bool, str | None], datetime]) -> None:
        """Move the deadline timers of the open steps, waiting or fired, to ``move(fire
        time, round the clock, the step's spiff id)`` (``adapter.shift_step_timers``);
        saving re-projects the steps' due times and the timers."""
        adapter.shift_step_timers(self.workflow, move)

    def fire_timers(self) -> None:
        """Checkpoint, then fire the due timers and run the engine. Raises ProcessFailure.
        A workflow not loaded yet needs no new checkpoint: the stored state is one."""
        if self._workflow is not None:
            self._checkpoint, self._ran = adapter.dump_state(self._workflow), []
        adapter.fire_timers(self.workflow)

    def save(self, *, stored: bool = False) -> list[HumanTask]:
        """Project the workflow, compact it and store it as the instance's state; audit the
        instance's completion. Returns the human tasks that became open (none, and nothing
        stored, when the workflow was never loaded).

        ``stored``: the instance was inserted with the workflow's state, compacted, and
        nothing ran on it since (``start``); only the projections are written.
        """
        if self._workflow is None:
            return self.opened
        was = self.instance.status
        self.opened, after = project(self.session, self.clock, self.instance,
                                     self._before or EMPTY, self.workflow, closed=self._closed)
        _memo(self.session)["open"][self.instance.id] = (self.opened, list(after.steps))
        if not stored:
            compact(self.workflow)
            write_state(self.session, self.instance, adapter.dump_state(self.workflow))
        if self.instance.status == "running":
            warm.keep(self.instance.id, self.instance.definition_id,
                      self.instance.state_json, self.workflow)
        if was != "completed" and self.instance.status == "completed":
            audit.record(self.session, self.clock, "instance.completed", actor=self.actor,
                         instance=self.instance)
            facts.record_end(self.session, self.instance)
        return self.opened

    def fail(self, failure: ProcessFailure) -> None:
        """Put the instance in Galat: back to the checkpoint, saved, message and element
        recorded, audited, administrators notified."""
        self._workflow = _load(self.session, self.clock, self.instance, self._checkpoint)
        for spiff_id, data, cleared in self._ran:
            adapter.run_user_task(self._workflow.tasks[spiff_id], data, cleared)
        if self._before is None:  # never loaded: the checkpoint is the stored state
            self._before = snapshot(self._workflow)
        self.save()
        instance = self.instance
        instance.status = GALAT
        instance.error_message = failure.message
        instance.error_element = failure.element
        instance.failed_at = self.clock.now()
        audit.record(self.session, self.clock, "instance.failed", instance=instance,
                     message=failure.message, element=failure.element)
        notify_administrators(self.session, self.clock, instance)


@contextmanager
def change(session: Session, clock: Clock, instance_id: int, *,
           statuses: tuple[str, ...] = ("running",), skip_locked: bool = False,
           actor: User | None = None) -> Iterator[InstanceUnit | None]:
    """Lock instance ``instance_id``, load its workflow, let the block act, then save;
    ``actor``: whose action it is (``InstanceUnit.actor``).

    Yields None (and changes nothing) when the instance does not exist, is not in one of
    ``statuses``, or (with ``skip_locked``) another transaction holds it. A
    ``ProcessFailure`` raised in the block puts the instance in Galat (``InstanceUnit.fail``)
    and is not re-raised; any other exception leaves everything unsaved and propagates.
    """
    instance = lock_instance(session, instance_id, skip_locked=skip_locked)
    if instance is None or instance.status not in statuses:
        yield None
        return
    unit = InstanceUnit(session, clock, instance, actor=actor)
    try:
        yield unit
    except ProcessFailure as failure:
        unit.fail(failure)
    else:
        unit.save()


def start(session: Session, clock: Clock, definition: ProcessDefinition,
          data: dict[str, Any], make_instance: Any, actor: User | None = None
          ) -> InstanceUnit:
    """Run a new workflow of ``definition`` with ``data`` as its process data up to its
    first wait, then create the instance with the workflow's state (``make_instance(state
    JSON)`` returns it, added to the session: its INSERT stores the state, so no UPDATE
    follows) and save its projections.

    Raises:
        ProcessFailure: the definition fails before its first wait (e.g. a runaway loop);
            nothing was added.
    """
    clock = FixedClock(clock.now())  # the whole start happens at one moment
    workflow = adapter.new_workflow(adapter.spec_of(definition), clock,
                                    settings.work_calendar(session))
    workflow.task_tree.data.update(data)
    adapter.run_engine(workflow)
    workflow.get_events()  # dropped before it is stored, as ``project`` drops them
    compact(workflow)
    instance = make_instance(adapter.dump_state(workflow))
    session.flush()
    facts.record_start(session, instance)
    unit = InstanceUnit(session, clock, instance, workflow, actor=actor)
    unit.save(stored=True)
    return unit


def lock_instance(session: Session, instance_id: int, *, skip_locked: bool = False
                  ) -> ProcessInstance | None:
    """Lock the instance's row for this transaction (PostgreSQL ``FOR UPDATE``) and read it
    fresh; an instance this transaction has locked already is not read again.

    With ``skip_locked`` an instance locked by another worker returns None instead of
    waiting. SQLite has one writer at a time and ignores the lock clause.
    """
    if instance_id in _memo(session)["locked"]:
        return session.get(ProcessInstance, instance_id)
    begin_writing(session)
    instance = session.scalar(_LOCK_INSTANCE[skip_locked], {"instance_id": instance_id})
    if instance is not None:
        _memo(session)["locked"].add(instance_id)
    return instance


def lock_instances(session: Session, instance_ids: list[int]) -> list[ProcessInstance]:
    """Lock as ``lock_instance(..., skip_locked=True)`` does, but every instance of
    ``instance_ids`` in one statement (a worker's batch): returns those locked now, read
    fresh, in no particular order; those another transaction holds are left out. Their
    definitions are read in one statement more, once each (not joined to every row)."""
    begin_writing(session)
    instances = list(session.scalars(
        select(ProcessInstance).where(ProcessInstance.id.in_(instance_ids))
        .options(lazyload(ProcessInstance.definition))
        .with_for_update(skip_locked=True, of=ProcessInstance)
        .execution_options(populate_existing=True)))
    _memo(session)["locked"].update(instance.id for instance in instances)
    if instances:
        definitions = {definition.id: definition for definition in session.scalars(
            select(ProcessDefinition).where(ProcessDefinition.id.in_(
                {instance.definition_id for instance in instances})))}
        for instance in instances:
            set_committed_value(instance, "definition", definitions[instance.definition_id])
    return instances


def lock_task(session: Session, task_id: int) -> HumanTask | None:
    """The human task ``task_id`` with its instance, both read fresh in one statement that
    locks the instance's row as ``lock_instance`` does (so ``change`` on it reads nothing
    again); None when there is no such task. A task read so already in this transaction
    is not read again."""
    known = session.identity_map.get(Session.identity_key(HumanTask, task_id))
    if known is not None and known.instance_id in _memo(session)["locked"]:
        return known
    begin_writing(session)
    task = session.scalar(_LOCK_TASK, {"task_id": task_id})
    if task is not None:
        _memo(session)["locked"].add(task.instance_id)
    return task


def open_tasks(session: Session, instance: ProcessInstance) -> list[HumanTask]:
    """The instance's open human tasks, oldest first. After a save in this transaction
    the rows it opened are at hand, and only steps open from before are read (none, for a
    step that simply follows the last one); otherwise every open row is read."""
    known = _memo(session)["open"].get(instance.id)
    if known is None:
        return list(session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open")
            .options(lazyload(HumanTask.instance))
            .order_by(HumanTask.created_at, HumanTask.id)))
    opened, open_ids = known
    new = {row.spiff_task_id for row in opened}
    earlier = [spiff_id for spiff_id in open_ids if spiff_id not in new]
    rows = list(session.scalars(select(HumanTask).where(
        HumanTask.spiff_task_id.in_(earlier)).options(lazyload(HumanTask.instance)))
    ) if earlier else []
    session.flush()  # the new rows' ids
    return sorted(rows + opened, key=lambda row: (row.created_at, row.id))


def write_state(session: Session, instance: ProcessInstance, state_json: str) -> None:
    """Store ``state_json`` as the instance's state: one UPDATE on the session's
    connection, outside the ORM's unit of work (every change writes it; the flush of the
    instance's row cost more than the statement), checked against ``lock_version`` as the
    ORM checks it; inside ``batched_states``, at the end of that block. The instance
    (flushed: it has its row) takes the new values as stored.

    Raises:
        StaleDataError: another transaction has changed the instance since it was read.
    """
    was = instance.lock_version
    values = {"instance_id": instance.id, "was": was, "now": was + 1, "state_json": state_json}
    held = own_session(session).info.get(_STATES)
    if held is not None:
        held.append(values)
    elif session.connection().execute(_WRITE_STATE, values).rowcount != 1:
        raise StaleDataError(f"Proses #{instance.id} diubah transaksi lain sementara ini.")
    set_committed_value(instance, "state_json", state_json)
    set_committed_value(instance, "lock_version", was + 1)


@contextmanager
def batched_states(session: Session) -> Iterator[None]:
    """Hold back the states the block writes (``write_state``) and write them together
    when it ends without an error, in one statement (a worker's batch of timers: one
    round trip instead of one per instance); when it raises, they are dropped with the
    block's other changes.

    Raises:
        StaleDataError: another transaction changed one of the instances since it was
            read (the block's savepoint is the caller's to roll back).
    """
    with held_back(session, _STATES) as held:
        yield
    if held and session.connection().execute(_WRITE_STATE, held).rowcount != len(held):
        raise StaleDataError("Proses dalam kelompok ini diubah transaksi lain sementara ini.")


def _memo(session: Session) -> dict[str, Any]:
    """What the session's current transaction knows of instances (``_MEMO``)."""
    session = own_session(session)
    transaction = session.get_transaction()
    held = session.info.get(_MEMO)
    if held is None or held[0] is not transaction:
        held = session.info[_MEMO] = (transaction, {"locked": set(), "open": {}})
    return held[1]


def notify_administrators(session: Session, clock: Clock, instance: ProcessInstance) -> None:
    """One notification per administrator that ``instance`` went into Galat."""
    message = (f'Proses "{instance.title}" ({instance.definition.name}) berhenti karena galat '
               f"pada {instance.error_element or 'mesin proses'}: {instance.error_message}")
    for admin in session.scalars(select(User).where(User.is_admin).order_by(User.id)):
        session.add(Notification(
            user_id=admin.id, kind="galat", role="Administrator", message=message[:4000],
            instance_id=instance.id, created_at=clock.now(),
            params={"title": instance.title, "number": instance.number or "",
                    "process": instance.definition.name,
                    "element": instance.error_element or "",
                    "error": (instance.error_message or "")[:2000]}))


def _warm(session: Session, clock: Clock, instance: ProcessInstance) -> Any | None:
    """The workflow kept in memory for the instance's stored state (``engine.runtime.warm``),
    bound to ``clock`` and the office's calendar; None when none is kept."""
    workflow = warm.take(instance.id, instance.definition_id, instance.state_json)
    if workflow is not None:
        adapter.bind(workflow, clock, settings.work_calendar(session))
    return workflow


def _load(session: Session, clock: Clock, instance: ProcessInstance, state_json: str) -> Any:
    """The workflow in ``state_json`` on the instance's version, compacted: a state stored
    before compaction existed (a deep tree SpiffWorkflow would overflow on) shrinks before
    anything runs on it."""
    workflow = adapter.load_state(state_json,
                                  adapter.spec_of(instance.definition),
                                  clock, settings.work_calendar(session))
    compact(workflow)
    return workflow
