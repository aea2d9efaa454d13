"""The engine step cap and the Galat state: a runaway loop stops with a clear error, the
instance waits for an administrator, who retries it after fixing the SOP, or cancels it."""

from datetime import timedelta

import pytest
from SpiffWorkflow.util.task import TaskState
from sqlalchemy import select

from engine.bpmn import flow, validation
from engine.clock import ManualClock
from engine.errors import InstanceEnded, PermissionDenied, ProcessFailure, TaskNotOpen
from engine.escalation.incidents import failed_page, mark_failed, retry_instance
from engine.escalation.timers import due_instances, fire_instance_timers
from engine.models import AuditRecord, HumanTask, Notification, ProcessInstance, Timer
from engine.process.deploy import deploy
from engine.process.instances import cancel_instance, start_instance
from engine.process.tasks import claim_task, complete_task, inbox
from engine.process.versions import migrate_instances
from engine.runtime.adapter import (
    MAX_ENGINE_STEPS,
    load_state,
    new_workflow,
    parse_spec,
    run_engine,
    spec_from_json,
)
from engine.time.calendar import DEFAULT_CALENDAR
from tests.conftest import MONDAY_0800, mini_bpmn
from tests.helpers.rows import count

LANE = '<bpmn:flowNodeRef>Gateway_2</bpmn:flowNodeRef>'
# Start -> Gateway_2; "lanjut" -> Kegiatan_1 -> Kegiatan_2 -> Gateway_2; "revisi" goes to
# Gateway_3, which leads back to Gateway_2: with "revisi" the token circles the two
# gateways and never reaches a user task. Uploads now refuse it (a loop of gateways only),
# but a version deployed before runs on: ``deployed_before_the_gateway_loop_check``.
RUNAWAY = {
    'sourceRef="Gateway_2" targetRef="Kegiatan_1">': 'sourceRef="Gateway_2" targetRef="Gateway_3">',
    LANE: LANE + '<bpmn:flowNodeRef>Gateway_3</bpmn:flowNodeRef>',
    'targetRef="Kegiatan_1" />': 'targetRef="Gateway_2" />',
    '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
        '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />'
        '<bpmn:exclusiveGateway id="Gateway_3" name="Catat revisi" />'
        '<bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_3" targetRef="Gateway_2" />'
        '<bpmn:sequenceFlow id="Flow_7" name="Lanjut" sourceRef="Gateway_2" '
        'targetRef="Kegiatan_1"><bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">'
        'keputusan_kasubbag == "lanjut"</bpmn:conditionExpression></bpmn:sequenceFlow>',
}
# Version 2 fixes it: Gateway_3 sends the concept back to Kegiatan_1.
FIXED = {**RUNAWAY, '<bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_3" targetRef="Gateway_2" />':
         '<bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_3" targetRef="Kegiatan_1" />'}


@pytest.fixture(autouse=True)
def deployed_before_the_gateway_loop_check(monkeypatch):
    """RUNAWAY as a version deployed before uploads refused a loop of gateways only
    (``engine.bpmn.flow``): such versions run on, and Galat is what stops them."""
    monkeypatch.setattr(flow, "_check_gateway_loops", lambda nodes, edges: iter(()))


def _runaway(text: dict) -> bytes:
    """``mini_bpmn`` with the replacements applied in order (a later one may edit an earlier)."""
    source = mini_bpmn().decode()
    for old, new in text.items():
        assert old in source, old
        source = source.replace(old, new, 1)
    return source.encode()


@pytest.fixture
def galat(session, clock, users):
    """An instance whose Kasubbag sent the concept for revision into the runaway loop."""
    deploy(session, clock, _runaway(RUNAWAY))
    instance = start_instance(session, clock, process_key="sop_uji", title="Surat edaran",
                              user=users["Prakom"], data={"keputusan_kasubbag": "lanjut"})
    session.commit()
    _complete(session, clock, users, "Kegiatan_1", {})
    _complete(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "revisi",
                                                        "catatan": "Perbaiki konsep"})
    return instance


def _complete(session, clock, users, bpmn_id, data):
    task = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    assert task.bpmn_id == bpmn_id
    complete_task(session, clock, task.id, users[task.role], data)
    session.commit()
    return task


