"""Human tasks: claiming, assigning and completing a step (the inbox: ``engine.process.inbox``).

This is where a user task is completed. SpiffWorkflow's ``Task.run()`` checks neither
the task's state nor who runs it; ``complete_task`` checks both first.

Claiming, releasing, assigning and completing change a task's row with one conditional
``UPDATE ... WHERE state = 'open' AND <still free or the user's own>``: the database
decides which of two concurrent requests wins (SQLite lets one writer in at a time,
PostgreSQL re-reads the row after the other's commit), and the loser gets TaskNotOpen
naming who holds the task. So of concurrent claims exactly one is stored and audited.
"""

import json
from collections.abc import Collection
from typing import Any

from sqlalchemy.orm import Session

from engine import audit, facts
from engine.bpmn.form_messages import one_value_only
from engine.clock import Clock
from engine.errors import InvalidTaskData, NotFound, PermissionDenied, TaskNotOpen
from engine.models import HumanTask, Notification, User
from engine.people.access import NOT_IN_LANES, Access
from engine.people.holders import capacity_of
from engine.people.substitution import Capacity, away, capacities
from engine.people.substitution_period import ended_since
from engine.process import case
from engine.process.case import MAX_TEXT
from engine.process.held import held_by_other, held_refusal

# The inbox lives in engine.process.inbox; callers of the task rules find it here too.
from engine.process.inbox import INBOX_STATES, INBOX_VIEWS, inbox, inbox_counts  # noqa: F401
from engine.process.other_lane import moved_away, other_lane_refusal
from engine.process.plh_notice import tell_official
from engine.process.task_states import instance_status_word, task_state_word
from engine.process.task_update import Actor, Holders, IfFree, change_row
from engine.roles import supervisor_of
from engine.runtime.unit import GALAT, change, lock_instance, lock_task
from engine.text import trimmed


def get_task(session: Session, task_id: int, *, lock: bool = False) -> HumanTask:
    """The task. With ``lock`` it is read fresh with its instance, whose row is locked for
    this transaction as completing a step locks it (``engine.runtime.unit.lock_task``), so
    completing it next reads neither again. Raises NotFound if there is no such task."""
    task = lock_task(session, task_id) if lock else session.get(HumanTask, task_id)
    if task is None:
        raise NotFound(f"Tugas #{task_id} tidak ditemukan.")
    return task


def task_entry(task: HumanTask) -> dict[str, Any]:
    """The catalog entry of the task's step: Kegiatan, Mutu Baku, time standard, fields."""
    return task.instance.definition.catalog["tasks"][task.bpmn_id]


def claim_task(session: Session, clock: Clock, task_id: int, user: User, *,
               access: Access | None = None) -> HumanTask:
    """Take the task (Ambil Tugas): it leaves the inbox of the role's other holders.

    Taking a task one already holds changes nothing; a Plh/Plt takes over the task of
    the official they stand in for. ``access``: the user's ``Access`` when the caller has
    one (a web request builds it once), else built here.

    Raises:
        NotFound, PermissionDenied (role not held), TaskNotOpen (done, or claimed by
        another, also when that other won a concurrent claim).
    """
    task, capacity = _open_task_for(session, clock, task_id, user, access)
    if task.claimed_by_id == user.id:
        return task
    previous = task.claimed_by  # the official whose claim a Plh/Plt takes over, if any
    acting_as = capacity.label_for(task.claimed_by_id)
    _change(session, task, Holders.FREE_OR_GIVEN, capacity.claimants(user.id),
            Actor(user.id, clock.now()), claimed_by_id=user.id, claimed_at=clock.now(),
            claimed_as=acting_as)
    audit.record(session, clock, "task.claimed", actor=user, task=task, acting_as=acting_as,
                 **({"previous": previous.username} if previous is not None else {}))
    return task


