"""Plh/Plt rules: ends with the official's role, Plh and Plt limits, one Plt extension,
ending early (who may), all audited."""

from datetime import timedelta

import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from engine import settings
from engine.errors import InvalidTaskData, PermissionDenied
from engine.models import AuditRecord, HumanTask, Substitution, User
from engine.people import accounts
from engine.people.substitution import (
    capacities,
    current_page,
    end_early,
    extend,
    may_end,
    record,
    replacing,
)
from engine.people.substitution_work import returned_to
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task, complete_task, release_task
from tests.conftest import mini_bpmn
from tests.helpers.database import on_postgres
from tests.helpers.races import second_change


def _record(session, clock, users, kind="Plh", days=7, substitute="Sekretaris", **more):
    return record(session, clock, kind=kind, official=users["Kasubbag"],
                  substitute=users[substitute], role="Kasubbag", warrant_number="SP-1",
                  starts_at=clock.now(), ends_at=clock.now() + timedelta(days=days),
                  created_by=more.get("created_by", users["admin"]))


def test_a_substitution_grants_nothing_once_the_official_loses_the_role(session, clock, users):
    _record(session, clock, users)
    plh = users["Sekretaris"]
    assert "Kasubbag" in capacities(session, plh, clock.now())
    accounts.update_details(session, clock, actor=users["admin"], user=users["Kasubbag"],
                            full_name="Demo Kasubbag", email=None, roles=["Prakom"],
                            is_admin=False)
    session.flush()
    assert "Kasubbag" not in capacities(session, plh, clock.now())


def test_plh_is_limited_by_the_office_setting(session, clock, users):
    _record(session, clock, users, days=30)
    with pytest.raises(InvalidTaskData) as refused:
        _record(session, clock, users, days=31)
    assert refused.value.fields == {"ends_at": "Plh paling lama 30 hari (pengaturan kantor)"}
    with pytest.raises(InvalidTaskData):
        record(session, clock, kind="Plh", official=users["Kasubbag"],
               substitute=users["Ketua"], role="Kasubbag", warrant_number="SP-9",
               starts_at=clock.now().replace(year=2000),
               ends_at=clock.now().replace(year=9999), created_by=users["admin"])
    settings.put(session, "substitution", {"plh_max_days": 45})
    clock.advance(timedelta(days=30))  # the first one has ended
    _record(session, clock, users, days=45)


def test_a_substitution_already_over_is_refused_and_nothing_is_stored(session, clock, users):
    """It granted nothing and no list showed it (the lists show those not ended), so it
    could be neither seen nor ended."""
    for ends in (clock.now() - timedelta(days=1), clock.now()):
        with pytest.raises(InvalidTaskData) as refused:
            record(session, clock, kind="Plh", official=users["Kasubbag"],
                   substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-1",
                   starts_at=ends - timedelta(days=2), ends_at=ends, created_by=users["admin"])
        assert refused.value.fields == {"ends_at": (
            "akhir sudah lewat; Plh/Plt yang sudah berakhir tidak memberi wewenang apa pun "
            "dan tidak perlu dicatat")}
    assert session.scalars(select(Substitution)).all() == []
    begun = record(session, clock, kind="Plh", official=users["Kasubbag"],
                   substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-2",
                   starts_at=clock.now() - timedelta(days=2),
                   ends_at=clock.now() + timedelta(minutes=1), created_by=users["admin"])
    assert begun.id is not None, "one begun before and not yet over is recorded"


