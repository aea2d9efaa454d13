"""The last active administrator cannot be taken away (README, "Akun, peran dan
keamanan"), also when two administrators remove each other at the same moment."""

import threading

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import PermissionDenied
from engine.models import User
from engine.people.accounts import set_disabled


def test_two_administrators_disabling_each_other_at_once_leave_one(session, clock, users):
    kasubbag = users["Kasubbag"]
    kasubbag.is_admin = True
    session.commit()
    admin_id, kasubbag_id = users["admin"].id, kasubbag.id
    # The first change is made and not yet committed when the second begins.
    set_disabled(session, clock, actor=kasubbag, user=users["admin"], disabled=True)
    outcome: list[BaseException | None] = []

    def second() -> None:
        with Session(session.get_bind()) as other:
            try:
                set_disabled(other, clock, actor=other.get(User, admin_id),
                             user=other.get(User, kasubbag_id), disabled=True)
                other.commit()
                outcome.append(None)
            except PermissionDenied as refusal:
                outcome.append(refusal)

    thread = threading.Thread(target=second)
    thread.start()
    thread.join(timeout=0.5)  # the second waits for the first's locks
    session.commit()
    thread.join(timeout=30)
    assert len(outcome) == 1 and isinstance(outcome[0], PermissionDenied)
    assert "kasubbag adalah administrator aktif terakhir" in str(outcome[0])
    session.expire_all()
    assert session.execute(select(User.username, User.is_disabled).where(
        User.is_admin.is_(True)).order_by(User.username)).all() == [
        ("admin", True), ("kasubbag", False)]


def test_the_only_administrator_cannot_be_disabled(session, clock, users):
    with pytest.raises(PermissionDenied):
        set_disabled(session, clock, actor=None, user=users["admin"], disabled=True)
