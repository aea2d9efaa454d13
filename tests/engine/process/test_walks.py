"""Each bundled SOP runs from start to end, every step done by its lane's role."""

import pytest
from sqlalchemy import select

from engine.models import HumanTask
from engine.process.instances import start_instance
from engine.process.tasks import complete_task, inbox
from tests.conftest import START_DATA, sop_walks

WALKS = sop_walks()


@pytest.mark.parametrize("process_key", sorted(WALKS))
def test_sop_walks_through_every_lane_to_its_end(session, clock, users, deployed, process_key):
    walk = WALKS[process_key]
    definition = deployed[process_key]
    starter = users[walk[0]["lane"]]
    instance = start_instance(session, clock, process_key=process_key, title="Uji jalan",
                              user=starter, data=START_DATA.get(process_key))
    session.commit()
    for number, step in enumerate(walk, start=1):
        open_tasks = session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id, HumanTask.state == "open")).all()
        assert [(t.bpmn_id, t.role) for t in open_tasks] == [(step["task"], step["lane"])], number
        task = open_tasks[0]
        assert task in inbox(session, clock, users[step["lane"]])
        assert task.name == definition.catalog["tasks"][step["task"]]["name"]
        complete_task(session, clock, task.id, users[step["lane"]], step["data"])
        session.commit()
    assert instance.status == "completed"
    assert instance.completed_at == clock.now()
    done = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).all()
    assert [t.bpmn_id for t in done] == [step["task"] for step in walk]
    assert {t.state for t in done} == {"completed"}
    assert {t.role for t in done} == set(definition.catalog["lanes"])


@pytest.mark.parametrize("process_key", sorted(k for k, w in WALKS.items()
                                               if any("revisi" in s["data"].values() for s in w)))
def test_walk_goes_round_a_revision_loop(process_key):
    tasks = [step["task"] for step in WALKS[process_key]]
    assert len(tasks) > len(set(tasks)), "a step is done twice after 'revisi'"


def test_every_sop_with_a_decision_is_walked_through_a_loop():
    looped = {key for key, walk in WALKS.items()
              if any("revisi" in step["data"].values() for step in walk)}
    assert looped == {"penyusunan_rkt", "penyusunan_skp_prakom", "pengelolaan_konten_website"}
