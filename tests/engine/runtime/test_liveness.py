"""A flow SpiffWorkflow accepts but that leaves the workflow with nothing to do (a
parallel gateway joining an exclusive split's branches) puts the instance in Galat naming
the waiting gateway, instead of leaving it "berjalan" with no open step for ever."""

from sqlalchemy import select

from engine.escalation.incidents import retry_instance
from engine.models import AuditRecord, HumanTask, ProcessInstance
from engine.process.deploy import deploy
from engine.process.instances import cancel_instance, start_instance
from engine.process.tasks import complete_task
from engine.process.versions import migrate_instances


def _step(bpmn_id: str, no: int) -> str:
    return (f'<bpmn:userTask id="{bpmn_id}" name="Langkah {bpmn_id}"><bpmn:extensionElements>'
            "<spiffworkflow:properties>"
            f'<spiffworkflow:property name="no" value="{no}"/>'
            '<spiffworkflow:property name="kelengkapan" value="-"/>'
            '<spiffworkflow:property name="waktu" value="Relatif"/>'
            '<spiffworkflow:property name="output" value="-"/>'
            '<spiffworkflow:property name="keterangan" value=""/>'
            "</spiffworkflow:properties></bpmn:extensionElements></bpmn:userTask>")


def _flow(flow_id: str, source: str, target: str, condition: str = "") -> str:
    inner = (f'<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">{condition}'
             "</bpmn:conditionExpression>" if condition else "")
    return (f'<bpmn:sequenceFlow id="{flow_id}" sourceRef="{source}" targetRef="{target}">'
            f"{inner}</bpmn:sequenceFlow>")


def _process(key: str, nodes: list[str], body: str) -> bytes:
    """A one-lane (Prakom) process ``key`` holding ``nodes``, its elements and flows
    ``body``."""
    return f'''<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xmlns:spiffworkflow="http://spiffworkflow.org/bpmn/schema/1.0/core"
  id="Defs" targetNamespace="http://alur.local/sop">
  <bpmn:process id="{key}" name="SOP {key}" isExecutable="true">
    <bpmn:laneSet id="LS"><bpmn:lane id="L1" name="Prakom">
      {"".join(f"<bpmn:flowNodeRef>{n}</bpmn:flowNodeRef>" for n in nodes)}
    </bpmn:lane></bpmn:laneSet>{body}
  </bpmn:process>
</bpmn:definitions>'''.encode()


# A, then B or C (exclusive), joined by a PARALLEL gateway J that waits for both.
XML = _process("sop_buntu", ["S", "A", "X", "B", "C", "J", "D", "E"], f'''
    <bpmn:startEvent id="S"/>{_step("A", 1)}<bpmn:exclusiveGateway id="X"/>
    {_step("B", 2)}{_step("C", 3)}<bpmn:parallelGateway id="J"/>{_step("D", 4)}
    <bpmn:endEvent id="E"/>
    {_flow("F1", "S", "A")}{_flow("F2", "A", "X")}
    {_flow("F3", "X", "B", 'jalur == "b"')}{_flow("F4", "X", "C", 'jalur == "c"')}
    {_flow("F5", "B", "J")}{_flow("F6", "C", "J")}{_flow("F7", "J", "D")}{_flow("F8", "D", "E")}''')


def _open(session, instance_id):
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == "open")).all()


def test_a_join_waiting_for_a_branch_never_taken_sends_the_instance_to_galat(
        session, clock, users):
    deploy(session, clock, XML)
    instance = start_instance(session, clock, process_key="sop_buntu", title="Buntu",
                              user=users["Prakom"])
    session.commit()
    for expected, data in (("A", {"jalur": "b"}), ("B", {})):
        [task] = _open(session, instance.id)
        assert task.bpmn_id == expected
        complete_task(session, clock, task.id, users["Prakom"], data)
        session.commit()
    instance = session.get(ProcessInstance, instance.id)
    assert (instance.status, instance.error_element, _open(session, instance.id)) == (
        "error", "J", [])
    assert instance.error_message.startswith(
        'Proses berhenti tanpa langkah terbuka: gateway "J" menunggu alur yang tidak akan '
        "datang")
    cancel_instance(session, clock, instance.id, users["admin"], "alur salah")
    session.commit()
    assert instance.status == "cancelled"