def test_plt_lasts_three_months_and_is_extended_once_by_three(session, clock, users):
    with pytest.raises(InvalidTaskData):
        _record(session, clock, users, kind="Plt", days=93)
    plt = _record(session, clock, users, kind="Plt", days=92)
    with pytest.raises(InvalidTaskData) as refused:
        extend(session, clock, plt, users["admin"], plt.ends_at + timedelta(days=93))
    assert "3 bulan" in refused.value.fields["ends_at"]
    extend(session, clock, plt, users["admin"], plt.ends_at + timedelta(days=92))
    with pytest.raises(InvalidTaskData) as again:
        extend(session, clock, plt, users["admin"], plt.ends_at + timedelta(days=1))
    assert again.value.fields["ends_at"] == "Plt hanya dapat diperpanjang satu kali"
    end_early(session, clock, plt, users["admin"])
    plh = _record(session, clock, users)
    with pytest.raises(InvalidTaskData):
        extend(session, clock, plh, users["admin"], plh.ends_at + timedelta(days=1))
    end_early(session, clock, plh, users["admin"])
    with pytest.raises(PermissionDenied):
        extend(session, clock, _record(session, clock, users, kind="Plt"), users["Prakom"],
               clock.now() + timedelta(days=10))


def test_one_office_has_one_substitute_at_a_time(session, clock, users):
    first = _record(session, clock, users, days=7)
    with pytest.raises(InvalidTaskData) as refused:
        _record(session, clock, users, days=3, substitute="Ketua")
    assert refused.value.fields == {"starts_at": (
        "Demo Kasubbag sudah digantikan sebagai Kasubbag oleh Demo Sekretaris (Plh, surat "
        "perintah SP-1) pada sebagian periode ini; satu jabatan punya satu pengganti: akhiri "
        "yang itu dulu atau pilih periode lain")}
    assert session.scalars(select(Substitution)).all() == [first]
    clock.advance(timedelta(days=1))
    end_early(session, clock, first, users["admin"])
    second = _record(session, clock, users, days=3, substitute="Ketua")
    assert session.scalars(select(Substitution).order_by(Substitution.id)).all() == [
        first, second]


@pytest.mark.parametrize(("who", "allowed"), [
    ("Kasubbag", True),   # the official
    ("admin", True),
    ("Ketua", True),      # above the substitute's role (Sekretaris)
    ("Sekretaris", True),  # the official's direct supervisor (here also the substitute)
    ("Prakom", False), ("Panitera", False)])
def test_who_may_end_a_substitution_early(session, clock, users, who, allowed):
    substitution = _record(session, clock, users)
    clock.advance(timedelta(days=1))
    if not allowed:
        with pytest.raises(PermissionDenied):
            end_early(session, clock, substitution, users[who])
        return
    end_early(session, clock, substitution, users[who])
    assert substitution.ends_at == clock.now()
    assert "Kasubbag" not in capacities(session, users["Sekretaris"], clock.now())
    with pytest.raises(InvalidTaskData):
        end_early(session, clock, substitution, users[who])


def test_the_substitutes_supervisor_may_not_end_a_plt_of_a_higher_role(session, clock, users):
    def substitution(official: str, substitute: str, number: str) -> Substitution:
        return record(session, clock, kind="Plt", official=users[official],
                      substitute=users[substitute], role=official, warrant_number=number,
                      starts_at=clock.now(), ends_at=clock.now() + timedelta(days=30),
                      created_by=users["admin"])

    for_ketua = substitution("Ketua", "Redaktur", "SP-Ketua")
    for_prakom = substitution("Prakom", "Bidang Terkait", "SP-Prakom")
    kasubbag = users["Kasubbag"]
    assert not may_end(session, kasubbag, for_ketua)
    assert may_end(session, kasubbag, for_prakom)
    listed = current_page(session, kasubbag, clock.now(), 1, 10)
    assert [s.warrant_number for s in listed.items] == ["SP-Prakom"] and listed.total == 1
    with pytest.raises(PermissionDenied) as refused:
        end_early(session, clock, for_ketua, kasubbag)
    assert refused.value.message == (
        "Hanya pejabatnya atau atasan langsungnya, atasan pengganti yang tidak lebih rendah "
        "dari Ketua, atau administrator yang dapat mengakhiri Plh/Plt ini.")
    assert for_ketua.ended_by_id is None


