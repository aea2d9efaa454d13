"""The access policy: one answer to "may this user see or act", substitutes included."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine.models import HumanTask, User, UserRole
from engine.people.access import Access
from engine.people.substitution import record
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.reports.people import visible_people
from tests.conftest import BPMN_DIR, WIB, mini_bpmn


@pytest.fixture
def instance(session, clock, users):
    """An instance of the test SOP (lanes Prakom and Kasubbag) at its Prakom step."""
    deploy(session, clock, mini_bpmn())
    found = start_instance(session, clock, process_key="sop_uji", title="Surat A",
                           user=users["Prakom"])
    session.commit()
    return found


@pytest.mark.parametrize(("who", "sees", "acts"), [
    ("Prakom", True, True),        # holds the step's lane
    ("Kasubbag", True, False),     # holds the other lane, supervises Prakom
    ("Sekretaris", True, False),   # supervises the Kasubbag lane
    ("Ketua", True, False),        # two levels above: its steps escalate to him
    ("Panitera", False, False),
    ("admin", True, False),
])
def test_who_sees_and_acts_on_an_instance(session, clock, users, instance, who, sees, acts):
    access = Access.of(session, users[who], clock.now())
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    assert (access.may_view_instance(instance), access.may_view_task(task)) == (sees, sees)
    assert (access.capacity_for(task) is not None) == acts
    assert access.may_view_definition([instance.definition]) == sees


def test_a_plh_sees_and_acts_only_while_the_substitution_runs(session, clock, users, instance):
    plh = users["Redaktur"]
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=plh,
           role="Kasubbag", warrant_number="W8-U1/1/KP.04/XI/2026", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=2), created_by=users["admin"])
    session.commit()
    during = Access.of(session, plh, clock.now())
    assert during.may_view_instance(instance)
    assert during.acting["Kasubbag"].label == "Plh. Kasubbag"
    assert during.may_start(instance.definition)
    after = Access.of(session, plh, clock.now() + timedelta(days=3))
    assert not after.may_view_instance(instance)
    assert not after.may_start(instance.definition)


def test_who_sees_whose_figures(session, clock, users):
    def sees(viewer: str, person: User) -> bool:
        return Access.of(session, users[viewer], clock.now()).may_view_person(person)

    prakom, kasubbag = users["Prakom"], users["Kasubbag"]
    assert sees("Prakom", prakom)
    assert sees("Kasubbag", prakom)            # Kasubbag supervises Prakom
    assert not sees("Prakom", kasubbag)
    assert not sees("Sekretaris", prakom)      # only the roles directly supervised
    assert sees("Sekretaris", kasubbag)
    assert sees("Ketua", users["Panitera"])
    assert sees("admin", prakom)
    stranger = User(username="tamu", full_name="Tamu", password_hash="-",
                    created_at=datetime(2026, 1, 1, tzinfo=WIB),
                    roles=[UserRole(role="Peran Lain")])
    session.add(stranger)
    session.flush()
    assert not sees("Kasubbag", stranger)
    kasubbag_access = Access.of(session, kasubbag, clock.now())
    assert {p.username for p in visible_people(session, kasubbag_access)} == {
        "kasubbag", "prakom", "pemohon", "bidang_terkait", "redaktur", "pihak_ketiga"}


def test_tabel7_is_for_supervisors_and_their_substitutes(session, clock, users):
    assert not Access.of(session, users["Prakom"], clock.now()).may_view_tabel7()
    assert Access.of(session, users["Kasubbag"], clock.now()).may_view_tabel7()
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Prakom"],
           role="Kasubbag", warrant_number="W8-U1/2/KP.04/XI/2026", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=1), created_by=users["admin"])
    assert Access.of(session, users["Prakom"], clock.now()).may_view_tabel7()


def test_the_desk_report_follows_the_requester_sops_the_office_deployed(session, clock, users):
    def desk(role: str) -> bool:
        return Access.of(session, users[role], clock.now()).may_view_desk_report()

    assert [desk(role) for role in ("Prakom", "admin")] == [False, True]  # none deployed
    deploy(session, clock, (BPMN_DIR / "penanganan_permintaan_layanan_ti.bpmn").read_bytes())
    assert [desk(role) for role in ("Prakom", "Kasubbag", "Bidang Terkait")] == [
        True, True, False]
    deploy(session, clock, (BPMN_DIR / "penanganan_gangguan_server.bpmn").read_bytes())
    assert [desk(role) for role in ("Prakom", "Kasubbag", "Bidang Terkait")] == [
        True, True, False]
