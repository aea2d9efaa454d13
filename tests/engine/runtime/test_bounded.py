"""Bounded instances: an RKT instance sent back for revision 1,000 times keeps a state
and a per-step task tree of the same size as after 10 rounds, and still finishes."""

import json

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import func, select

from engine.models import AuditRecord, HumanTask, ProcessInstance
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.runtime.adapter import dump_state
from engine.runtime.compaction import tree_size
from engine.runtime.unit import change
from tests.conftest import sop_walks

WALK = sop_walks()["penyusunan_rkt"]
LOOPS = 1000
REVISE = {"verifikasi_panitera_rancangan": "revisi", "catatan": "Sasaran belum terukur"}


def _complete_open(session, clock, users, bpmn_id: str, data: dict) -> None:
    task = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert task.bpmn_id == bpmn_id
    complete_task(session, clock, task.id, users[task.role], data)


def _tree_size(session, clock, instance_id: int) -> int:
    """Tasks in the workflow tree a completion loads, runs and stores (nothing saved)."""
    with change(session, clock, instance_id) as unit:
        size = tree_size(unit.workflow)
    session.rollback()
    return size


def test_rkt_survives_1000_revision_loops_with_flat_state_and_tree(session, clock, users,
                                                                     deployed):
    instance = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT 2027",
                              user=users["Kasubbag"])
    session.commit()
    for step in WALK[:3]:  # up to Kegiatan_4, the Panitera's check of the draft
        _complete_open(session, clock, users, step["task"], step["data"])
    state, tree = {}, {}
    for loop in range(1, LOOPS + 1):
        _complete_open(session, clock, users, "Kegiatan_4", REVISE)
        _complete_open(session, clock, users, "Kegiatan_3", {})
        session.commit()
        if loop in (1, 10, 100, LOOPS):
            state[loop] = len(session.get(ProcessInstance, instance.id).state_json)
            tree[loop] = _tree_size(session, clock, instance.id)
    assert state[LOOPS] <= 2 * state[10], state
    assert tree[LOOPS] == tree[100] == tree[10], tree
    assert tree[10] < 40  # the diagram's live part, not its history (SpiffWorkflow: ~4,000)
    for step in WALK[5:]:
        _complete_open(session, clock, users, step["task"], step["data"])
    assert session.get(ProcessInstance, instance.id).status == "completed"
    # The history is the audit log and the human task rows, all of it.
    done = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.bpmn_id == "Kegiatan_4", HumanTask.state == "completed"))
    assert done == LOOPS + 2
    completions = session.scalars(select(AuditRecord.detail).where(
        AuditRecord.action == "task.completed")).all()
    assert sum(detail["data"] == REVISE for detail in completions) == LOOPS
    assert json.loads(session.get(ProcessInstance, instance.id).state_json)["completed"]


def test_a_state_stored_before_compaction_shrinks_at_its_next_step(session, clock, users,
                                                                   deployed):
    instance = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT lama",
                              user=users["Kasubbag"])
    session.commit()
    for step in WALK[:3]:
        _complete_open(session, clock, users, step["task"], step["data"])
    session.commit()
    # 100 rounds run by SpiffWorkflow alone, stored as Alur did before compaction.
    with change(session, clock, instance.id) as unit:
        workflow = unit.workflow
        for _ in range(100):
            for data in (REVISE, {}):
                ready = workflow.get_tasks(state=TaskState.READY, manual=True)
                ready[0].data.update(data)
                ready[0].run()
                workflow.do_engine_steps()
        grown = dump_state(workflow)
    instance = session.get(ProcessInstance, instance.id)
    instance.state_json = grown  # the projections are those of this state
    session.commit()
    assert len(grown) > 200_000
    assert _tree_size(session, clock, instance.id) < 40  # compacted as it is loaded
    _complete_open(session, clock, users, "Kegiatan_4", {"verifikasi_panitera_rancangan": "setuju"})
    session.commit()
    assert len(session.get(ProcessInstance, instance.id).state_json) < 10_000
    open_task = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert open_task.bpmn_id == "Kegiatan_5"