def test_a_replacement_may_start_in_the_minute_the_ended_one_stopped(session, clock, users):
    first = _record(session, clock, users)
    clock.advance(timedelta(hours=2, seconds=35))
    end_early(session, clock, first, users["admin"])
    assert first.ends_at == clock.now() - timedelta(seconds=35)
    minute = clock.now().replace(second=0)
    second = record(session, clock, kind="Plh", official=users["Kasubbag"],
                    substitute=users["Ketua"], role="Kasubbag", warrant_number="SP-2",
                    starts_at=minute, ends_at=minute + timedelta(days=3),
                    created_by=users["admin"])
    assert second.starts_at == first.ends_at


def test_a_role_is_read_whatever_its_case_and_an_unknown_one_names_the_officials_roles(
        session, clock, users):
    """As user names and the account import read roles: ``kasubbag`` is Kasubbag."""
    def plh(role: str, days: int) -> Substitution:
        return record(session, clock, kind="Plh", official=users["Kasubbag"],
                      substitute=users["Ketua"], role=role, warrant_number="SP-3",
                      starts_at=clock.now(), ends_at=clock.now() + timedelta(days=days),
                      created_by=users["admin"])

    with pytest.raises(InvalidTaskData) as refused:
        plh("kasubag", 3)
    assert refused.value.fields == {
        "role": "peran kasubag tidak dikenal; peran Demo Kasubbag: Kasubbag"}
    assert plh(" KASUBBAG", 3).role == "Kasubbag"


def test_a_substitution_not_begun_ends_once(session, clock, users):
    later = record(session, clock, kind="Plh", official=users["Kasubbag"],
                   substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-2",
                   starts_at=clock.now() + timedelta(days=1),
                   ends_at=clock.now() + timedelta(days=8), created_by=users["admin"])
    end_early(session, clock, later, users["admin"])
    assert later.ends_at == later.starts_at == clock.now() + timedelta(days=1)
    with pytest.raises(InvalidTaskData) as refused:
        end_early(session, clock, later, users["admin"])
    assert refused.value.fields == {"ends_at": "Plh/Plt ini sudah berakhir atau dibatalkan"}
    session.flush()
    assert session.scalars(select(AuditRecord.action).where(
        AuditRecord.action == "substitution.ended")).all() == ["substitution.ended"]


def test_a_plt_ended_before_it_began_is_not_brought_back_by_extending_it(session, clock,
                                                                          users):
    later = record(session, clock, kind="Plt", official=users["Kasubbag"],
                   substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-3",
                   starts_at=clock.now() + timedelta(days=1),
                   ends_at=clock.now() + timedelta(days=8), created_by=users["admin"])
    end_early(session, clock, later, users["admin"])
    with pytest.raises(InvalidTaskData) as refused:
        extend(session, clock, later, users["admin"], later.ends_at + timedelta(days=20))
    assert refused.value.fields == {"ends_at": "Plt ini sudah berakhir"}
    assert (later.ends_at, later.extended_at) == (later.starts_at, None)


def test_every_change_is_audited(session, clock, users):
    plt = _record(session, clock, users, kind="Plt")
    extend(session, clock, plt, users["Kasubbag"], plt.ends_at + timedelta(days=10))
    end_early(session, clock, plt, users["admin"])
    session.flush()
    assert session.scalars(select(AuditRecord.action).order_by(AuditRecord.id)).all() == [
        "substitution.recorded", "substitution.extended", "substitution.ended"]
    stored = session.scalars(select(Substitution)).one()
    assert (stored.ended_by_id, stored.extended_at) == (users["admin"].id, clock.now())


def test_a_warrant_number_is_bounded(session, clock, users):
    with pytest.raises(InvalidTaskData) as refused:
        record(session, clock, kind="Plh", official=users["Kasubbag"],
               substitute=users["Sekretaris"], role="Kasubbag", warrant_number="W" * 201,
               starts_at=clock.now(), ends_at=clock.now() + timedelta(days=1),
               created_by=users["admin"])
    assert list(refused.value.fields) == ["warrant_number"]
    assert session.scalars(select(Substitution)).all() == []


