"""A user's notification page: one filtered page in a bounded number of statements that read
no saved workflow state, the total of all that match, and the level of each escalation."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select

from engine import settings
from engine.escalation import notifications, task_notices
from engine.escalation.timers import fire_round
from engine.models import AuditRecord, Delivery, HumanTask, Notification, User, UserRole
from engine.people.accounts import set_new_task_notices
from engine.people.substitution import record
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import mini_bpmn


def _escalate(session, clock, users, levels: int) -> None:
    """Start the mini SOP (deployed) as Prakom and let its first step (30 minutes) run
    past ``levels`` multiples of its standard, the timer loop firing each level."""
    start_instance(session, clock, process_key="sop_uji", title="Konsep surat",
                   user=users["Prakom"])
    session.commit()
    for _ in range(levels):
        clock.advance(timedelta(minutes=30))
        fire_round(session, clock, lambda instance_id, error: session.commit())


@pytest.fixture
def escalated(session, clock, users):
    """One mini SOP step (30 minutes, Prakom) at 3x its standard: levels 1, 2 and 3."""
    deploy(session, clock, mini_bpmn())
    _escalate(session, clock, users, 3)
    return users


def test_page_reads_few_statements_and_no_saved_state(session, escalated):
    prakom = escalated["Prakom"]
    assert prakom.id  # loaded before counting
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", record)
    try:
        items, total = notifications.page_for_user(session, prakom, per_page=10)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert (total, [(i.kind, i.level, i.task_name) for i in items]) == (
        1, [("eskalasi", 1, items[0].task_name)])
    assert items[0].instance_title == "Konsep surat" and items[0].task_state == "open"
    assert len(seen) <= 3
    assert not [s for s in seen if "state_json" in s or "bpmn_xml" in s or "spec_json" in s]


def test_kind_filters_tell_the_reminder_from_the_escalation(session, escalated):
    kasubbag = escalated["Kasubbag"]
    assert notifications.page_for_user(session, kasubbag, kind="eskalasi")[1] == 1
    assert notifications.page_for_user(session, kasubbag, kind="pengingat")[1] == 0
    assert notifications.page_for_user(session, escalated["Prakom"], kind="pengingat")[1] == 1
    assert notifications.page_for_user(session, kasubbag, process_key="sop_uji")[1] == 1
    assert notifications.page_for_user(session, kasubbag, process_key="lain")[1] == 0


def test_bad_kind_or_page_size_is_refused(session, escalated):
    for kwargs in ({"kind": "semua"}, {"per_page": 101}, {"per_page": 0}, {"page": 0}):
        with pytest.raises(ValueError):
            notifications.page_for_user(session, escalated["Prakom"], **kwargs)


def test_old_rows_without_parameters_are_listed(session, clock, escalated):
    session.add(Notification(user_id=escalated["Prakom"].id, kind="penugasan", role="Prakom",
                             message="lama", created_at=clock.now()))
    session.flush()
    items, total = notifications.page_for_user(session, escalated["Prakom"])
    assert total == 2 and items[0].params is None and items[0].task_state is None


def test_an_escalation_reaches_the_plh_of_an_away_holder_and_no_disabled_account(
        session, clock, users):
    deploy(session, clock, mini_bpmn())
    retired = User(username="kasubbag_lama", full_name="Kasubbag Lama", password_hash="-",
                   created_at=clock.now(), roles=[UserRole(role="Kasubbag")], is_disabled=True)
    session.add(retired)
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Panitera"],
           role="Kasubbag", warrant_number="SPRIN/1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    _escalate(session, clock, users, 2)
    level_2 = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "task.escalated")).all()[-1].detail
    assert (level_2["level"], level_2["recipients"]) == (2, ["panitera"])
    assert session.scalars(select(Notification.user_id).where(
        Notification.role == "Kasubbag")).all() == [users["Panitera"].id]


def test_new_task_notices_of_an_away_official_go_to_his_plh(session, clock, users, review):
    """The same rule as escalations: the official's new steps land in the Plh's inbox, so
    the Plh who asked gets the notice (asking after the Plh was recorded, too), not him."""
    task_notices.listen()
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Panitera"],
           role="Kasubbag", warrant_number="SPRIN/2", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    for role in ("Panitera", "Kasubbag"):
        set_new_task_notices(session, clock, users[role], True)
    complete_task(session, clock, review.id, users["Kasubbag"],
                  {"keputusan_kasubbag": "revisi", "catatan": "lengkapi data"})
    revision = session.scalars(select(HumanTask).where(HumanTask.state == "open")).one()
    complete_task(session, clock, revision.id, users["Prakom"], {"catatan": "sudah direvisi"})
    session.commit()
    assert session.scalars(select(Notification.user_id).where(
        Notification.kind == "tugas_baru")).all() == [users["Panitera"].id]


def test_escalation_mails_name_level_case_deadline_holder_and_capacity(session, clock, users):
    """Three cases late at the same step gave three identical subjects ("[Alur] Eskalasi
    tingkat 1: <step>") and a body without deadline, holder or capacity."""
    deploy(session, clock, mini_bpmn())
    settings.put(session, "smtp", {**settings.get(session, "smtp"), "host": "127.0.0.1"})
    for user in users.values():
        user.email = f"{user.username}@pn.go.id"
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Panitera"],
           role="Kasubbag", warrant_number="SPRIN/1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    _escalate(session, clock, users, 2)
    mails = {d.recipient: d for d in session.scalars(select(Delivery))}
    [task] = session.scalars(select(HumanTask)).all()
    case = f'{task.instance.number} "Konsep surat"'
    assert task.instance.number
    assert mails["prakom@pn.go.id"].subject == f"[Alur] Pengingat: {case} — {task.name}"
    assert mails["panitera@pn.go.id"].subject == (
        f"[Alur] Eskalasi ke atasan (tingkat 2): {case} — {task.name}")
    assert mails["prakom@pn.go.id"].body.splitlines() == [
        f'Langkah "{task.name}" pada {case} ({task.instance.definition.name}) melewati '
        + "batas waktu.", "", "Batas waktu: 23 Nov 2026 08.30 WIB",
        "Dipegang: belum diambil (peran Prakom)", "Anda menerima surel ini sebagai Prakom.",
        "Yang diminta: selesaikan langkah ini; bila Anda tidak dapat, beri tahu atasan Anda "
        "agar dialihkan.", "", f"Buka langkah: /tugas/{task.id}"]
    body = mails["panitera@pn.go.id"].body
    assert body.startswith(f'Untuk Kasubbag (tingkat 2): langkah "{task.name}" pada {case}')
    # How late it is when it goes up, beside the deadline (the e-mail probe: only the
    # deadline was given); the reminder at the deadline itself says none.
    assert "\nBatas waktu: 23 Nov 2026 08.30 WIB (terlambat 30 menit kerja)\n" in body
    # No one took it: no holder to ask (the Plh/escalation probe), as the step's page says.
    assert "Anda menerima surel ini sebagai Plh. Kasubbag.\nYang diminta: langkah ini belum " \
        "diambil siapa pun; alihkan kepada salah satu pemegang perannya" in body
    task.claimed_by_id = users["Prakom"].id  # taken: his supervisors ask him what holds it
    clock.advance(timedelta(minutes=30))
    fire_round(session, clock, lambda instance_id, error: session.commit())
    [third] = session.scalars(select(Delivery).where(Delivery.subject.contains("tingkat 3")))
    assert "\nBatas waktu: 23 Nov 2026 08.30 WIB (terlambat 1 jam kerja)\n" in third.body
    assert "\nYang diminta: tanyakan kendalanya kepada pemegangnya, atau alihkan" in third.body
    # The centre says it too: the Plh's notice carries his capacity, the holder's none.
    params = dict(session.execute(select(Notification.user_id, Notification.params)).all())
    assert params[users["Panitera"].id]["as"] == "Plh. Kasubbag"
    # The record says so too: Riwayat names the capacity beside the recipient.
    escalated = session.scalars(select(AuditRecord.detail).where(
        AuditRecord.action == "task.escalated").order_by(AuditRecord.id)).all()
    assert [record.get("acting") for record in escalated] == [
        None, {users["Panitera"].username: "Plh. Kasubbag"}, None]
    assert "as" not in params[users["Prakom"].id]
