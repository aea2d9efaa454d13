"""A Sekretaris who stands in as Plh. Ketua: a late step of his own is not escalated to
him as Ketua, and a step escalated to him as Sekretaris is not escalated to him again as
Ketua (found by the Sekretaris-month probe)."""

from datetime import timedelta

from sqlalchemy import select

from engine.escalation.notifications import UNREACHED_KIND
from engine.models import AuditRecord, Escalation, HumanTask, Notification, Substitution
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task
from tests.conftest import mini_bpmn
from tests.engine.escalation.test_timers import fire_due

PRAKOM_LANE = '<bpmn:lane id="Lane_Prakom" name="Prakom">'
KASUBBAG_LANE = '<bpmn:lane id="Lane_Kasubbag" name="Kasubbag">'


def _plh_ketua(session, clock, users) -> None:
    session.add(Substitution(
        kind="Plh", official_id=users["Ketua"].id, substitute_id=users["Sekretaris"].id,
        role="Ketua", warrant_number="W1/123/2026", starts_at=clock.now() - timedelta(hours=1),
        ends_at=clock.now() + timedelta(days=7), created_at=clock.now()))


def _notices(session) -> list[tuple[str, int, int]]:
    return [(n.kind, n.escalation.level, n.user_id)
            for n in session.scalars(select(Notification).order_by(Notification.id))]


def _late(session, clock, users, lanes: dict[str, str], starter: str) -> None:
    deploy(session, clock, mini_bpmn(lanes))
    _plh_ketua(session, clock, users)
    start_instance(session, clock, process_key="sop_uji", title="Konsep", user=users[starter])
    session.commit()
    clock.advance(timedelta(minutes=90))  # levels 1, 2 and 3 of its 30 minutes
    while fire_due(session, clock):
        pass


def test_his_own_unclaimed_step_is_not_escalated_to_him_as_plh_ketua(session, clock, users):
    _late(session, clock, users, {PRAKOM_LANE: PRAKOM_LANE.replace('"Prakom"', '"Sekretaris"')},
          "Sekretaris")
    sekretaris, admin = users["Sekretaris"].id, users["admin"].id
    assert _notices(session) == [("eskalasi", 1, sekretaris), (UNREACHED_KIND, 2, admin)]
    notice = session.scalars(select(Notification).where(Notification.kind == UNREACHED_KIND)).one()
    assert notice.params["alone"] is True
    # He is named, and how he stands in (the supervisor probe: "hanya pemegang langkah itu
    # sendiri" named no one, and "beri peran itu kepada akun lain" when the Ketua exists).
    name = users["Sekretaris"].full_name
    assert (f"{name}, yang mengerjakan langkah itu, sendiri yang bertindak sebagai Ketua (Plh. "
            "Ketua)" in notice.message and "beri tahu pejabat Ketua yang digantikannya, atau "
            "akhiri Plh/Plt itu di halaman Plh/Plt." in notice.message
            and "Catat Plt" not in notice.message), "no advice he cannot follow"
    assert (notice.params["who"], notice.params["who_as"]) == (name, "Plh. Ketua")


def test_a_step_escalated_to_him_as_sekretaris_is_not_escalated_again_as_plh_ketua(
        session, clock, users):
    _late(session, clock, users, {KASUBBAG_LANE: KASUBBAG_LANE.replace('"Kasubbag"', '"Sekretaris"'),
                                  PRAKOM_LANE: PRAKOM_LANE.replace('"Prakom"', '"Kasubbag"')},
          "Kasubbag")
    kasubbag, sekretaris = users["Kasubbag"].id, users["Sekretaris"].id
    assert _notices(session) == [("eskalasi", 1, kasubbag), ("eskalasi", 2, sekretaris)]
    assert sorted(session.scalars(select(Escalation.level))) == [1, 2, 3]
    # The history says why level 3 told no one: he was told at level 2.
    level_3 = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "task.escalated").order_by(AuditRecord.id)).all()[-1].detail
    assert (level_3["level"], level_3["recipients"], level_3["told_before"]) == (
        3, [], ["sekretaris"])


def test_the_reminder_of_a_step_taken_by_an_official_now_away_reaches_his_plh(
        session, clock, users):
    """Found by the inbox probe: the step left half-done by the official on leave reminded
    only him; his Plh, who may take it over, heard nothing."""
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    step = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
    claim_task(session, clock, step.id, users["Prakom"])
    session.add(Substitution(
        kind="Plh", official_id=users["Prakom"].id, substitute_id=users["Panitera"].id,
        role="Prakom", warrant_number="W1/9/2026", starts_at=clock.now(),
        ends_at=clock.now() + timedelta(days=7), created_at=clock.now()))
    session.commit()
    clock.advance(timedelta(minutes=30))
    fire_due(session, clock)
    assert _notices(session) == [("eskalasi", 1, users["Panitera"].id)]


def test_the_reminder_of_a_step_taken_by_one_present_reaches_only_him(session, clock, users):
    deploy(session, clock, mini_bpmn())
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                              user=users["Prakom"])
    step = session.scalar(select(HumanTask).where(HumanTask.instance_id == instance.id))
    claim_task(session, clock, step.id, users["Prakom"])
    session.commit()
    clock.advance(timedelta(minutes=30))
    fire_due(session, clock)
    assert _notices(session) == [("eskalasi", 1, users["Prakom"].id)]