@pytest.mark.parametrize("act", ["extend", "end"])
def test_two_clicks_at_once_change_a_substitution_once(session, clock, users, act):
    """"Perpanjang" or "Akhiri lebih awal" by the official and an administrator at the same
    moment: the second finds the row changed, is refused, and records nothing."""
    plt = _record(session, clock, users, kind="Plt", days=30)
    session.commit()

    def change(on: Session, substitution: Substitution, user: User, days: int) -> None:
        if act == "extend":
            extend(on, clock, substitution, user, substitution.ends_at + timedelta(days=days))
        else:
            end_early(on, clock, substitution, user)

    change(session, plt, users["admin"], 10)  # not committed yet
    refusal = second_change(session, lambda other: change(
        other, other.get(Substitution, plt.id), other.get(User, users["Kasubbag"].id), 20),
        (InvalidTaskData,))
    assert isinstance(refusal, InvalidTaskData)
    action = "substitution.extended" if act == "extend" else "substitution.ended"
    assert len(session.scalars(select(AuditRecord).where(AuditRecord.action == action)).all()) == 1


def test_an_end_and_an_extension_at_once_leave_the_plt_ended(session, clock, users):
    plt = _record(session, clock, users, kind="Plt", days=30)
    session.commit()
    end_early(session, clock, plt, users["admin"])  # not committed yet
    refusal = second_change(session, lambda other: extend(
        other, clock, other.get(Substitution, plt.id), other.get(User, users["Kasubbag"].id),
        plt.ends_at + timedelta(days=20)), (InvalidTaskData,))
    assert isinstance(refusal, InvalidTaskData)
    session.refresh(plt)
    assert (plt.ends_at, plt.extended_at) == (clock.now(), None)


def test_an_extension_may_not_run_into_the_next_substitute(session, clock, users):
    plt = _record(session, clock, users, kind="Plt", days=30)
    later = record(session, clock, kind="Plh", official=users["Kasubbag"],
                   substitute=users["Ketua"], role="Kasubbag", warrant_number="SP-2",
                   starts_at=plt.ends_at + timedelta(days=1),
                   ends_at=plt.ends_at + timedelta(days=10), created_by=users["admin"])
    with pytest.raises(InvalidTaskData) as refused:
        extend(session, clock, plt, users["admin"], plt.ends_at + timedelta(days=20))
    assert refused.value.fields == {"ends_at": (
        "Demo Ketua menggantikan pada sebagian perpanjangan ini (Plh, surat perintah SP-2); "
        "satu jabatan punya satu pengganti")}
    extend(session, clock, plt, users["admin"], later.starts_at)
    assert plt.ends_at == later.starts_at


def test_one_substitution_recorded_twice_at_once_is_stored_once(session, clock, users):
    """A double submit of "Catat Plh/Plt" (or the official and an administrator at once):
    the second waits for the first, finds it overlapping and is refused (422 starts_at)."""
    session.commit()
    _record(session, clock, users)  # not committed yet
    refusal = second_change(session, lambda other: record(
        other, clock, kind="Plh", official=other.get(User, users["Kasubbag"].id),
        substitute=other.get(User, users["Sekretaris"].id), role="Kasubbag",
        warrant_number="SP-1", starts_at=clock.now(), ends_at=clock.now() + timedelta(days=7),
        created_by=other.get(User, users["admin"].id)), (InvalidTaskData,))
    assert isinstance(refusal, InvalidTaskData) and list(refusal.fields) == ["starts_at"]
    assert len(session.scalars(select(Substitution)).all()) == 1


