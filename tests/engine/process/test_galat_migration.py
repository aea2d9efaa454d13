"""A Galat instance whose failing step had a boundary timer, or that stopped after a
parallel join, is moved to the fixed version and retried (README "Galat"); a stored state
SpiffWorkflow cannot move is listed and left unchanged while the others move."""

from sqlalchemy import select

from engine.escalation.incidents import retry_instance
from engine.models import AuditRecord, HumanTask, ProcessInstance
from engine.process import versions
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.versions import migrate_instances
from engine.runtime.adapter import dump_state, load_state, spec_of
from engine.time.calendar import DEFAULT_CALENDAR
from tests.engine.process.test_galat import (  # noqa: F401 - an autouse fixture
    FIXED,
    RUNAWAY,
    _complete,
    _runaway,
    deployed_before_the_gateway_loop_check,
)
from tests.engine.runtime.test_compaction import PARALLEL, _open
from tests.engine.runtime.test_compaction import _complete as _complete_step

# Kegiatan_2, whose decision sends the token into the runaway loop, gets a Waktu of 1 hour
# and its boundary timer: the Galat state then holds the step's boundary join unfinished.
TIMED = {
    '<spiffworkflow:property name="waktu" value="Relatif" />':
        '<spiffworkflow:property name="waktu" value="1 jam" />',
    '<bpmn:flowNodeRef>EndEvent_1</bpmn:flowNodeRef>':
        '<bpmn:flowNodeRef>EndEvent_1</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>Waktu_Kegiatan_2</bpmn:flowNodeRef>'
        '<bpmn:flowNodeRef>Eskalasi_Kegiatan_2</bpmn:flowNodeRef>',
    '<bpmn:endEvent id="EndEvent_1" name="Selesai" />':
        '<bpmn:endEvent id="EndEvent_1" name="Selesai" />'
        '<bpmn:boundaryEvent id="Waktu_Kegiatan_2" name="1 jam" cancelActivity="false" '
        'attachedToRef="Kegiatan_2"><bpmn:timerEventDefinition id="TimerDef_2">'
        '<bpmn:timeDuration xsi:type="bpmn:tFormalExpression">"PT1H"</bpmn:timeDuration>'
        '</bpmn:timerEventDefinition></bpmn:boundaryEvent>'
        '<bpmn:endEvent id="Eskalasi_Kegiatan_2" name="Eskalasi">'
        '<bpmn:escalationEventDefinition id="EscDef_2" escalationRef="Escalation_Waktu" />'
        '</bpmn:endEvent>',
    '</bpmn:process>':
        '<bpmn:sequenceFlow id="Flow_W2" sourceRef="Waktu_Kegiatan_2" '
        'targetRef="Eskalasi_Kegiatan_2" /></bpmn:process>',
}


def _galat(session, clock, users, title: str) -> ProcessInstance:
    instance = start_instance(session, clock, process_key="sop_uji", title=title,
                              user=users["Prakom"], data={"keputusan_kasubbag": "lanjut"})
    session.commit()
    _complete(session, clock, users, "Kegiatan_1", {})
    _complete(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "revisi",
                                                    "catatan": "Perbaiki konsep"})
    assert instance.status == "error"
    return instance


def test_a_galat_step_with_a_timer_moves_to_the_fixed_version_and_runs_on(
        session, clock, users):
    deploy(session, clock, _runaway({**RUNAWAY, **TIMED}))
    instance = _galat(session, clock, users, "Surat edaran")
    fixed, _ = deploy(session, clock, _runaway({**FIXED, **TIMED}))
    result = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert (result.migrated, result.left, result.unmovable) == ([instance.id], {}, {})
    retry_instance(session, clock, instance.id, users["admin"])
    session.commit()
    assert (instance.status, instance.definition.version) == ("running", 2)
    _complete(session, clock, users, "Kegiatan_1", {})


def _without_split(session, clock, instance: ProcessInstance) -> None:
    """Store the instance's state as Alur stored Galat states before the compaction kept
    a boundary join's split: Kegiatan_2's split spliced out of the tree."""
    workflow = load_state(instance.state_json, spec_of(instance.definition), clock,
                          DEFAULT_CALENDAR)
    [split] = [t for t in workflow.tasks.values()
               if t.task_spec.name == "Kegiatan_2.BoundaryEventSplit"]
    [child_id] = split._children
    parent = workflow.tasks[split._parent]
    parent._children[parent._children.index(split.id)] = child_id
    workflow.tasks[child_id]._parent = parent.id
    del workflow.tasks[split.id]
    instance.state_json = dump_state(workflow)
    session.commit()


def test_a_state_spiffworkflow_cannot_move_is_listed_and_left_unchanged(
        session, clock, users):
    deploy(session, clock, _runaway({**RUNAWAY, **TIMED}))
    stuck = _galat(session, clock, users, "Surat lama")
    _without_split(session, clock, stuck)
    stored = stuck.state_json
    waiting = start_instance(session, clock, process_key="sop_uji", title="Surat baru",
                             user=users["Prakom"], data={"keputusan_kasubbag": "lanjut"})
    session.commit()
    fixed, _ = deploy(session, clock, _runaway({**FIXED, **TIMED}))
    result = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert result.migrated == [waiting.id]
    assert list(result.unmovable) == [stuck.id]
    assert "Split at Kegiatan_2.BoundaryEventSplit was not reached" in result.unmovable[stuck.id]
    session.expire_all()
    stuck = session.get(ProcessInstance, stuck.id)
    assert (stuck.state_json, stuck.definition.version, stuck.status) == (stored, 1, "error")
    assert session.scalars(select(AuditRecord.instance_id).where(
        AuditRecord.action == "instance.migrated")).all() == [waiting.id]
    assert session.get(HumanTask, session.scalars(select(HumanTask.id).where(
        HumanTask.instance_id == waiting.id)).one()).state == "open"
    retry_instance(session, clock, stuck.id, users["admin"])  # fails again, said as Galat
    session.commit()
    assert session.get(ProcessInstance, stuck.id).status == "error"


