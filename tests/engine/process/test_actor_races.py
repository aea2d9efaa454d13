"""A claim or completion on its way while an administrator disables its actor's account or
takes his role away: the step went back to its unit because he could no longer act, so
his request is refused (nothing changes) instead of the step then being completed by him,
which the Riwayat would show after "dilepas: akun dinonaktifkan"."""

from collections.abc import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import PermissionDenied
from engine.models import AuditRecord, HumanTask, User
from engine.people import accounts
from engine.people.access import Access
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task, complete_task
from tests.conftest import mini_bpmn


def _disable(other: Session, clock, user_id: int) -> None:
    accounts.set_disabled(other, clock, actor=None, user=other.get(User, user_id),
                          disabled=True)


def _take_the_role(other: Session, clock, user_id: int) -> None:
    user = other.get(User, user_id)
    accounts.update_details(other, clock, actor=None, user=user, full_name=user.full_name,
                            email=None, roles=["Redaktur"], is_admin=False)


CHANGES = {"disabled": (_disable, "Akun Anda baru saja dinonaktifkan; langkah ini tidak "
                                  "diubah."),
           "roles": (_take_the_role, "Anda baru saja tidak lagi bertindak dalam peran Prakom "
                                     "(peran diubah administrator, atau masa Plh/Plt "
                                     'berakhir); langkah "Menyusun konsep" tidak diubah.')}


def _claimed_then_changed(session: Session, clock, users, cause: str
                          ) -> tuple[HumanTask, Access]:
    """The test SOP's first step taken by the Prakom, his access as his next request read
    it, and then (committed, by another session) the administrator's change ``cause``."""
    deploy(session, clock, mini_bpmn())
    prakom = users["Prakom"]
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=prakom)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    claim_task(session, clock, task.id, prakom)
    session.commit()
    access = Access.of(session, prakom, clock.now())
    assert access.capacity_for(task) is not None
    with Session(session.get_bind()) as other:
        CHANGES[cause][0](other, clock, prakom.id)
        other.commit()
    return task, access


@pytest.mark.parametrize("cause", sorted(CHANGES))
@pytest.mark.parametrize("act", [
    lambda session, clock, task, user, access: complete_task(
        session, clock, task.id, user, {}, access=access),
    lambda session, clock, task, user, access: claim_task(
        session, clock, task.id, user, access=access)], ids=["complete", "claim"])
def test_a_request_read_before_the_change_is_refused_and_changes_nothing(
        session, clock, users, cause: str, act: Callable) -> None:
    task, access = _claimed_then_changed(session, clock, users, cause)
    task_id = task.id
    with pytest.raises(PermissionDenied) as refused:
        act(session, clock, task, users["Prakom"], access)
    assert refused.value.message == CHANGES[cause][1]
    session.rollback()
    row = session.get(HumanTask, task_id)
    assert (row.state, row.claimed_by_id, row.completed_by_id) == ("open", None, None)
    actions = session.scalars(select(AuditRecord.action).where(
        AuditRecord.human_task_id == task_id).order_by(AuditRecord.id)).all()
    assert actions == ["task.claimed", "task.released"]


def test_a_holder_who_may_still_act_completes_as_before(session, clock, users) -> None:
    """The same request without the change: the extra condition lets it through."""
    deploy(session, clock, mini_bpmn())
    prakom = users["Prakom"]
    started = start_instance(session, clock, process_key="sop_uji", title="Konsep",
                             user=prakom)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == started.id)).one()
    session.commit()
    access = Access.of(session, prakom, clock.now())
    complete_task(session, clock, task.id, prakom, {}, access=access)
    session.commit()
    assert session.get(HumanTask, task.id).completed_by_id == prakom.id