# A and B in parallel, merged without a join into C, so C runs twice; the second C passing
# the split P2 makes SpiffWorkflow drop the first pass's D and E.
TWICE_XML = _process("sop_dua_kali", ["S", "P1", "A", "B", "C", "P2", "D", "E", "E1", "E2"], f'''
    <bpmn:startEvent id="S"/><bpmn:parallelGateway id="P1"/>{_step("A", 1)}{_step("B", 2)}
    {_step("C", 3)}<bpmn:parallelGateway id="P2"/>{_step("D", 4)}{_step("E", 5)}
    <bpmn:endEvent id="E1"/><bpmn:endEvent id="E2"/>
    {_flow("F1", "S", "P1")}{_flow("F2", "P1", "A")}{_flow("F3", "P1", "B")}
    {_flow("F4", "A", "C")}{_flow("F5", "B", "C")}{_flow("F6", "C", "P2")}
    {_flow("F7", "P2", "D")}{_flow("F8", "P2", "E")}{_flow("F9", "D", "E1")}
    {_flow("F10", "E", "E2")}''')


def test_a_step_the_engine_drops_is_cancelled_with_an_audit_record(session, clock, users):
    deploy(session, clock, TWICE_XML)
    instance = start_instance(session, clock, process_key="sop_dua_kali", title="Dua kali",
                              user=users["Prakom"])
    session.commit()
    for bpmn_id in ("A", "B", "C"):
        task = next(t for t in _open(session, instance.id) if t.bpmn_id == bpmn_id)
        complete_task(session, clock, task.id, users["Prakom"], {})
        session.commit()
    first = {t.bpmn_id: t.id for t in _open(session, instance.id) if t.bpmn_id in "DE"}
    [second_c] = [t for t in _open(session, instance.id) if t.bpmn_id == "C"]
    complete_task(session, clock, second_c.id, users["Prakom"], {})
    session.commit()
    dropped = session.scalars(select(HumanTask).where(HumanTask.id.in_(first.values()),
                                                      HumanTask.state == "cancelled")).all()
    records = session.scalars(select(AuditRecord.human_task_id).where(
        AuditRecord.action == "task.cancelled")).all()
    assert dropped and sorted(records) == sorted(task.id for task in dropped)
    # A cancellation closes the open steps too, but records only itself.
    still_open = [task.id for task in _open(session, instance.id)]
    cancel_instance(session, clock, instance.id, users["admin"], "dibatalkan")
    session.commit()
    assert still_open and session.scalars(select(AuditRecord.human_task_id).where(
        AuditRecord.action == "task.cancelled")).all() == records


# The fix README "Galat" asks for: B and C go straight on to D, the join J is gone.
FIXED_XML = _process("sop_buntu", ["S", "A", "X", "B", "C", "D", "E"], f'''
    <bpmn:startEvent id="S"/>{_step("A", 1)}<bpmn:exclusiveGateway id="X"/>
    {_step("B", 2)}{_step("C", 3)}{_step("D", 4)}<bpmn:endEvent id="E"/>
    {_flow("F1", "S", "A")}{_flow("F2", "A", "X")}
    {_flow("F3", "X", "B", 'jalur == "b"')}{_flow("F4", "X", "C", 'jalur == "c"')}
    {_flow("F5", "B", "D")}{_flow("F6", "C", "D")}{_flow("F8", "D", "E")}''')


def test_a_galat_at_a_dead_join_moves_to_the_version_without_it_and_finishes(
        session, clock, users):
    """The move was refused naming J, D and E as steps "already passed" (SpiffWorkflow
    left the waiting join, and what it predicted after it, on the old version), so the
    Galat could only be cancelled."""
    deploy(session, clock, XML)
    instance = start_instance(session, clock, process_key="sop_buntu", title="Buntu",
                              user=users["Prakom"])
    session.commit()
    for data in ({"jalur": "b"}, {}):
        [task] = _open(session, instance.id)
        complete_task(session, clock, task.id, users["Prakom"], data)
        session.commit()
    assert session.get(ProcessInstance, instance.id).status == "error"
    fixed, _ = deploy(session, clock, FIXED_XML)
    moved = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert (moved.migrated, moved.left, moved.unmovable) == ([instance.id], {}, {})
    retry_instance(session, clock, instance.id, users["admin"])
    session.commit()
    [task] = _open(session, instance.id)
    assert (session.get(ProcessInstance, instance.id).status, task.bpmn_id) == ("running", "D")
    complete_task(session, clock, task.id, users["Prakom"], {})
    session.commit()
    assert session.get(ProcessInstance, instance.id).status == "completed"