def release_task(session: Session, clock: Clock, task_id: int, user: User, *,
                 access: Access | None = None) -> HumanTask:
    """Give a claimed task back to its role (Lepaskan). ``access`` as for ``claim_task``.

    Raises:
        NotFound, PermissionDenied, TaskNotOpen (done, not claimed, or claimed by
        someone else).
    """
    task, capacity = _open_task_for(session, clock, task_id, user, access)
    if task.claimed_by_id is None:
        raise TaskNotOpen(f'Tugas "{task.name}" belum diambil siapa pun.')
    holder = task.claimed_by
    _change(session, task, Holders.GIVEN, capacity.claimants(user.id),
            claimed_by_id=None, claimed_at=None, claimed_as=None)
    audit.record(session, clock, "task.released", actor=user, task=task,
                 acting_as=capacity.label_for(holder.id),
                 **({"holder": holder.username} if holder.id != user.id else {}))
    return task


def assign_task(session: Session, clock: Clock, task_id: int, assignee: User,
                by: User) -> HumanTask:
    """Assign the task to someone who acts in its role (Alihkan): a holder of it, or its
    Plh/Plt in force (``engine.people.substitution.capacities``); done by someone who may
    act in the supervising role (``roles.supervisor_of``), e.g. a Kasubbag for a Prakom
    step. It may take the step from one who claimed it (a supervisor redistributes work):
    the assignee is notified (unless he assigned it to himself, holding the role too), and
    so is the one it was taken from. Assigning it to the one who holds it already changes
    nothing.

    Raises:
        NotFound; PermissionDenied (``by`` does not supervise the role); TaskNotOpen;
        InvalidTaskData (the assignee neither holds the role nor stands in for its
        holder, his account is disabled, or he is away: someone stands in for them as
        Plh/Plt, ``engine.people.substitution.away``).
    """
    task = get_task(session, task_id)
    supervisor = supervisor_of(task.role)
    acting = capacities(session, by, clock.now())
    check_assigner(session, clock, task, by, acting)
    if task.state != "open":
        raise not_open(task)
    if task.instance.status == GALAT:
        raise TaskNotOpen(_STOPPED.format(title=task.instance.title))
    if task.role not in capacities(session, assignee, clock.now()):
        raise InvalidTaskData({"assignee": f"{assignee.full_name} tidak memegang peran "
                                           f"{task.role}"})
    if assignee.is_disabled:
        raise InvalidTaskData({"assignee": f"akun {assignee.full_name} nonaktif; alihkan "
                                           "kepada pemegang peran yang aktif"})
    if assignee.id in away(session, clock.now()):
        raise InvalidTaskData({"assignee": f"{assignee.full_name} sedang digantikan Plh/Plt; "
                                           "alihkan kepada pemegang peran yang bertugas"})
    # Under the instance's lock (as every change of it) the holder read here is the one
    # the change replaces.
    lock_instance(session, task.instance_id)
    session.refresh(task, ["claimed_by_id"])
    previous = session.get(User, task.claimed_by_id) if task.claimed_by_id else None
    if previous is not None and previous.id == assignee.id:
        return task  # his already: nothing changes, nobody is told again
    _change(session, task, Holders.ANYONE, (), claimed_by_id=assignee.id, claimed_as=None,
            claimed_at=clock.now())
    instance = task.instance
    params = {"by": by.full_name, "step": task.name, "title": instance.title,
              "number": instance.number or "", "process": instance.definition.name}
    if assignee.id != by.id:  # a supervisor who takes it himself needs no notice of it
        message = f'{by.full_name} mengalihkan tugas "{task.name}" ({instance.title}) kepada Anda.'
        # As a reminder's: in which capacity he gets it, a Plh/Plt's ("as": Plh. Kasubbag).
        capacity = capacity_of(session, clock.now(), assignee, task.role)
        session.add(Notification(
            user_id=assignee.id, kind="penugasan", role=task.role, human_task_id=task.id,
            instance_id=instance.id, created_at=clock.now(), message=message,
            params=params if capacity == task.role else {**params, "as": capacity}))
    if previous is not None and previous.id != by.id:
        # The step leaves his inbox: he is told to whom it went (not who gave it away).
        session.add(Notification(
            user_id=previous.id, kind="penugasan", role=task.role, human_task_id=task.id,
            instance_id=instance.id, created_at=clock.now(),
            params={**params, "to": assignee.full_name},
            message=f'{by.full_name} mengalihkan tugas "{task.name}" ({instance.title}) '
                    f"dari Anda kepada {assignee.full_name}."))
    audit.record(session, clock, "task.assigned", actor=by, task=task,
                 assignee=assignee.username, acting_as=acting[supervisor].label,
                 **({"previous": previous.username} if previous is not None else {}))
    return task


