"""Versions: diff, activation, and moving running instances to a new version in bulk."""

from datetime import timedelta

import pytest
from lxml import etree
from sqlalchemy import select

from engine.bpmn.xml import NS
from engine.errors import InvalidProcess, PermissionDenied
from engine.escalation.timers import fire_instance_timers
from engine.models import AuditRecord, HumanTask, ProcessInstance, Timer
from engine.process.deploy import active_definition, deploy
from engine.process.instances import start_instance
from engine.process.migration_plan import Relaned, plan_migration
from engine.process.tasks import claim_task, complete_task
from engine.process.versions import (
    activate,
    diff_versions,
    history,
    migrate_instances,
)
from engine.runtime.adapter import spec_of
from engine.runtime.migration import MigrationRefused, move_to_spec
from engine.runtime.unit import change
from tests.conftest import BPMN_DIR, MONDAY_0800, mini_bpmn, sop_walks
from tests.engine.process.test_galat_migration import TIMED
from tests.helpers.late import reminded_late

KEY = "penanganan_gangguan_server"
WALK = sop_walks()[KEY]
REMOVED = "Kegiatan_6"


def without_step(xml: bytes, step_id: str) -> bytes:
    """The BPMN with one step (and its timer and escalation) cut out, flows rejoined."""
    root = etree.fromstring(xml)
    process = root.find("bpmn:process", NS)
    flows = process.findall("bpmn:sequenceFlow", NS)
    incoming = next(f for f in flows if f.get("targetRef") == step_id)
    outgoing = next(f for f in flows if f.get("sourceRef") == step_id)
    incoming.set("targetRef", outgoing.get("targetRef"))
    gone = {step_id, outgoing.get("id"), f"Waktu_{step_id}", f"Eskalasi_{step_id}",
            f"Flow_Waktu_{step_id}"}
    for element in list(root.iter()):
        if element.get("id") in gone or element.get("bpmnElement") in gone or (
                element.tag.endswith("flowNodeRef") and element.text in gone):
            element.getparent().remove(element)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _open(session, instance_id):
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance_id,
                                                   HumanTask.state == "open")).one()


@pytest.fixture
def v1(session, clock):
    definition, _ = deploy(session, clock, (BPMN_DIR / f"{KEY}.bpmn").read_bytes())
    session.commit()
    return definition


def test_diff_lists_removed_renamed_moved_and_retimed_steps(session, clock, v1):
    xml = without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), REMOVED).decode()
    xml = xml.replace('name="Mengatasi permasalahan gangguan server"',
                      'name="Mengatasi gangguan server"')
    xml = xml.replace('"PT3H"', '"PT2H"').replace(
        '<spiffworkflow:property name="waktu" value="3 jam"',
        '<spiffworkflow:property name="waktu" value="2 jam"')
    v2, _ = deploy(session, clock, xml.encode(), activate=False, comment="Revisi 2027")
    diff = diff_versions(v1, v2)
    assert diff.removed == [(REMOVED, v1.catalog["tasks"][REMOVED]["name"])]
    assert diff.renamed == [("Kegiatan_2", "Mengatasi permasalahan gangguan server",
                             "Mengatasi gangguan server")]
    assert diff.retimed == [("Kegiatan_2", "Mengatasi gangguan server",
                             {"waktu": "3 jam", "durasi": "3 jam kerja"},
                             {"waktu": "2 jam", "durasi": "2 jam kerja"})]
    assert (diff.added, diff.moved, diff.prefix) == ([], [], None)
    assert active_definition(session, KEY) == v1, "an upload waits for activation"
    v3, _ = deploy(session, clock, (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'name="prefiks_nomor" value="GS"', b'name="prefiks_nomor" value="GSV"'),
        activate=False)
    renumbered = diff_versions(v1, v3)
    assert (renumbered.prefix, renumbered.empty) == (("GS", "GSV"), False)
    assert v2.comment == "Revisi 2027" and not v2.is_active


def test_a_timer_whose_waktu_text_disagrees_is_refused_naming_both(session, clock, v1):
    xml = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(b'"PT3H"', b'"PT2H"')
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, xml, activate=False)
    assert refused.value.problems == [(
        'userTask "Kegiatan_2" (baris 94) "Mengatasi permasalahan gangguan server": Waktu '
        '"3 jam" tidak sama dengan timeDuration "PT2H" pada timernya (2 jam kerja); samakan '
        "keduanya.")]
    assert history(session, KEY, 1, 20).total == 1


def test_previous_version_can_be_reactivated(session, clock, users, v1):
    xml = without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(), REMOVED)
    v2, _ = deploy(session, clock, xml)
    assert active_definition(session, KEY) == v2
    activate(session, clock, KEY, 1, users["admin"])
    assert active_definition(session, KEY) == v1
    assert [v1.is_active, v2.is_active] == [True, False]


