"""The last active administrator cannot be taken away (README, "Akun, peran dan
keamanan"), also when two administrators remove each other at the same moment."""

import pytest
from sqlalchemy import select

from engine.errors import PermissionDenied
from engine.models import User
from engine.people.accounts import set_disabled
from tests.helpers.races import second_change


def test_two_administrators_disabling_each_other_at_once_leave_one(session, clock, users):
    kasubbag = users["Kasubbag"]
    kasubbag.is_admin = True
    session.commit()
    admin_id, kasubbag_id = users["admin"].id, kasubbag.id
    # The first change is made and not yet committed when the second begins.
    set_disabled(session, clock, actor=kasubbag, user=users["admin"], disabled=True)
    refusal = second_change(session, lambda other: set_disabled(
        other, clock, actor=other.get(User, admin_id), user=other.get(User, kasubbag_id),
        disabled=True), (PermissionDenied,))
    assert isinstance(refusal, PermissionDenied)
    assert "kasubbag adalah administrator aktif terakhir" in str(refusal)
    session.expire_all()
    assert session.execute(select(User.username, User.is_disabled).where(
        User.is_admin.is_(True)).order_by(User.username)).all() == [
        ("admin", True), ("kasubbag", False)]


def test_the_only_administrator_cannot_be_disabled(session, clock, users):
    with pytest.raises(PermissionDenied):
        set_disabled(session, clock, actor=None, user=users["admin"], disabled=True)