def check_assigner(session: Session, clock: Clock, task: HumanTask, by: User,
                   acting: dict[str, Capacity] | None = None) -> None:
    """Check that ``by`` may assign ``task`` (Alihkan): he acts, now, in the role
    supervising its lane. Asked before anything about the assignee is said, so that one who may not
    assign learns nothing of who exists. ``acting``: ``by``'s capacities when known.

    Raises:
        PermissionDenied: ``by`` does not supervise the task's role (naming it only to one
            who may view the step, ``Access.may_view_task``).
    """
    supervisor = supervisor_of(task.role)
    if acting is None:
        acting = capacities(session, by, clock.now())
    if supervisor is None or supervisor not in acting:
        if not Access.of(session, by, clock.now()).may_view_task(task):
            raise PermissionDenied(NOT_IN_LANES)  # as the step's page: not even its role
        raise PermissionDenied(f'Hanya {supervisor or "atasan"} yang dapat mengalihkan tugas '
                               f'peran {task.role}.')


def complete_task(session: Session, clock: Clock, task_id: int, user: User,
                  data: dict[str, Any], *, access: Access | None = None) -> HumanTask:
    """Complete a step with the submitted form ``data`` and move the instance on.

    The task is read together with its instance, whose row is locked first (waiting for a
    worker firing its timers), so every check below sees the current state; its row is
    then written once, with the conditional UPDATE that decides races.

    Args:
        data: ``{field name: value}`` for the task's generated fields
            (``task_entry()["fields"]``) and its declared form (``engine.process.case``).
        access: the user's ``Access`` when the caller has one (a web request builds it
            once), else built here.

    Raises:
        NotFound; PermissionDenied when the user lacks the lane's role; TaskNotOpen when
        the task is no longer open (done, cancelled, claimed by another user);
        InvalidTaskData naming each bad field. Nothing changes when any is raised.
        When SpiffWorkflow cannot complete the step, or the engine run after it fails (a
        runaway loop past the step cap), nothing is raised: the instance goes into Galat
        (``task.instance.status == "error"``), the step completed only in the second case.
    """
    task, capacity = _open_task_for(session, clock, task_id, user, access)
    acting_as = capacity.label_for(task.claimed_by_id) or (
        # Taken over from the official he stands in for, while he still does.
        task.claimed_as if task.claimed_by_id == user.id and capacity.stands_in else None)
    # A Plh/Plt finishing the step his official took: the official is told (he may be at it).
    official = task.claimed_by_id if acting_as and task.claimed_by_id != user.id else None
    entry = task_entry(task)
    cleaned = case.check_submission(session, task, entry, data, validate_data)
    with change(session, clock, task.instance_id, actor=user) as unit:
        if unit is None:
            raise TaskNotOpen(f'Proses "{task.instance.title}" tidak sedang berjalan '
                              f"(status: {instance_status_word(task.instance.status)}).")
        spiff_task = unit.ready_user_task(task.spiff_task_id)
        if spiff_task is None:
            # PostgreSQL: a completion that waited for the instance's lock read the step's
            # row as it was before the one it waited for committed; read as it is now.
            session.refresh(task)
            if task.state != "open":
                raise not_open(task)
            raise TaskNotOpen(f'Tugas "{task.name}" tidak lagi menunggu untuk diselesaikan.')
        unit.run_user_task(spiff_task, cleaned, case.cleared(entry, cleaned))
        _change(session, task, Holders.FREE_OR_GIVEN, capacity.claimants(user.id),
                Actor(user.id, unit.clock.now()), state="completed", claimed_by_id=IfFree(user.id),
                completed_by_id=user.id, completed_at=unit.clock.now(),
                completed_as=acting_as, **case.record_step(task, entry, cleaned))
        facts.record_completion(session, task)
        # At the unit's moment: the step completes as the next one opens (``returned_by``).
        audit.record(session, unit.clock, "task.completed", actor=user, task=task,
                     data=cleaned, acting_as=acting_as)
        if official is not None:
            tell_official(session, unit.clock, task, official, user, acting_as)
        unit.run_engine()
    return task


