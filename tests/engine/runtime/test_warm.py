"""Workflows kept in memory between changes (``engine.runtime.warm``, issue 13): the next
change of an instance skips restoring its state only when the row still holds exactly the
state the kept workflow was stored as; after a rollback, a write from elsewhere or past the
bound it is restored from the row, and the walk goes on the same either way."""

import json

import pytest
from sqlalchemy import select, update

from engine.models import HumanTask, ProcessInstance
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.runtime import adapter, warm
from tests.conftest import sop_walks

WALK = sop_walks()["penyusunan_rkt"]


@pytest.fixture
def restored(monkeypatch) -> list[int]:
    """The states restored from a row (``adapter.load_state`` calls), counted."""
    calls: list[int] = []
    real = adapter.load_state

    def counted(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(adapter, "load_state", counted)
    return calls


def _start(session, clock, users, title: str = "RKT 2027") -> int:
    instance = start_instance(session, clock, process_key="penyusunan_rkt", title=title,
                              user=users[WALK[0]["lane"]])
    session.commit()
    return instance.id


def _complete(session, clock, users, instance_id: int, number: int) -> None:
    step = WALK[number]
    task = session.scalars(select(HumanTask).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open",
        HumanTask.bpmn_id == step["task"])).one()
    complete_task(session, clock, task.id, users[step["lane"]], step["data"])


def _open_steps(session, instance_id: int) -> list[str]:
    return sorted(session.scalars(select(HumanTask.bpmn_id).where(
        HumanTask.instance_id == instance_id, HumanTask.state == "open")))


def test_a_committed_change_hands_its_workflow_to_the_next_change(session, clock, users,
                                                                  deployed, restored):
    instance_id = _start(session, clock, users)
    for number in range(4):
        _complete(session, clock, users, instance_id, number)
        session.commit()
    assert restored == []
    assert _open_steps(session, instance_id) == [WALK[4]["task"]]


def test_a_rolled_back_change_is_not_resumed(session, clock, users, deployed, restored):
    instance_id = _start(session, clock, users)
    _complete(session, clock, users, instance_id, 0)
    session.rollback()
    assert _open_steps(session, instance_id) == [WALK[0]["task"]]
    _complete(session, clock, users, instance_id, 0)
    session.commit()
    assert restored == [1]
    assert _open_steps(session, instance_id) == [WALK[1]["task"]]


def test_a_change_rolled_back_after_its_savepoint_is_not_resumed(session, clock, users,
                                                                deployed, restored):
    instance_id = _start(session, clock, users)
    with session.begin_nested():
        _complete(session, clock, users, instance_id, 0)
    session.rollback()
    _complete(session, clock, users, instance_id, 0)
    assert restored == [1]


def test_a_state_written_elsewhere_is_restored_from_the_row(session, clock, users, deployed,
                                                            restored):
    instance_id = _start(session, clock, users)
    _complete(session, clock, users, instance_id, 0)
    session.commit()
    stored = json.loads(session.scalar(select(ProcessInstance.state_json).where(
        ProcessInstance.id == instance_id)))
    stored["data"]["ditulis_di_tempat_lain"] = 1  # e.g. by alur worker, another process
    with session.get_bind().begin() as other:
        other.execute(update(ProcessInstance).where(ProcessInstance.id == instance_id)
                      .values(state_json=json.dumps(stored)))
    session.expire_all()
    _complete(session, clock, users, instance_id, 1)
    session.commit()
    assert restored == [1]
    after = json.loads(session.scalar(select(ProcessInstance.state_json).where(
        ProcessInstance.id == instance_id)))
    assert after["data"]["ditulis_di_tempat_lain"] == 1
    assert _open_steps(session, instance_id) == [WALK[2]["task"]]


def test_at_most_the_bound_are_kept(session, clock, users, deployed, restored, monkeypatch):
    monkeypatch.setattr(warm, "KEPT_WORKFLOWS", 2)
    first, second, third = (_start(session, clock, users, f"RKT {n}") for n in range(3))
    for instance_id in (third, second):
        _complete(session, clock, users, instance_id, 0)
        session.commit()
    assert restored == []
    _complete(session, clock, users, first, 0)  # dropped when the third was kept
    assert restored == [1]