def test_a_step_refused_after_the_plh_ended_says_that_it_ended(session, clock, users):
    """The Plh saw the step in his inbox while in force; acting on it after the end (the
    page still open) is refused naming the end, not as if he never held the role."""
    deploy(session, clock, mini_bpmn())
    before = record(session, clock, kind="Plh", official=users["Prakom"],
                    substitute=users["Kasubbag"], role="Prakom", warrant_number="SP-0",
                    starts_at=clock.now(), ends_at=clock.now() + timedelta(hours=1),
                    created_by=users["admin"])
    clock.advance(timedelta(hours=2))
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=users["Prakom"])
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    with pytest.raises(PermissionDenied) as refused:
        complete_task(session, clock, task.id, users["Kasubbag"], {})
    assert before.ends_at < task.created_at
    assert refused.value.message == ('Tugas "Menyusun konsep" dikerjakan oleh peran Prakom; '
                                     "Anda tidak memegang peran itu."), "ended before it opened"
    record(session, clock, kind="Plh", official=users["Prakom"],
           substitute=users["Kasubbag"], role="Prakom", warrant_number="SP-1",
           starts_at=clock.now(), ends_at=clock.now() + timedelta(days=1),
           created_by=users["admin"])
    claim_task(session, clock, task.id, users["Kasubbag"])
    clock.advance(timedelta(days=2))
    for act in (claim_task, release_task):
        with pytest.raises(PermissionDenied) as refused:
            act(session, clock, task.id, users["Kasubbag"])
        assert refused.value.message == ("Masa Plh Anda untuk peran Prakom sudah berakhir; "
                                         "langkah ini kini dikerjakan pemegang peran itu.")
    with pytest.raises(PermissionDenied) as refused:
        complete_task(session, clock, task.id, users["Kasubbag"], {})
    assert refused.value.message.startswith("Masa Plh Anda untuk peran Prakom sudah berakhir")
    assert (task.state, task.completed_by_id) == ("open", None)


@pytest.mark.skipif(on_postgres(), reason="SQLite's plan; PostgreSQL plans by table size")
def test_an_officials_own_substitutions_are_read_from_one_index(session, clock, users):
    """Every Kotak Masuk asks for the reader's own (``replacing``, ``returned_to``): without
    an index on the official SQLite read the whole table for each."""
    seen: list[tuple[str, object]] = []
    listen = (lambda _c, _cur, statement, params, _ctx, _many:
              seen.append((statement, params)))
    event.listen(session.bind, "before_cursor_execute", listen)
    try:
        replacing(session, users["Kasubbag"], clock.now())
        returned_to(session, users["Kasubbag"], clock.now())
    finally:
        event.remove(session.bind, "before_cursor_execute", listen)
    asked = [(s, p) for s, p in seen if "FROM substitutions" in s]
    assert len(asked) == 2
    for statement, params in asked:
        plan = " ".join(str(row[-1]) for row in session.connection().exec_driver_sql(
            "EXPLAIN QUERY PLAN " + statement, tuple(params)))
        assert "ix_substitutions_official_period" in plan, plan


def test_a_successor_overlapping_one_that_ran_out_is_told_when_it_may_begin(session, clock,
                                                                          users):
    """The Plh/escalation probe: told to end first a Plh whose period was already over
    (ending it answers "sudah berakhir"); it says until when it ran instead."""
    _record(session, clock, users, days=1)
    clock.advance(timedelta(days=1, minutes=5))
    with pytest.raises(InvalidTaskData) as refused:
        record(session, clock, kind="Plh", official=users["Kasubbag"],
               substitute=users["Prakom"], role="Kasubbag", warrant_number="SP-2",
               starts_at=clock.now() - timedelta(minutes=10),
               ends_at=clock.now() + timedelta(days=1), created_by=users["admin"])
    said = refused.value.fields["starts_at"]
    assert said.endswith("sampai 24 Nov 2026 08.00 WIB; satu jabatan punya satu pengganti: "
                         "mulai paling awal 24 Nov 2026 08.00 WIB"), said