def validate_data(fields: list[dict[str, Any]], data: Any) -> dict[str, Any]:
    """Check submitted values against the task's fields; return the cleaned values.

    ``choice`` fields take one of their values; ``checklist`` fields a list of their
    values (kept in the field's order); ``text`` fields a string.

    Raises:
        InvalidTaskData: ``{field: Indonesian message}`` for unknown, missing or bad fields.
    """
    if not isinstance(data, dict):
        raise InvalidTaskData({"data": "harus berupa objek JSON"})
    by_name = {field["name"]: field for field in fields}
    problems = {name: "kolom ini tidak ada pada formulir tugas" for name in data
                if name not in by_name}
    cleaned = {}
    for name, field in by_name.items():
        value = data.get(name)
        if field["type"] == "checklist":
            allowed = [choice["value"] for choice in field["choices"]]
            if value in (None, ""):
                value = []
            if not isinstance(value, list):  # one ticked item sent as text, not as a list
                problems[name] = (f'"{field["label"]}" harus daftar pilihan, mis. '
                                  f'{json.dumps(allowed[:1], ensure_ascii=False)}, bukan teks')
                continue
            if any(item not in allowed for item in value):
                problems[name] = f'"{field["label"]}" hanya boleh berisi: {"; ".join(allowed)}'
                continue
            if value:
                cleaned[name] = [item for item in allowed if item in value]
            continue
        if isinstance(value, list) and (len(value) > 1 or value and field["type"] == "choice"):
            # two decisions from a page; ["revisi"] in JSON: a list, not its one value
            problems[name] = one_value_only(field["label"], len(value))
            continue
        value = trimmed(value) if isinstance(value, str) else value
        if value in (None, ""):
            if field["required"]:
                problems[name] = f'"{field["label"]}" wajib diisi'
            continue
        if field["type"] == "choice":
            allowed = [choice["value"] for choice in field["choices"]]
            if value not in allowed:  # each value with its button's words, when they differ
                words = ", ".join(c["value"] if c["label"] == c["value"] else
                                  f'{c["value"]} ({c["label"]})' for c in field["choices"])
                problems[name] = f'"{field["label"]}" harus salah satu dari: {words}'
                continue
        elif not isinstance(value, str) or len(value) > MAX_TEXT:
            problems[name] = f'"{field["label"]}" harus teks, paling banyak {MAX_TEXT} karakter'
            continue
        cleaned[name] = value
    if problems:
        raise InvalidTaskData(problems)
    return cleaned


def _open_task_for(session: Session, clock: Clock, task_id: int, user: User,
                   access: Access | None) -> tuple[HumanTask, Capacity]:
    """The open task, read with its instance locked (``lock_task``), and how the user acts
    on it. Raises NotFound, PermissionDenied, TaskNotOpen."""
    task = get_task(session, task_id, lock=True)
    access = access or Access.of(session, user, clock.now())
    capacity = access.capacity_for(task)
    if capacity is None and (ended := plh_ended(session, clock, task, user)) is not None:
        raise ended
    if capacity is None and not access.may_view_task(task):
        # As the step's page: nothing of the step, unless it was his before a move.
        raise moved_away(session, task, user) or PermissionDenied(NOT_IN_LANES)
    if capacity is None:
        raise other_lane_refusal(session, task, user)
    if task.state != "open":
        raise not_open(task)
    if task.instance.status == GALAT:
        raise TaskNotOpen(_STOPPED.format(title=task.instance.title))
    if held_by_other(task, capacity, user.id):
        raise held_refusal(task)
    return task, capacity


