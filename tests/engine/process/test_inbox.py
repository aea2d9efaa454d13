"""Kotak Masuk: Tugas Saya and Tugas Unit, filters, claim, release, assign, Plh/Plt."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.errors import InvalidTaskData, PermissionDenied, TaskNotOpen
from engine.models import AuditRecord, HumanTask, Notification
from engine.people.holders import present_holders
from engine.people.substitution import record
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import (
    assign_task,
    claim_task,
    complete_task,
    inbox,
    inbox_counts,
    release_task,
)
from tests.conftest import MONDAY_0800, WIB, mini_bpmn
from tests.helpers.people import add_user


@pytest.fixture
def second_prakom(session, clock):
    return add_user(session, clock, "prakom2", "Prakom Dua", "Prakom")


@pytest.fixture
def tasks(session, clock, users):
    """Three open Prakom steps: "Surat A" (due 08.30), "Surat B" (08.40), "Laporan C" (08.50)."""
    deploy(session, clock, mini_bpmn())
    found = []
    for title in ("Surat A", "Surat B", "Laporan C"):
        instance = start_instance(session, clock, process_key="sop_uji", title=title,
                                  user=users["Prakom"])
        found.append(session.scalars(select(HumanTask).where(
            HumanTask.instance_id == instance.id)).one())
        clock.advance(timedelta(minutes=10))
    session.commit()
    return found


def test_views_counts_filters_and_search(session, clock, users, tasks, second_prakom):
    prakom = users["Prakom"]
    claim_task(session, clock, tasks[1].id, prakom)
    claim_task(session, clock, tasks[2].id, second_prakom)
    assert inbox(session, clock, prakom) == [tasks[0], tasks[1]]
    assert inbox(session, clock, prakom, view="saya") == [tasks[1]]
    assert inbox(session, clock, prakom, view="unit") == [tasks[0]]
    assert inbox_counts(session, clock, prakom) == {"saya": 1, "unit": 1}
    assert inbox(session, clock, prakom, search="surat b") == [tasks[1]]
    assert inbox(session, clock, prakom, process_key="lain") == []
    clock.set(MONDAY_0800 + timedelta(minutes=35))  # A (08.30) is late, B (08.40) not yet
    assert inbox(session, clock, prakom, state="terlambat") == [tasks[0]]
    assert inbox(session, clock, prakom, state="hari_ini",
                 day_end=datetime(2026, 11, 23, 16, 0, tzinfo=WIB)) == [tasks[1]]
    assert inbox(session, clock, prakom, state="dalam_proses") == [tasks[1]]


def test_release_gives_the_task_back_to_the_role(session, clock, users, tasks, second_prakom):
    claim_task(session, clock, tasks[0].id, users["Prakom"])
    with pytest.raises(TaskNotOpen):
        release_task(session, clock, tasks[0].id, second_prakom)
    release_task(session, clock, tasks[0].id, users["Prakom"])
    assert tasks[0] in inbox(session, clock, second_prakom, view="unit")
    actions = session.scalars(select(AuditRecord.action).where(
        AuditRecord.human_task_id == tasks[0].id)).all()
    assert actions == ["task.claimed", "task.released"]


def test_supervisor_assigns_to_a_named_holder(session, clock, users, tasks, second_prakom):
    with pytest.raises(PermissionDenied):
        assign_task(session, clock, tasks[0].id, second_prakom, users["Prakom"])
    with pytest.raises(InvalidTaskData):
        assign_task(session, clock, tasks[0].id, users["Kasubbag"], users["Kasubbag"])
    assign_task(session, clock, tasks[0].id, second_prakom, users["Kasubbag"])
    session.commit()
    assert inbox(session, clock, second_prakom, view="saya") == [tasks[0]]
    assert tasks[0] not in inbox(session, clock, users["Prakom"])
    note = session.scalars(select(Notification)).one()
    assert (note.user_id, note.kind, note.human_task_id) == (second_prakom.id, "penugasan",
                                                              tasks[0].id)
    audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "task.assigned")).one()
    assert (audit.actor_id, audit.detail["assignee"]) == (users["Kasubbag"].id, "prakom2")


def test_plh_acts_for_the_official_and_the_record_says_so(session, clock, users, tasks):
    official, plh = users["Kasubbag"], users["Sekretaris"]
    complete_task(session, clock, tasks[0].id, users["Prakom"], {})
    review = session.scalars(select(HumanTask).where(HumanTask.state == "open",
                                                     HumanTask.role == "Kasubbag")).one()
    claim_task(session, clock, review.id, official)
    record(session, clock, kind="Plh", official=official, substitute=plh, role="Kasubbag",
           warrant_number="W8-U1/12/KP.04/XI/2026", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=2), created_by=users["admin"])
    session.commit()
    assert inbox(session, clock, plh, view="saya") == [review], "the official's claimed task"
    complete_task(session, clock, review.id, plh, {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert (review.completed_by_id, review.completed_as) == (plh.id, "Plh. Kasubbag")
    audit = session.scalars(select(AuditRecord).where(AuditRecord.action == "task.completed",
                                                      AuditRecord.human_task_id == review.id)
                            ).one()
    assert audit.detail["acting_as"] == "Plh. Kasubbag"


def test_substitution_ends_by_itself(session, clock, users, tasks):
    complete_task(session, clock, tasks[0].id, users["Prakom"], {})
    review = session.scalars(select(HumanTask).where(HumanTask.role == "Kasubbag")).one()
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Ketua"],
           role="Kasubbag", warrant_number="SP-1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(hours=1), created_by=users["Kasubbag"])
    assert inbox(session, clock, users["Ketua"]) == [review]
    clock.advance(timedelta(hours=1))
    assert inbox(session, clock, users["Ketua"]) == []
    with pytest.raises(PermissionDenied):
        complete_task(session, clock, review.id, users["Ketua"], {"keputusan_kasubbag": "setuju"})


@pytest.mark.parametrize("change, field", [
    ({"kind": "Pjs"}, "kind"), ({"role": "Ketua"}, "role"), ({"warrant_number": " "},
                                                             "warrant_number"),
    ({"ends_at": MONDAY_0800}, "ends_at"),
    ({"kind": "Plt", "ends_at": MONDAY_0800 + timedelta(days=200)}, "ends_at"),
])
def test_bad_substitution_is_refused_by_field(session, clock, users, change, field):
    arguments = {"kind": "Plh", "official": users["Kasubbag"], "substitute": users["Sekretaris"],
                 "role": "Kasubbag", "warrant_number": "SP-2", "starts_at": MONDAY_0800,
                 "ends_at": MONDAY_0800 + timedelta(days=1), "created_by": users["admin"]}
    with pytest.raises(InvalidTaskData) as refused:
        record(session, clock, **{**arguments, **change})
    assert list(refused.value.fields) == [field]


def test_only_admin_or_the_official_records_a_substitution(session, clock, users):
    with pytest.raises(PermissionDenied):
        record(session, clock, kind="Plh", official=users["Kasubbag"],
               substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-3",
               starts_at=MONDAY_0800, ends_at=MONDAY_0800 + timedelta(days=1),
               created_by=users["Prakom"])


def test_a_step_is_not_assigned_to_a_disabled_account_nor_offered_one(session, clock, users,
                                                                       tasks, second_prakom):
    second_prakom.is_disabled = True
    with pytest.raises(InvalidTaskData) as refused:
        assign_task(session, clock, tasks[0].id, second_prakom, users["Kasubbag"])
    assert refused.value.fields == {"assignee": "akun Prakom Dua nonaktif; alihkan kepada "
                                                "pemegang peran yang aktif"}
    assert tasks[0].claimed_by_id is None
    assert session.scalars(select(Notification)).all() == []
    assert present_holders(session, "Prakom", clock.now()) == [users["Prakom"]]


def test_a_step_is_not_assigned_to_an_official_someone_stands_in_for(session, clock, users,
                                                                       tasks, second_prakom):
    record(session, clock, kind="Plh", official=second_prakom, substitute=users["Prakom"],
           role="Prakom", warrant_number="W8-U1/13/KP.04/XI/2026", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=2), created_by=users["admin"])
    with pytest.raises(InvalidTaskData) as refused:
        assign_task(session, clock, tasks[0].id, second_prakom, users["Kasubbag"])
    assert refused.value.fields == {"assignee": f"{second_prakom.full_name} sedang "
                                      "digantikan Plh/Plt; alihkan kepada pemegang peran "
                                      "yang bertugas"}
    assert tasks[0].claimed_by_id is None
    assert session.scalars(select(Notification)).all() == []
    clock.advance(timedelta(days=2))  # back at the desk: assigned again
    assign_task(session, clock, tasks[0].id, second_prakom, users["Kasubbag"])
    assert tasks[0].claimed_by_id == second_prakom.id


@pytest.mark.parametrize("typed", ["Rapat #3 (anggaran)", "rapat #3", "RAPAT#3", "rapat3"])
def test_a_title_with_other_punctuation_is_found_as_typed(session, clock, users, typed):
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Rapat #3 (anggaran)",
                   user=users["Prakom"])
    session.commit()
    found = inbox(session, clock, users["Prakom"], search=typed)
    assert [task.instance.title for task in found] == (
        [] if typed == "rapat3" else ["Rapat #3 (anggaran)"])


@pytest.mark.parametrize("typed", ["Ümlaut", "Ümlaut TEST", "mlaut"])
def test_an_accented_title_is_found_as_typed(session, clock, users, typed):
    deploy(session, clock, mini_bpmn())
    start_instance(session, clock, process_key="sop_uji", title="Ümlaut test",
                   user=users["Prakom"])
    session.commit()
    assert [task.instance.title for task in inbox(session, clock, users["Prakom"],
                                                  search=typed)] == ["Ümlaut test"]
