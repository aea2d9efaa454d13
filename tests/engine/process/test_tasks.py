"""Completing a step: only when open, only by the lane's role, only with valid data."""

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.bpmn.catalog import checklist_field
from engine.errors import InvalidTaskData, PermissionDenied, TaskNotOpen
from engine.models import AuditRecord, HumanTask, Notification, User
from engine.people.substitution import record
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import (
    assign_task,
    claim_task,
    complete_task,
    inbox,
    release_task,
    task_entry,
)
from tests.conftest import mini_bpmn
from tests.helpers.people import add_user
from tests.helpers.rows import count


def _snapshot(session, task):
    session.expire_all()
    return (task.instance.state_json, task.state, task.claimed_by_id,
            count(session, AuditRecord))


def test_prakom_cannot_complete_a_kasubbag_step(session, clock, users, review):
    before = _snapshot(session, review)
    with pytest.raises(PermissionDenied, match="Kasubbag"):
        complete_task(session, clock, review.id, users["Prakom"], {"keputusan_kasubbag": "setuju"})
    session.rollback()
    assert _snapshot(session, review) == before


def test_completing_twice_is_refused(session, clock, users, review):
    complete_task(session, clock, review.id, users["Kasubbag"], {"keputusan_kasubbag": "setuju"})
    session.commit()
    before = _snapshot(session, review)
    with pytest.raises(TaskNotOpen):
        complete_task(session, clock, review.id, users["Kasubbag"],
                      {"keputusan_kasubbag": "setuju"})
    session.rollback()
    assert _snapshot(session, review) == before
    assert review.instance.status == "completed"


@pytest.mark.parametrize("data, field", [
    ({}, "keputusan_kasubbag"),
    ({"keputusan_kasubbag": "mungkin"}, "keputusan_kasubbag"),
    ({"keputusan_kasubbag": "setuju", "__class__": "x"}, "__class__"),
    ({"keputusan_kasubbag": "setuju", "catatan": "x" * 2001}, "catatan"),
])
def test_invalid_decision_names_the_field_and_changes_nothing(
        session, clock, users, review, data, field):
    before = _snapshot(session, review)
    with pytest.raises(InvalidTaskData) as refused:
        complete_task(session, clock, review.id, users["Kasubbag"], data)
    session.rollback()
    assert field in refused.value.fields
    assert _snapshot(session, review) == before


def test_a_claimed_step_leaves_other_holders_inboxes(session, clock, users, review):
    other = users["Prakom"].__class__(username="kasubbag2", full_name="Kasubbag Dua",
                                      password_hash="-", created_at=clock.now())
    other.roles = [type(users["Kasubbag"].roles[0])(role="Kasubbag")]
    session.add(other)
    claim_task(session, clock, review.id, users["Kasubbag"])
    session.commit()
    assert inbox(session, clock, other) == []
    assert inbox(session, clock, users["Kasubbag"]) == [review]
    with pytest.raises(TaskNotOpen, match="Demo Kasubbag"):
        complete_task(session, clock, review.id, other, {"keputusan_kasubbag": "setuju"})


def test_completion_is_audited_with_who_and_what(session, clock, users, review):
    complete_task(session, clock, review.id, users["Kasubbag"],
                  {"keputusan_kasubbag": "revisi", "catatan": "perbaiki tabel"})
    session.commit()
    records = session.scalars(select(AuditRecord).where(AuditRecord.human_task_id == review.id)
                              ).all()
    assert [(r.action, r.actor_id, r.detail["data"]) for r in records] == [
        ("task.completed", users["Kasubbag"].id,
         {"keputusan_kasubbag": "revisi", "catatan": "perbaiki tabel"})]


def test_the_process_completed_by_a_step_is_recorded_as_its_completers_action(
        session, clock, users, review):
    """Jejak audit names who finished the process, not "sistem"."""
    complete_task(session, clock, review.id, users["Kasubbag"],
                  {"keputusan_kasubbag": "setuju", "catatan": ""})
    session.commit()
    assert review.instance.status == "completed"
    assert session.scalars(select(AuditRecord.actor_id).where(
        AuditRecord.action == "instance.completed",
        AuditRecord.instance_id == review.instance_id)).all() == [users["Kasubbag"].id]


def test_kelengkapan_is_a_checklist_of_the_step_inputs(session, clock, users, review):
    [checklist] = [f for f in task_entry(review)["fields"] if f["type"] == "checklist"]
    assert [c["value"] for c in checklist["choices"]] == ["Konsep"]
    with pytest.raises(InvalidTaskData) as refused:
        complete_task(session, clock, review.id, users["Kasubbag"],
                      {"keputusan_kasubbag": "setuju", "kelengkapan": ["Uang"]})
    assert list(refused.value.fields) == ["kelengkapan"]
    session.rollback()
    with pytest.raises(InvalidTaskData) as as_text:  # the item itself, not in a list
        complete_task(session, clock, review.id, users["Kasubbag"],
                      {"keputusan_kasubbag": "setuju", "kelengkapan": "Konsep"})
    assert as_text.value.fields == {
        "kelengkapan": '"Kelengkapan" harus daftar pilihan, mis. ["Konsep"], bukan teks'}
    session.rollback()
    complete_task(session, clock, review.id, users["Kasubbag"],
                  {"keputusan_kasubbag": "setuju", "kelengkapan": ["Konsep"]})
    record = session.scalars(select(AuditRecord).where(AuditRecord.action == "task.completed",
                                                       AuditRecord.human_task_id == review.id)
                             ).one()
    assert record.detail["data"]["kelengkapan"] == ["Konsep"]


