"""Compaction keeps what SpiffWorkflow's rules read: a parallel join inside a revision loop
still waits for both branches in every round, a join of three branches fires when the
last arrives, and a late step keeps its deadline."""

from datetime import timedelta

from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.runtime.compaction import tree_size
from engine.runtime.unit import change
from tests.conftest import MONDAY_0800, mini_bpmn
from tests.helpers.late import reminded_late


def _properties(number: int) -> str:
    return ('<bpmn:extensionElements><spiffworkflow:properties>'
            f'<spiffworkflow:property name="no" value="{number}" />'
            '<spiffworkflow:property name="kelengkapan" value="Konsep" />'
            '<spiffworkflow:property name="waktu" value="Relatif" />'
            '<spiffworkflow:property name="output" value="Lampiran" />'
            '<spiffworkflow:property name="keterangan" value="" />'
            '</spiffworkflow:properties></bpmn:extensionElements>')


# Kegiatan_1 -> Split -> (Kegiatan_3 by the Prakom, Kegiatan_4 by the Kasubbag) -> Join ->
# Kegiatan_2 -> Gateway_2: "revisi" back to Kegiatan_1, "setuju" to the end.
PARALLEL = mini_bpmn({
    '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>':
        '<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef><bpmn:flowNodeRef>Split</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>Kegiatan_3</bpmn:flowNodeRef><bpmn:flowNodeRef>Join</bpmn:flowNodeRef>',
    '<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>':
        '<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>Kegiatan_4</bpmn:flowNodeRef>',
    '<bpmn:sequenceFlow id="Flow_2" sourceRef="Kegiatan_1" targetRef="Kegiatan_2" />':
        '<bpmn:sequenceFlow id="Flow_2" sourceRef="Kegiatan_1" targetRef="Split" />'
        '<bpmn:parallelGateway id="Split" /><bpmn:parallelGateway id="Join" />'
        f'<bpmn:userTask id="Kegiatan_3" name="Menyiapkan lampiran">{_properties(3)}'
        '</bpmn:userTask>'
        f'<bpmn:userTask id="Kegiatan_4" name="Menyiapkan anggaran">{_properties(4)}'
        '</bpmn:userTask>'
        '<bpmn:sequenceFlow id="Flow_S3" sourceRef="Split" targetRef="Kegiatan_3" />'
        '<bpmn:sequenceFlow id="Flow_S4" sourceRef="Split" targetRef="Kegiatan_4" />'
        '<bpmn:sequenceFlow id="Flow_J3" sourceRef="Kegiatan_3" targetRef="Join" />'
        '<bpmn:sequenceFlow id="Flow_J4" sourceRef="Kegiatan_4" targetRef="Join" />'
        '<bpmn:sequenceFlow id="Flow_J" sourceRef="Join" targetRef="Kegiatan_2" />',
})

# PARALLEL with a third branch, Kegiatan_5 by the Kasubbag.
THREE_BRANCHES = PARALLEL.replace(
    b'<bpmn:flowNodeRef>Kegiatan_4</bpmn:flowNodeRef>',
    b'<bpmn:flowNodeRef>Kegiatan_4</bpmn:flowNodeRef><bpmn:flowNodeRef>Kegiatan_5</bpmn:flowNodeRef>'
).replace(
    b'<bpmn:sequenceFlow id="Flow_J" sourceRef="Join" targetRef="Kegiatan_2" />',
    b'<bpmn:sequenceFlow id="Flow_J" sourceRef="Join" targetRef="Kegiatan_2" />'
    b'<bpmn:userTask id="Kegiatan_5" name="Menyiapkan jadwal">'
    + _properties(5).encode() + b'</bpmn:userTask>'
    b'<bpmn:sequenceFlow id="Flow_S5" sourceRef="Split" targetRef="Kegiatan_5" />'
    b'<bpmn:sequenceFlow id="Flow_J5" sourceRef="Kegiatan_5" targetRef="Join" />')


def _open(session) -> list[str]:
    return sorted(session.scalars(select(HumanTask.bpmn_id).where(HumanTask.state == "open")))


def _complete(session, clock, users, bpmn_id, data=None) -> None:
    task = session.scalars(select(HumanTask).where(HumanTask.state == "open",
                                                   HumanTask.bpmn_id == bpmn_id)).one()
    complete_task(session, clock, task.id, users[task.role], data or {})
    session.commit()


def test_a_parallel_join_in_a_loop_waits_for_both_branches_every_round(session, clock, users):
    deploy(session, clock, PARALLEL)
    instance = start_instance(session, clock, process_key="sop_uji", title="Paralel",
                              user=users["Prakom"])
    session.commit()
    sizes, waiting = [], []
    for _ in range(30):
        _complete(session, clock, users, "Kegiatan_1")
        assert _open(session) == ["Kegiatan_3", "Kegiatan_4"]
        _complete(session, clock, users, "Kegiatan_4")
        assert _open(session) == ["Kegiatan_3"], "the join waits for the other branch"
        with change(session, clock, instance.id) as unit:  # the arrival kept, no more
            waiting.append(tree_size(unit.workflow))
        session.rollback()
        _complete(session, clock, users, "Kegiatan_3")
        _complete(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "revisi",
                                                        "catatan": "Perbaiki konsep"})
        assert _open(session) == ["Kegiatan_1"]
        with change(session, clock, instance.id) as unit:
            sizes.append(tree_size(unit.workflow))
        session.rollback()
    assert max(sizes) == sizes[1]
    assert max(waiting) == waiting[1]
    _complete(session, clock, users, "Kegiatan_1")
    _complete(session, clock, users, "Kegiatan_3")
    assert _open(session) == ["Kegiatan_4"]
    _complete(session, clock, users, "Kegiatan_4")
    _complete(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "setuju"})
    assert instance.status == "completed"


def test_a_join_of_three_branches_fires_when_the_last_arrives(session, clock, users):
    deploy(session, clock, THREE_BRANCHES)
    instance = start_instance(session, clock, process_key="sop_uji", title="Tiga cabang",
                              user=users["Prakom"])
    session.commit()
    _complete(session, clock, users, "Kegiatan_1")
    _complete(session, clock, users, "Kegiatan_4", {"catatan": "anggaran siap"})
    _complete(session, clock, users, "Kegiatan_5")
    assert _open(session) == ["Kegiatan_3"]
    _complete(session, clock, users, "Kegiatan_3")
    assert (instance.status, _open(session)) == ("running", ["Kegiatan_2"])
    with change(session, clock, instance.id) as unit:
        [review] = unit.workflow.get_tasks(state=TaskState.READY)
        assert review.data["catatan"] == "anggaran siap", "the first branch's data is merged"
    session.rollback()


def test_a_late_step_keeps_its_deadline_after_its_timer_fired(session, clock, users):
    instance = reminded_late(session, clock, users)
    # A later change of the instance recomputes the open step's due time from the fired
    # timer, which compaction keeps beside the step.
    with change(session, clock, instance.id):
        pass
    session.commit()
    task = session.scalars(select(HumanTask)).one()
    assert task.due_at == MONDAY_0800 + timedelta(minutes=30)
