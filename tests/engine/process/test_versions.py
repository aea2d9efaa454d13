"""A revised upload becomes version 2; running instances finish on version 1."""

import pytest
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.models import AuditRecord, HumanTask, ProcessDefinition, User
from engine.process.deploy import active_definition, deploy
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.process.versions import activate
from tests.conftest import mini_bpmn
from tests.helpers.races import second_change

REVISED = {'name="Memeriksa konsep"': 'name="Memeriksa dan memaraf konsep"'}


def _open_task(session, instance):
    return session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id,
                                                   HumanTask.state == "open")).one()


def test_revised_upload_is_version_2_and_old_instance_completes_on_version_1(
        session, clock, users):
    v1, _ = deploy(session, clock, mini_bpmn())
    old = start_instance(session, clock, process_key="sop_uji", title="Lama",
                         user=users["Prakom"])
    session.commit()
    v2, created = deploy(session, clock, mini_bpmn(REVISED))
    session.commit()
    assert (created, v1.version, v2.version) == (True, 1, 2)
    assert active_definition(session, "sop_uji") == v2

    new = start_instance(session, clock, process_key="sop_uji", title="Baru",
                         user=users["Prakom"])
    for instance in (old, new):
        complete_task(session, clock, _open_task(session, instance).id, users["Prakom"], {})
    session.commit()
    assert _open_task(session, old).name == "Memeriksa konsep"
    assert _open_task(session, new).name == "Memeriksa dan memaraf konsep"
    complete_task(session, clock, _open_task(session, old).id, users["Kasubbag"],
                  {"keputusan_kasubbag": "setuju"})
    session.commit()
    assert (old.status, old.definition.version) == ("completed", 1)


def test_same_file_again_adds_no_version(session, clock):
    deploy(session, clock, mini_bpmn())
    definition, created = deploy(session, clock, mini_bpmn())
    assert (created, definition.version) == (False, 1)
    assert session.scalar(select(func.count()).select_from(ProcessDefinition)) == 1


def _three_versions(session, clock):
    for n in range(3):
        deploy(session, clock, mini_bpmn({'name="Memeriksa konsep"': f'name="Langkah {n}"'}),
               activate=n == 0)
    session.commit()


def _active_versions(session) -> list[int]:
    return sorted(session.scalars(select(ProcessDefinition.version).where(
        ProcessDefinition.key == "sop_uji", ProcessDefinition.is_active)))


def test_the_database_refuses_a_second_active_version(session, clock):
    _three_versions(session, clock)
    with Session(session.get_bind()) as other, pytest.raises(IntegrityError):
        other.execute(update(ProcessDefinition).where(ProcessDefinition.version == 2)
                      .values(is_active=True))
        other.commit()
    assert _active_versions(session) == [1]


@pytest.mark.parametrize(("second", "active", "recorded"), [(3, [3], [2, 3]), (2, [2], [2])],
                         ids=["another version: the later stays", "the same: recorded once"])
def test_activations_at_once_are_decided_one_after_the_other(session, clock, users, second,
                                                               active, recorded):
    """Version 2 activated, and at the same moment version ``second``: the second waits
    for the first's lock and reads what it left; never two active, never one activation
    recorded twice."""
    _three_versions(session, clock)
    activate(session, clock, "sop_uji", 2, users["admin"])  # not committed yet
    assert second_change(session, lambda other: activate(
        other, clock, "sop_uji", second, other.get(User, users["admin"].id)),
        (IntegrityError,)) is None
    assert _active_versions(session) == active
    assert _activations(session) == recorded


def _activations(session) -> list[int]:
    """The versions of ``process.activated`` records after the uploads', in order."""
    session.expire_all()
    return [record.detail["version"] for record in session.scalars(
        select(AuditRecord).where(AuditRecord.action == "process.activated")
        .order_by(AuditRecord.id))][1:]


def test_two_uploads_of_one_sop_at_once_store_the_next_two_versions(session, clock):
    """The second upload waits for the first's lock and numbers its version after it."""
    deploy(session, clock, mini_bpmn())
    session.commit()
    deploy(session, clock, mini_bpmn({'name="Memeriksa konsep"': 'name="Langkah A"'}))
    assert second_change(session, lambda other: deploy(
        other, clock, mini_bpmn({'name="Memeriksa konsep"': 'name="Langkah B"'})),
        (IntegrityError,)) is None
    session.expire_all()
    versions = session.scalars(select(ProcessDefinition.version).where(
        ProcessDefinition.key == "sop_uji").order_by(ProcessDefinition.version)).all()
    assert versions == [1, 2, 3]
    assert _active_versions(session) == [3]