def test_fifty_instances_move_to_version_2_with_deadlines_unchanged(session, clock, users, v1):
    instances = []
    for number in range(50):
        clock.advance(timedelta(minutes=7))
        instance = start_instance(session, clock, process_key=KEY, title=f"Gangguan {number}",
                                  user=users["Prakom"])
        for step in WALK[:number % len(WALK)]:
            clock.advance(timedelta(minutes=3))
            complete_task(session, clock, _open(session, instance.id).id, users[step["lane"]],
                          step["data"])
        instances.append(instance.id)
    session.commit()
    before = {i: (_open(session, i).id, _open(session, i).bpmn_id, _open(session, i).due_at)
              for i in instances}
    fire_times = dict(session.execute(select(Timer.human_task_id, Timer.fire_at)).all())

    v2, _ = deploy(session, clock, without_step((BPMN_DIR / f"{KEY}.bpmn").read_bytes(),
                                                REMOVED))
    clock.advance(timedelta(hours=1))  # SpiffWorkflow would restart timers from here
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()

    stuck = [i for i in instances if before[i][1] == REMOVED]
    assert len(stuck) == 7
    assert result.left == {i: [v1.catalog["tasks"][REMOVED]["name"]] for i in stuck}
    assert result.migrated == [i for i in instances if i not in stuck]
    for instance_id in instances:
        version = session.get(ProcessInstance, instance_id).definition.version
        task = _open(session, instance_id)
        assert version == (1 if instance_id in stuck else 2)
        assert (task.id, task.bpmn_id, task.due_at) == before[instance_id], instance_id
    assert dict(session.execute(select(Timer.human_task_id, Timer.fire_at)).all()) == fire_times

    at_step_5 = next(i for i in result.migrated if before[i][1] == "Kegiatan_5")
    complete_task(session, clock, _open(session, at_step_5).id, users["Bidang Terkait"], {})
    assert _open(session, at_step_5).bpmn_id == "Kegiatan_7", "runs on version 2"
    complete_task(session, clock, _open(session, stuck[0]).id, users["Prakom"], {})
    assert _open(session, stuck[0]).bpmn_id == "Kegiatan_7"


def _mini_without_kegiatan_1(replace: dict[str, str] | None = None) -> bytes:
    """The mini SOP (with ``replace`` applied) with its first step (and timer) cut out:
    the start and the revision flow lead to Kegiatan_2."""
    root = etree.fromstring(mini_bpmn(replace))
    gone = {"Kegiatan_1", "Waktu_Kegiatan_1", "Eskalasi_Kegiatan_1", "Flow_2", "Flow_W1"}
    for element in list(root.iter()):
        if element.get("id") in gone or (element.tag.endswith("flowNodeRef")
                                         and element.text in gone):
            element.getparent().remove(element)
        elif element.get("targetRef") == "Kegiatan_1":
            element.set("targetRef", "Kegiatan_2")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _at_kegiatan_2(session, clock, users) -> ProcessInstance:
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    complete_task(session, clock, _open(session, instance.id).id, users["Prakom"], {})
    session.commit()
    return instance


