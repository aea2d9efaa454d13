"""An escalation that reaches no one (a vacant post, a small office whose supervisor is the
late official himself) is told to the active administrators, once per role while unread."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.escalation.notifications import UNREACHED_KIND
from engine.models import HumanTask, Notification, User, UserRole
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task
from tests.conftest import mini_bpmn
from tests.engine.escalation.test_timers import fire_due


@pytest.fixture
def vacant_kasubbag(session, clock, users):
    """The sop_uji SOP deployed; the Kasubbag's account disabled, no Plt recorded."""
    deploy(session, clock, mini_bpmn())
    users["Kasubbag"].is_disabled = True
    session.commit()
    return users


def _late_claimed_step(session, clock, users, title: str) -> HumanTask:
    instance = start_instance(session, clock, process_key="sop_uji", title=title,
                              user=users["Prakom"])
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    claim_task(session, clock, task.id, users["Prakom"])
    session.commit()
    return task


def _unreached(session) -> list[tuple[int, int, str, bool]]:
    return [(n.user_id, n.params["level"], n.params["role"], n.params["alone"])
            for n in session.scalars(select(Notification).where(Notification.kind == UNREACHED_KIND)
                                     .order_by(Notification.id))]


def test_a_vacant_post_is_told_to_each_active_administrator_once(session, clock,
                                                                 vacant_kasubbag):
    users = vacant_kasubbag
    away = User(username="admin2", full_name="Admin Lama", password_hash="-", is_admin=True,
                is_disabled=True, created_at=clock.now())
    session.add(away)
    first = _late_claimed_step(session, clock, users, "Konsep surat")
    second = _late_claimed_step(session, clock, users, "Konsep nota")
    clock.advance(timedelta(minutes=90))
    while fire_due(session, clock):
        pass
    assert _unreached(session) == [(users["admin"].id, 2, "Kasubbag", False)]
    notice = session.scalars(select(Notification).where(Notification.kind == UNREACHED_KIND)).one()
    assert notice.human_task_id == first.id and notice.role == "Administrator"
    assert notice.message.startswith('Eskalasi tingkat 2 untuk Kasubbag tentang langkah "')
    assert "tidak sampai kepada siapa pun" in notice.message
    # The chain went on up: the Sekretaris heard of both steps at level 3.
    sekretaris = {n.human_task_id for n in session.scalars(
        select(Notification).where(Notification.user_id == users["Sekretaris"].id))}
    assert sekretaris == {first.id, second.id}


def test_a_read_notice_lets_the_next_one_through(session, clock, vacant_kasubbag):
    users = vacant_kasubbag
    _late_claimed_step(session, clock, users, "Konsep surat")
    clock.advance(timedelta(minutes=90))
    while fire_due(session, clock):
        pass
    session.scalars(select(Notification).where(Notification.kind == UNREACHED_KIND)).one() \
        .read_at = clock.now()
    session.commit()
    _late_claimed_step(session, clock, users, "Konsep nota")
    clock.advance(timedelta(minutes=90))
    while fire_due(session, clock):
        pass
    assert len(_unreached(session)) == 2


def test_the_late_official_alone_in_the_role_above_is_said_so(session, clock, users):
    deploy(session, clock, mini_bpmn())
    users["Kasubbag"].roles.clear()
    users["Prakom"].roles.append(UserRole(role="Kasubbag"))  # the only Kasubbag
    session.commit()
    _late_claimed_step(session, clock, users, "Konsep surat")
    clock.advance(timedelta(minutes=90))
    while fire_due(session, clock):
        pass
    assert _unreached(session) == [(users["admin"].id, 2, "Kasubbag", True)]
    [message] = session.scalars(select(Notification.message).where(
        Notification.kind == UNREACHED_KIND))
    assert (f'{users["Prakom"].full_name}, yang mengerjakan langkah itu, sendiri yang memegang '
            "peran Kasubbag, dan ia tidak diberi tahu sebagai atasannya sendiri. Eskalasi naik "
            "ke tingkat berikutnya bila ada; bila perlu, beri peran Kasubbag kepada akun lain."
            ) in message


def test_an_escalation_that_reaches_someone_tells_no_administrator(session, clock, users):
    deploy(session, clock, mini_bpmn())
    _late_claimed_step(session, clock, users, "Konsep surat")
    clock.advance(timedelta(minutes=90))
    while fire_due(session, clock):
        pass
    assert _unreached(session) == []