def plh_ended(session: Session, clock: Clock, task: HumanTask, user: User
              ) -> PermissionDenied | None:
    """The refusal of a step to a Plh/Plt whose period ended after the step opened (he saw
    it in his inbox, and may still have its page open), or None: it names his own Plh's
    end and role only, since he may no longer see the step."""
    # Ended early, a period ends at the start of its minute (``substitution.end_early``).
    ended = ended_since(session, user, task.role,
                        task.created_at.replace(second=0, microsecond=0), clock.now())
    if ended is None:
        return None
    return PermissionDenied(f"Masa {ended.kind} Anda untuk peran {task.role} sudah "
                            "berakhir; langkah ini kini dikerjakan pemegang peran itu.")


_STOPPED = ('Proses "{title}" berhenti karena galat dan menunggu administrator; langkahnya '
            "tidak dapat diambil, dilepaskan, dialihkan atau diselesaikan sampai proses "
            "dijalankan lagi.")


def not_open(task: HumanTask) -> TaskNotOpen:
    """The refusal of a step no longer open, naming who completed it (README: a 409 names
    the holder), with ``claimed_by`` his user name."""
    refusal = f'Tugas "{task.name}" sudah tidak terbuka (status: {task_state_word(task.state)})'
    performer = task.completed_by if task.state == "completed" else None
    if performer is None:
        return TaskNotOpen(f"{refusal}.")
    return TaskNotOpen(f"{refusal}: diselesaikan oleh {performer.full_name} "
                       f"({performer.username}).", claimed_by=performer.username)


def _no_longer_acting(session: Session, task: HumanTask, user_id: int) -> PermissionDenied:
    """The refusal of a claim or completion whose actor may no longer act in the step's
    role: his account was disabled, or the role (or his Plh/Plt) ended, while his request
    was on its way (the step went back to its unit: ``engine.people.claims``)."""
    user = session.get(User, user_id)
    session.refresh(user, ["is_disabled"])
    if user.is_disabled:
        return PermissionDenied("Akun Anda baru saja dinonaktifkan; langkah ini tidak "
                                "diubah.")
    return PermissionDenied(f'Anda baru saja tidak lagi bertindak dalam peran {task.role} '
                            f'(peran diubah administrator, atau masa Plh/Plt berakhir); '
                            f'langkah "{task.name}" tidak diubah.')


def _change(session: Session, task: HumanTask, holders: Holders, given: Collection[int],
            actor: Actor | None = None, **values: Any) -> None:
    """Set ``values`` on the task's row if it is still open, ``holders`` lets ``given``
    (user ids) through and ``actor`` may still act in its role (``task_update.change_row``),
    writing them into ``task``. The instance is locked first, as every change of an
    instance does (PostgreSQL: the same lock order as completing and firing timers, so a
    claim racing them waits instead of deadlocking).

    Raises:
        TaskNotOpen: a concurrent request changed the row first (done, or now held by
            someone else); PermissionDenied: the actor's account was disabled, or the role
            taken from him, after his request read them; nothing was changed.
    """
    lock_instance(session, task.instance_id)
    if not change_row(session, task, holders, given, actor, **values):
        session.refresh(task)
        if task.state != "open":
            raise not_open(task)
        if task.claimed_by_id is not None and task.claimed_by_id not in given:
            raise held_refusal(task)
        if actor is not None:
            raise _no_longer_acting(session, task, actor.user_id)
        raise TaskNotOpen(f'Tugas "{task.name}" belum diambil siapa pun.')
    # The people the written ids name are looked up again when read (identity map first).
    session.expire(task, [person for person in ("claimed_by", "completed_by")
                          if f"{person}_id" in values])