def _finish(session, clock, users, instance_id: int) -> None:
    task = _open(session, instance_id)
    complete_task(session, clock, task.id, users[task.role], {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert session.get(ProcessInstance, instance_id).status == "completed"


def test_an_instance_past_a_removed_step_stays_on_its_version_and_can_still_finish(
        session, clock, users):
    instance = _at_kegiatan_2(session, clock, users)
    v2, _ = deploy(session, clock, _mini_without_kegiatan_1())
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    assert result.unmovable == {instance.id: (
        'langkah yang sudah dilalui proses ini tidak ada di versi baru: "Menyusun konsep"; '
        "proses tetap di versinya")}
    assert session.get(ProcessInstance, instance.id).definition.version == 1
    _finish(session, clock, users, instance.id)


def test_a_removed_step_before_an_open_step_with_a_timer_does_not_keep_it_on_its_version(
        session, clock, users):
    """README "Mendeploy SOP": the engine holds only the open step's timer split, not the
    step before it, so SpiffWorkflow moves the process and it runs on the new version."""
    deploy(session, clock, mini_bpmn(TIMED))
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    complete_task(session, clock, _open(session, instance.id).id, users["Prakom"], {})
    session.commit()
    v2, _ = deploy(session, clock, _mini_without_kegiatan_1(TIMED))
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    assert (result.migrated, result.unmovable) == ([instance.id], {})
    assert session.get(ProcessInstance, instance.id).definition.version == 2
    _finish(session, clock, users, instance.id)


def test_an_open_step_that_gains_a_timer_finishes_on_its_version(session, clock, users):
    instance = _at_kegiatan_2(session, clock, users)
    at_first = start_instance(session, clock, process_key="sop_uji", title="Draf",
                              user=users["Prakom"])
    v2, _ = deploy(session, clock, mini_bpmn(TIMED))
    # The dry run says so: the step that gains a timer keeps it; the other one moves.
    plan = plan_migration(session, v2)
    assert [(p.instance_id, p.missing, p.retimed) for p in plan.staying] == [
        (instance.id, [], ["Memeriksa konsep"])]
    assert [p.instance_id for p in plan.moving] == [at_first.id]
    assert (plan.moving_total, plan.staying_total) == (1, 1)
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    assert result.migrated == [at_first.id]
    assert result.names == {instance.id: f"{instance.number} Konsep",
                            at_first.id: f"{at_first.number} Draf"}
    # Left on its version as the dry run said, not "could not be moved".
    assert (result.left, result.unmovable) == ({instance.id: ["Memeriksa konsep (timer berubah)"]},
                                               {})
    # Should a step's timer change reach SpiffWorkflow anyway, the move refuses it.
    with pytest.raises(MigrationRefused) as refused, change(session, clock, instance.id) as unit:
        move_to_spec(unit.workflow, spec_of(v2), {})
    assert str(refused.value) == (
        'langkah yang sedang terbuka mendapat atau kehilangan timer di versi baru: '
        '"Memeriksa konsep"; proses tetap di versinya dan dapat dipindahkan sesudah langkah '
        "itu selesai")
    session.rollback()
    _finish(session, clock, users, instance.id)


def _claimed_then_moved_to_prakom(session, clock, users):
    """An instance at Kegiatan_2 taken by the Kasubbag, and version 2 putting that step in
    the Prakom lane."""
    instance = _at_kegiatan_2(session, clock, users)
    claim_task(session, clock, _open(session, instance.id).id, users["Kasubbag"])
    session.commit()
    v2, _ = deploy(session, clock, mini_bpmn({
        "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>\n": "",
        "<bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>":
            "<bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>"}))
    return instance, v2


def test_an_open_step_moved_to_another_lane_is_released_to_that_lane(session, clock, users):
    instance, v2 = _claimed_then_moved_to_prakom(session, clock, users)
    [planned] = plan_migration(session, v2).moving
    assert (planned.missing, planned.relaned) == ([], [Relaned(
        "Memeriksa konsep", "Kasubbag", "Prakom", users["Kasubbag"].full_name)])
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    assert result.migrated == [instance.id]
    task = _open(session, instance.id)
    assert (task.role, task.claimed_by_id, task.claimed_at) == ("Prakom", None, None)
    complete_task(session, clock, task.id, users["Prakom"], {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert session.get(ProcessInstance, instance.id).status == "completed"


def test_the_holder_a_move_released_is_told_why_he_may_no_longer_act(session, clock, users):
    """Found by the SOP revision probe: the Kasubbag who took the step, his page still open,
    was only told the step belongs to another role."""
    instance, v2 = _claimed_then_moved_to_prakom(session, clock, users)
    migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    task_id = _open(session, instance.id).id
    said = {}
    for role in ("Kasubbag", "Sekretaris"):
        with pytest.raises(PermissionDenied) as refused:
            complete_task(session, clock, task_id, users[role], {})
        session.rollback()
        said[role] = str(refused.value)
    plain = 'Tugas "Memeriksa konsep" dikerjakan oleh peran Prakom; Anda tidak memegang peran itu'
    assert said == {
        "Kasubbag": f"{plain}: SOP-nya direvisi dan langkah ini dilepas dari Anda (dipindahkan "
                    "ke versi 2, Pelaksana langkahnya berubah).",
        "Sekretaris": f"{plain}."}, "only its holder was released"


def test_a_claim_released_by_a_move_is_in_the_history_naming_its_holder(
        session, clock, users):
    instance, v2 = _claimed_then_moved_to_prakom(session, clock, users)
    task_id = _open(session, instance.id).id
    migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    released = session.scalars(select(AuditRecord).where(
        AuditRecord.instance_id == instance.id, AuditRecord.action == "task.released")).all()
    assert [(r.actor_id, r.human_task_id, r.detail) for r in released] == [
        (users["admin"].id, task_id, {"holder": users["Kasubbag"].username,
                                      "reason": "dipindahkan ke versi 2, lane berubah",
                                      "lane": "Prakom", "moved": 2,
                                      "step": "Memeriksa konsep"})]
    last = session.scalars(select(AuditRecord.action).where(
        AuditRecord.instance_id == instance.id).order_by(AuditRecord.id.desc()).limit(2)).all()
    assert last == ["instance.migrated", "task.released"]


def test_a_retimed_step_counts_its_new_waktu_from_its_start_but_a_late_one_no_later(
        session, clock, users):
    """A step not yet late takes the new Waktu from its start. One already reminded as late
    keeps a deadline no later than it had: its level 2 is scheduled from that deadline, and
    a longer Waktu would make it "not late" while its supervisor is told it is."""
    deploy(session, clock, mini_bpmn())
    late = start_instance(session, clock, process_key="sop_uji", title="Terlambat",
                          user=users["Prakom"])
    clock.advance(timedelta(minutes=40))
    waiting = start_instance(session, clock, process_key="sop_uji", title="Belum terlambat",
                             user=users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=5))  # 08.45: Kegiatan_1 of "Terlambat" was due 08.30
    assert fire_instance_timers(session, clock, late.id) == 1
    session.commit()
    v2, _ = deploy(session, clock, mini_bpmn({
        '<spiffworkflow:property name="waktu" value="30 menit" />':
            '<spiffworkflow:property name="waktu" value="1 jam" />',
        '"PT30M"': '"PT1H"'}))
    result = migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    assert result.migrated == [late.id, waiting.id]
    assert _open(session, waiting.id).due_at == MONDAY_0800 + timedelta(minutes=100)
    assert _open(session, waiting.id).duration == "PT1H"
    assert _open(session, late.id).due_at == MONDAY_0800 + timedelta(minutes=30)
    [level_2] = session.scalars(select(Timer).where(Timer.instance_id == late.id)).all()
    assert level_2.level == 2, "level 1 was raised: it is not armed again"
    assert level_2.fire_at == MONDAY_0800 + timedelta(minutes=90), (
        "level 2 counts one new Waktu (1 jam) on from the kept deadline, not the old 30 menit")


def test_a_scheduled_level_2_is_dropped_when_the_new_lane_has_no_supervisor(
        session, clock, users):
    late = reminded_late(session, clock, users)
    assert session.scalars(select(Timer.level).where(Timer.instance_id == late.id)).all() == [2]
    step = ("<bpmn:flowNodeRef>Kegiatan_1</bpmn:flowNodeRef>\n"
            "        <bpmn:flowNodeRef>Waktu_Kegiatan_1</bpmn:flowNodeRef>\n"
            "        <bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>\n")
    v2, _ = deploy(session, clock, mini_bpmn({
        step: "", '<bpmn:lane id="Lane_Kasubbag"':
            f'<bpmn:lane id="Lane_Ketua" name="Ketua">{step}</bpmn:lane>'
            '<bpmn:lane id="Lane_Kasubbag"'}))
    assert migrate_instances(session, clock, v2, users["admin"]).migrated == [late.id]
    session.commit()
    assert _open(session, late.id).role == "Ketua"
    assert session.scalars(select(Timer).where(Timer.instance_id == late.id)).all() == [], (
        "the Ketua has no supervisor: no level 2 is left to fire")


@pytest.mark.parametrize(("waktu", "timer"), [("1,5 jam", '"PT5H"'), ("1 jam 30 menit", '"P3D"')])
def test_a_waktu_with_decimals_or_several_units_is_compared_with_its_timer(session, clock, v1,
                                                                          waktu, timer):
    xml = (BPMN_DIR / f"{KEY}.bpmn").read_bytes().replace(
        b'name="waktu" value="3 jam"', f'name="waktu" value="{waktu}"'.encode()).replace(
        b'"PT3H"', timer.encode())
    with pytest.raises(InvalidProcess) as refused:
        deploy(session, clock, xml, activate=False)
    assert f'Waktu "{waktu}" tidak sama dengan timeDuration {timer}' in refused.value.message
    agreeing = xml.replace(timer.encode(), b'"PT90M"')
    assert deploy(session, clock, agreeing, activate=False)[0].version == 2


def test_the_holder_of_a_renamed_lane_is_told_why_though_he_holds_no_lane_now(
        session, clock, users):
    """The commonest revision: his lane renamed, he holds no lane of the SOP at all (the
    API and the step's form said only "Anda tidak memegang peran tugas ini")."""
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    task_id = _open(session, instance.id).id
    claim_task(session, clock, task_id, users["Prakom"])
    session.commit()
    v2, _ = deploy(session, clock, mini_bpmn({'name="Prakom"': 'name="Sekretaris"'}))
    migrate_instances(session, clock, v2, users["admin"])
    session.commit()
    with pytest.raises(PermissionDenied) as refused:
        complete_task(session, clock, task_id, users["Prakom"], {})
    assert str(refused.value) == (
        'Tugas "Menyusun konsep" dikerjakan oleh peran Sekretaris; Anda tidak memegang peran '
        "itu: SOP-nya direvisi dan langkah ini dilepas dari Anda (dipindahkan ke versi 2, "
        "Pelaksana langkahnya berubah).")