def _checked(budget: str) -> bytes:
    """PARALLEL with a check after the join: Kegiatan_2 only when Kegiatan_4's note says
    ``budget`` (or "ditolak"); any other note is a gateway with no branch to take."""
    flow = ('<bpmn:sequenceFlow id="{0}" sourceRef="Cek" targetRef="Kegiatan_2"><bpmn:'
            'conditionExpression xsi:type="bpmn:tFormalExpression">catatan == "{1}"'
            '</bpmn:conditionExpression></bpmn:sequenceFlow>')
    return PARALLEL.replace(
        b'<bpmn:flowNodeRef>Join</bpmn:flowNodeRef>',
        b'<bpmn:flowNodeRef>Join</bpmn:flowNodeRef><bpmn:flowNodeRef>Cek</bpmn:flowNodeRef>'
    ).replace(
        b'<bpmn:sequenceFlow id="Flow_J" sourceRef="Join" targetRef="Kegiatan_2" />',
        ('<bpmn:exclusiveGateway id="Cek" name="Anggaran siap?" />'
         '<bpmn:sequenceFlow id="Flow_J" sourceRef="Join" targetRef="Cek" />'
         + flow.format("Flow_C1", budget) + flow.format("Flow_C2", "ditolak")).encode())


def test_a_galat_instance_stopped_after_a_parallel_join_moves_and_finishes(
        session, clock, users):
    deploy(session, clock, _checked("anggaran final"))
    instance = start_instance(session, clock, process_key="sop_uji", title="Paralel",
                              user=users["Prakom"])
    session.commit()
    _complete_step(session, clock, users, "Kegiatan_1")
    _complete_step(session, clock, users, "Kegiatan_4", {"catatan": "anggaran siap"})
    _complete_step(session, clock, users, "Kegiatan_3")
    assert (instance.status, instance.error_element) == ("error", "Cek")
    fixed, _ = deploy(session, clock, _checked("anggaran siap"))
    result = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert (result.migrated, result.unmovable) == ([instance.id], {})
    retry_instance(session, clock, instance.id, users["admin"])
    session.commit()
    # The join fires again, with Kegiatan_4's note: the check takes its branch.
    assert (instance.status, _open(session)) == ("running", ["Kegiatan_2"])
    _complete_step(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "setuju"})
    assert instance.status == "completed"
    steps = session.execute(select(HumanTask.bpmn_id, HumanTask.state)).all()
    assert sorted(steps) == [(f"Kegiatan_{n}", "completed") for n in (1, 2, 3, 4)]


def test_a_galat_instance_whose_gateways_the_fix_renamed_is_listed_not_a_failure(
        session, clock, users):
    deploy(session, clock, _runaway(RUNAWAY))
    stuck = _galat(session, clock, users, "Surat lama")
    stored = stuck.state_json
    waiting = start_instance(session, clock, process_key="sop_uji", title="Surat baru",
                             user=users["Prakom"], data={"keputusan_kasubbag": "lanjut"})
    session.commit()
    renamed = _runaway(FIXED).replace(b"Gateway_2", b"Gateway_Cek").replace(
        b"Gateway_3", b"Gateway_Catat")  # the fix names both gateways of the loop anew
    fixed, _ = deploy(session, clock, renamed)
    # SpiffWorkflow raised a TypeError here, which failed the whole batch.
    result = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert result.migrated == [waiting.id]
    assert list(result.unmovable) == [stuck.id]
    assert result.unmovable[stuck.id].startswith(
        "langkah yang sudah dilalui proses ini tidak ada di versi baru: ")
    assert '"Ada revisi?"' in result.unmovable[stuck.id]
    session.expire_all()
    stuck = session.get(ProcessInstance, stuck.id)
    assert (stuck.state_json, stuck.definition.version, stuck.status) == (stored, 1, "error")


def test_an_instance_another_batch_moved_meanwhile_is_not_moved_again(session, clock, users):
    deploy(session, clock, _runaway(RUNAWAY))
    instance = start_instance(session, clock, process_key="sop_uji", title="Surat",
                              user=users["Prakom"], data={"keputusan_kasubbag": "lanjut"})
    session.commit()
    fixed, _ = deploy(session, clock, _runaway(FIXED))
    first = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert first.migrated == [instance.id]
    # A second "Ya, pindahkan" that chose its batch before the first committed moves that
    # batch's instances one by one: each is read again under its lock, found on the target.
    again = versions.MigrationResult()
    versions._migrate_one(session, clock, instance.id, fixed, users["admin"], again)
    session.commit()
    assert (again.migrated, again.moved_from) == ([], {})
    assert session.scalars(select(AuditRecord.instance_id).where(
        AuditRecord.action == "instance.migrated")).all() == [instance.id]