def test_a_runaway_at_start_is_refused_and_nothing_is_stored(session, clock, users):
    deploy(session, clock, _runaway(RUNAWAY))
    session.commit()
    with pytest.raises(ProcessFailure) as refused:
        start_instance(session, clock, process_key="sop_uji", title="Langsung berputar",
                       user=users["Prakom"], data={"keputusan_kasubbag": "revisi"})
    assert refused.value.element in ("Gateway_2", "Gateway_3")
    assert f"setelah {MAX_ENGINE_STEPS} langkah otomatis" in refused.value.message
    assert not session.new  # nothing was added, before any rollback
    session.rollback()
    assert count(session, ProcessInstance) == 0


def test_a_parallel_gateway_reentered_in_a_loop_stops_at_the_cap():
    """Start -> Gateway_P -> (Kegiatan_1, Gateway_3 -> Gateway_P): every pass adds a token."""
    spec = parse_spec(mini_bpmn({
        'sourceRef="StartEvent_1" targetRef="Kegiatan_1" />':
            'sourceRef="StartEvent_1" targetRef="Gateway_P" />'
            '<bpmn:sequenceFlow id="Flow_P1" sourceRef="Gateway_P" targetRef="Kegiatan_1" />'
            '<bpmn:sequenceFlow id="Flow_P2" sourceRef="Gateway_P" targetRef="Gateway_3" />'
            '<bpmn:sequenceFlow id="Flow_6" sourceRef="Gateway_3" targetRef="Gateway_P" />',
        '<bpmn:endEvent id="EndEvent_1" name="Selesai" />':
            '<bpmn:endEvent id="EndEvent_1" name="Selesai" /><bpmn:parallelGateway '
            'id="Gateway_P" /><bpmn:exclusiveGateway id="Gateway_3" />'}), "sop_uji")
    workflow = new_workflow(spec, ManualClock(MONDAY_0800), DEFAULT_CALENDAR)
    with pytest.raises(ProcessFailure) as stopped:
        run_engine(workflow)
    assert stopped.value.element in ("Gateway_P", "Gateway_3")


def test_a_runaway_after_a_step_puts_the_instance_in_galat(session, clock, users, galat):
    instance = session.get(ProcessInstance, galat.id)
    assert instance.status == "error"
    assert instance.error_element in ("Gateway_2", "Gateway_3")
    assert f"setelah {MAX_ENGINE_STEPS} langkah otomatis" in instance.error_message
    assert instance.failed_at == clock.now()
    # The Kasubbag's decision is kept: the step is done, nothing else is open.
    rows = session.scalars(select(HumanTask).order_by(HumanTask.id)).all()
    assert [(t.bpmn_id, t.state) for t in rows] == [("Kegiatan_1", "completed"),
                                                   ("Kegiatan_2", "completed")]
    # So is the workflow stored: the token waits at the gateway after it, with the decision.
    workflow = load_state(instance.state_json, spec_from_json(instance.definition.spec_json),
                          clock, DEFAULT_CALENDAR)
    assert [(t.task_spec.bpmn_id, t.data["keputusan_kasubbag"])
            for t in workflow.get_tasks(state=TaskState.READY)] == [("Gateway_2", "revisi")]
    assert failed_page(session, 1, 20).items == [instance]
    assert count(session, AuditRecord, AuditRecord.action == "instance.failed") == 1
    notified = session.scalars(select(Notification).where(Notification.kind == "galat")).all()
    assert [n.user_id for n in notified] == [users["admin"].id]
    assert "Surat edaran" in notified[0].message


def test_a_galat_instance_leaves_the_due_list_and_the_inbox(session, clock, users):
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=31))
    assert due_instances(session, clock) == [instance.id]
    assert mark_failed(session, clock, instance.id, "Pengatur waktu gagal: uji")
    session.commit()
    assert due_instances(session, clock) == []
    assert fire_instance_timers(session, clock, instance.id) == 0
    assert inbox(session, clock, users["Prakom"]) == []
    assert not mark_failed(session, clock, instance.id, "lagi")  # notified once
    assert count(session, Notification, Notification.kind == "galat") == 1
    task = session.scalars(select(HumanTask)).one()
    for act in (lambda: complete_task(session, clock, task.id, users["Prakom"], {}),
                lambda: claim_task(session, clock, task.id, users["Prakom"])):
        with pytest.raises(TaskNotOpen, match="berhenti karena galat"):
            act()
        session.rollback()
    assert task.claimed_by_id is None
    assert count(session, AuditRecord, AuditRecord.action == "task.claimed") == 0
    retry_instance(session, clock, instance.id, users["admin"])
    session.commit()
    assert instance.status == "running"
    assert count(session, Timer) == 1 and task.state == "open"
    assert count(session, Notification, Notification.kind == "eskalasi") == 1