def test_a_comma_inside_brackets_does_not_split_a_kelengkapan_item():
    [checklist] = checklist_field("Daftar pengguna (dosen, tendik, mahasiswa), KTP; Surat")
    assert [c["value"] for c in checklist["choices"]] == [
        "Daftar pengguna (dosen, tendik, mahasiswa)", "KTP", "Surat"]
    # A numbered list's ")" opens nothing.
    for numbered in ("1) Surat permohonan, 2) KTP, 3) Pas foto",
                     "1) Surat permohonan\n2) KTP\n3) Pas foto"):
        [checklist] = checklist_field(numbered)
        assert [c["value"] for c in checklist["choices"]] == [
            "1) Surat permohonan", "2) KTP", "3) Pas foto"]


@pytest.fixture
def rival(session, clock):
    """A second Kasubbag, and a second session on the same database (another request)."""
    user = add_user(session, clock, "kasubbag2", "Kasubbag Dua", "Kasubbag")
    session.commit()
    with Session(session.get_bind()) as other:
        yield other, other.get(User, user.id)


def _audited(session, action: str) -> int:
    return count(session, AuditRecord, AuditRecord.action == action)


def test_a_claim_read_before_a_rival_claim_committed_loses(session, clock, users, review,
                                                          rival):
    other, kasubbag2 = rival
    assert review.claimed_by_id is None  # this request has read the task as free
    claim_task(other, clock, review.id, kasubbag2)
    other.commit()
    with pytest.raises(TaskNotOpen, match="sudah diambil oleh Kasubbag Dua") as refused:
        claim_task(session, clock, review.id, users["Kasubbag"])
    session.rollback()
    assert refused.value.claimed_by == "kasubbag2"
    assert (review.state, review.claimed_by_id) == ("open", kasubbag2.id)
    assert _audited(session, "task.claimed") == 1


def test_a_release_read_before_a_rival_release_committed_changes_nothing(
        session, clock, users, review, rival):
    other, _ = rival
    claim_task(session, clock, review.id, users["Kasubbag"])
    session.commit()
    assert review.claimed_by_id == users["Kasubbag"].id
    release_task(other, clock, review.id, other.get(User, users["Kasubbag"].id))
    other.commit()
    with pytest.raises(TaskNotOpen, match="belum diambil siapa pun"):
        release_task(session, clock, review.id, users["Kasubbag"])
    session.rollback()
    assert _audited(session, "task.released") == 1


def test_a_claim_read_before_the_completion_committed_is_refused(session, clock, users,
                                                                 review, rival):
    other, _ = rival
    assert review.state == "open"
    complete_task(other, clock, review.id, other.get(User, users["Kasubbag"].id),
                  {"keputusan_kasubbag": "setuju"})
    other.commit()
    with pytest.raises(TaskNotOpen, match="sudah tidak terbuka"):
        claim_task(session, clock, review.id, users["Kasubbag"])
    session.rollback()
    assert _audited(session, "task.claimed") == 0


def test_a_second_start_waits_for_the_first_to_commit_and_takes_the_next_number(
        session, clock, users, deployed):
    first = start_instance(session, clock, process_key="penyusunan_rkt", title="RKT 2027",
                           user=users["Kasubbag"])
    numbers = []

    def second() -> None:  # another request, on its own connection
        with Session(session.get_bind()) as other:
            kasubbag = other.get(User, users["Kasubbag"].id)
            numbers.append(start_instance(other, clock, process_key="penyusunan_rkt",
                                          title="RKT 2028", user=kasubbag).number)
            other.commit()

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(0.5)
    assert thread.is_alive() and numbers == []  # waiting for the first start's number
    session.commit()
    thread.join(10)
    assert (first.number, numbers) == ("RKT-2026-0001", ["RKT-2026-0002"])


def _stored(session, task) -> tuple:
    return session.execute(select(HumanTask.state, HumanTask.claimed_by_id,
                                  HumanTask.completed_by_id, HumanTask.completed_as)
                           .where(HumanTask.id == task.id)).one()


def test_a_free_step_completed_is_claimed_by_whoever_completed_it(session, clock, users,
                                                                  review):
    complete_task(session, clock, review.id, users["Kasubbag"], {"keputusan_kasubbag": "setuju"})
    session.commit()
    kasubbag = users["Kasubbag"].id
    assert _stored(session, review) == ("completed", kasubbag, kasubbag, None)


def test_a_plh_completing_the_officials_claimed_step_leaves_the_officials_claim(
        session, clock, users, review):
    official, plh = users["Kasubbag"], users["Sekretaris"]
    claim_task(session, clock, review.id, official)
    record(session, clock, kind="Plh", official=official, substitute=plh, role="Kasubbag",
           warrant_number="SP-1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    session.commit()
    complete_task(session, clock, review.id, plh, {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert _stored(session, review) == ("completed", official.id, plh.id, "Plh. Kasubbag")


def test_whoever_gives_his_own_step_away_is_not_told_he_lost_it(session, clock, users):
    """A Kasubbag who also holds Prakom took a Prakom step, then assigned it on: the new
    holder is told; he is not told that he himself took it from himself."""
    dual = add_user(session, clock, "dual", "Dewi Ganda", "Prakom", "Kasubbag")
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Konsep", user=dual)
    step = session.scalars(select(HumanTask)).one()
    claim_task(session, clock, step.id, dual)
    assign_task(session, clock, step.id, users["Prakom"], dual)
    told = session.scalars(select(Notification.user_id).where(
        Notification.kind == "penugasan")).all()
    assert told == [users["Prakom"].id]
