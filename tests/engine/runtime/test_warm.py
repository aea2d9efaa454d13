"""Kept workflows (``engine.runtime.warm``): the next change of an instance in the same
process runs on the workflow the last one saved, and only while the saved state is still
exactly what that workflow was saved as."""

import json

import pytest
from sqlalchemy import select

from engine.models import HumanTask, ProcessInstance
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.runtime import adapter, warm
from tests.conftest import sop_walks

WALK = sop_walks()["penyusunan_rkt"]


@pytest.fixture
def restored(monkeypatch) -> list[str]:
    """The states restored from JSON (``adapter.load_state``) while the test runs."""
    seen: list[str] = []
    load_state = adapter.load_state

    def counted(state_json, *args):
        seen.append(state_json)
        return load_state(state_json, *args)

    monkeypatch.setattr(adapter, "load_state", counted)
    warm.forget()
    return seen


def _complete_open(session, clock, users, step: dict) -> HumanTask:
    task = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert task.bpmn_id == step["task"]
    return complete_task(session, clock, task.id, users[task.role], step["data"])


def _open_steps(session) -> list[str]:
    return list(session.scalars(select(HumanTask.bpmn_id).where(HumanTask.state == "open")))


def test_each_step_runs_on_the_workflow_the_last_step_saved(session, clock, users, deployed,
                                                             restored):
    start_instance(session, clock, process_key="penyusunan_rkt", title="RKT 2027",
                   user=users["Kasubbag"])
    session.commit()
    for step in WALK:
        _complete_open(session, clock, users, step)
        session.commit()
    assert restored == []
    assert session.scalars(select(ProcessInstance.status)).one() == "completed"


def test_a_rolled_back_step_leaves_its_workflow_unused(session, clock, users, deployed,
                                                       restored):
    instance = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT 2027",
                              user=users["Kasubbag"])
    session.commit()
    saved = instance.state_json
    _complete_open(session, clock, users, WALK[0])
    session.rollback()
    assert session.get(ProcessInstance, instance.id).state_json == saved
    _complete_open(session, clock, users, WALK[0])
    session.commit()
    assert restored == [saved]
    assert _open_steps(session) == [WALK[1]["task"]]


def test_a_state_saved_elsewhere_is_restored_from_the_database(session, clock, users, deployed,
                                                                restored):
    instance = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT 2027",
                              user=users["Kasubbag"])
    session.commit()
    _complete_open(session, clock, users, WALK[0])
    session.commit()
    # Another process saved the instance since: the same workflow, another string.
    elsewhere = json.dumps(json.loads(instance.state_json), indent=1)
    instance.state_json = elsewhere
    session.commit()
    _complete_open(session, clock, users, WALK[1])
    session.commit()
    assert restored == [elsewhere]
    assert _open_steps(session) == [WALK[2]["task"]]


def test_a_kept_workflow_is_taken_only_for_its_own_state_and_spec():
    spec, other = object(), object()
    workflow = type("Workflow", (), {"spec": spec})()
    warm.keep(7, "state", workflow)
    assert warm.take(7, "state", other) is None
    assert warm.take(7, "state", spec) is None  # a stale entry is dropped, not kept
    warm.keep(7, "state", workflow)
    assert warm.take(7, "other state", spec) is None
    warm.keep(7, "state", workflow)
    assert warm.take(7, "state", spec) is workflow
    assert warm.take(7, "state", spec) is None  # taken out while used


def test_at_most_max_kept_workflows_are_kept(monkeypatch):
    warm.forget()
    monkeypatch.setattr(warm, "MAX_KEPT", 3)
    workflow = type("Workflow", (), {"spec": None})()
    for instance_id in range(1, 6):
        warm.keep(instance_id, "state", workflow)
    assert [warm.take(i, "state", None) for i in range(1, 6)] == [None, None, workflow,
                                                                  workflow, workflow]