class _Ticking:
    """A clock one microsecond later at each reading, as the system's clock is."""

    def __init__(self, clock: ManualClock) -> None:
        self.clock = clock

    def now(self):
        return self.clock.advance(timedelta(microseconds=1))


def test_retry_fails_again_until_the_sop_is_fixed_then_runs_on(session, clock, users, galat):
    retry_instance(session, _Ticking(clock), galat.id, users["admin"])
    session.commit()
    assert galat.status == "error"
    # Riwayat (by time) says the retry, then that it stopped again: never the other way.
    last = session.scalars(select(AuditRecord.action).where(
        AuditRecord.instance_id == galat.id).order_by(AuditRecord.at.desc(),
                                                      AuditRecord.id.desc()).limit(2)).all()
    assert last == ["instance.failed", "instance.retried"]
    assert count(session, Notification, Notification.kind == "galat") == 2
    fixed, _ = deploy(session, clock, _runaway(FIXED))
    result = migrate_instances(session, clock, fixed, users["admin"])
    session.commit()
    assert result.migrated == [galat.id]
    assert galat.definition.version == 2 and galat.status == "error"
    retry_instance(session, clock, galat.id, users["admin"])
    session.commit()
    assert (galat.status, galat.error_message, galat.error_element) == ("running", None, None)
    _complete(session, clock, users, "Kegiatan_1", {})
    _complete(session, clock, users, "Kegiatan_2", {"keputusan_kasubbag": "setuju",
                                                    "catatan": "Sudah benar"})
    assert galat.status == "completed"
    actions = session.scalars(select(AuditRecord.action).where(
        AuditRecord.instance_id == galat.id).order_by(AuditRecord.id)).all()
    assert actions.count("instance.retried") == 2
    assert actions[-1] == "instance.completed"


def test_only_administrators_retry_and_cancel(session, clock, users, galat):
    with pytest.raises(PermissionDenied):
        retry_instance(session, clock, galat.id, users["Kasubbag"])
    with pytest.raises(PermissionDenied):
        cancel_instance(session, clock, galat.id, users["Kasubbag"], "salah alur")
    assert galat.status == "error"


def test_cancel_closes_steps_and_timers_and_is_audited(session, clock, users):
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Batal",
                              user=users["Prakom"])
    session.commit()
    cancel_instance(session, clock, instance.id, users["admin"], "Surat ditarik")
    session.commit()
    assert (instance.status, instance.completed_at) == ("cancelled", clock.now())
    assert [t.state for t in session.scalars(select(HumanTask))] == ["cancelled"]
    assert count(session, Timer) == 0
    record = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "instance.cancelled")).one()
    assert record.detail == {"reason": "Surat ditarik", "dropped_messages": 0}
    with pytest.raises(InstanceEnded):
        cancel_instance(session, clock, instance.id, users["admin"], "lagi")
    with pytest.raises(TaskNotOpen):
        retry_instance(session, clock, instance.id, users["admin"])


# A time standard whose branch circles two gateways: the timer's engine run is the
# runaway. The upload check now refuses a timer path that does not end at once in an
# escalation end event; a version deployed before that check may still carry one.
TIMER_RUNAWAY = {
    LANE: LANE + '<bpmn:flowNodeRef>Gateway_4</bpmn:flowNodeRef>'
                 '<bpmn:flowNodeRef>Gateway_5</bpmn:flowNodeRef>',
    '<bpmn:sequenceFlow id="Flow_W1" sourceRef="Waktu_Kegiatan_1" '
    'targetRef="Eskalasi_Kegiatan_1" />':
        '<bpmn:sequenceFlow id="Flow_W1" sourceRef="Waktu_Kegiatan_1" targetRef="Gateway_4" />'
        '<bpmn:exclusiveGateway id="Gateway_4" default="Flow_W2" />'
        '<bpmn:exclusiveGateway id="Gateway_5" />'
        '<bpmn:sequenceFlow id="Flow_W2" sourceRef="Gateway_4" targetRef="Gateway_5" />'
        '<bpmn:sequenceFlow id="Flow_W3" sourceRef="Gateway_5" targetRef="Gateway_4" />'
        '<bpmn:sequenceFlow id="Flow_W4" sourceRef="Gateway_4" targetRef="Eskalasi_Kegiatan_1">'
        '<bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">keputusan_kasubbag == '
        '"selesai"</bpmn:conditionExpression></bpmn:sequenceFlow>',
}


