"""A Sekretaris who stands in as Plh. Ketua: a late step of his own is not escalated to
him as Ketua, and a step escalated to him as Sekretaris is not escalated to him again as
Ketua (found by the Sekretaris-month probe)."""

from datetime import timedelta

from sqlalchemy import select

from engine.escalation.notifications import UNREACHED_KIND
from engine.models import AuditRecord, Escalation, Notification, Substitution
from engine.process.deploy import deploy
from engine.process.instances import start_instance
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
    assert ("hanya pemegang langkah itu sendiri yang bertindak sebagai Ketua" in notice.message
            and "Catat Plt" not in notice.message), "no advice he cannot follow"


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