def test_a_timer_whose_run_fails_puts_the_instance_in_galat_once(session, clock, users,
                                                                  monkeypatch):
    monkeypatch.setattr(validation, "_check_timer_paths", lambda *_: iter(()))
    deploy(session, clock, _runaway(TIMER_RUNAWAY))
    instance = start_instance(session, clock, process_key="sop_uji", title="Terlambat",
                              user=users["Prakom"])
    session.commit()
    timer = session.scalars(select(Timer)).one()
    clock.set(timer.fire_at)
    assert fire_instance_timers(session, clock, instance.id) == 0
    session.commit()
    assert instance.status == "error"
    assert instance.error_element in ("Gateway_4", "Gateway_5")
    # Back to before the timer: the step is still open, its timer still there.
    assert session.scalars(select(HumanTask.state)).all() == ["open"]
    assert count(session, Timer) == 1
    assert due_instances(session, clock) == []
    assert count(session, Notification, Notification.kind == "galat") == 1


def test_a_timer_whose_expression_fails_at_start_is_named(session, clock, users):
    """Found by the engine probe: the refusal said "gagal pada mesin proses"; the
    administrator is told which timer to fix."""
    deploy(session, clock, mini_bpmn({
        '"PT30M"': '"PT1M" if jumlah &gt; 5 else "PT2M"',
        '<spiffworkflow:property name="waktu" value="30 menit" />':
            '<spiffworkflow:property name="waktu" value="Relatif" />'}))
    with pytest.raises(ProcessFailure) as refused:
        start_instance(session, clock, process_key="sop_uji", title="Uji", user=users["Prakom"],
                       data={"jumlah": "7"})
    assert refused.value.element == "Waktu_Kegiatan_1"
    assert str(refused.value).startswith(
        'Timer batas waktu langkah "Menyusun konsep" (Waktu_Kegiatan_1) gagal dijalankan: '
        'kondisi membandingkan teks "7" dengan angka 5 (>)')


def test_a_timer_whose_expression_fails_after_a_step_puts_the_process_in_galat_naming_it(
        session, clock, users):
    """The same failure after a completion: Galat names the timer once, not a failure
    wrapped in another ("ProcessFailure: Elemen …")."""
    deploy(session, clock, mini_bpmn({
        "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>":
            "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>Waktu_2</bpmn:flowNodeRef><bpmn:flowNodeRef>Eskalasi_2"
            "</bpmn:flowNodeRef>",
        '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />':
            '<bpmn:exclusiveGateway id="Gateway_2" name="Ada revisi?" />'
            '<bpmn:boundaryEvent id="Waktu_2" cancelActivity="false" attachedToRef="Kegiatan_2">'
            '<bpmn:timerEventDefinition><bpmn:timeDuration xsi:type="bpmn:tFormalExpression">'
            '"PT1M" if jumlah &gt; 5 else "PT2M"</bpmn:timeDuration></bpmn:timerEventDefinition>'
            '</bpmn:boundaryEvent><bpmn:endEvent id="Eskalasi_2"><bpmn:escalationEventDefinition '
            'escalationRef="Escalation_Waktu" /></bpmn:endEvent><bpmn:sequenceFlow id="Flow_W2" '
            'sourceRef="Waktu_2" targetRef="Eskalasi_2" />'}))
    instance = start_instance(session, clock, process_key="sop_uji", title="Uji",
                              user=users["Prakom"], data={"jumlah": "7"})
    session.commit()
    _complete(session, clock, users, "Kegiatan_1", {})
    session.refresh(instance)
    assert (instance.status, instance.error_element) == ("error", "Waktu_2")
    assert instance.error_message.startswith(
        'Timer batas waktu langkah "Memeriksa konsep" (Waktu_2) gagal dijalankan: kondisi '
        'membandingkan teks "7"')
