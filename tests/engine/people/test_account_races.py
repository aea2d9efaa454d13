"""Two accounts of one name created at once: the second is refused in words, as when the
first was already there, never with the database's error."""

import pytest

from engine.errors import InvalidTaskData
from engine.people import accounts
from tests.helpers.races import second_change


def _create(session, clock) -> None:
    accounts.create(session, clock, lambda password: "-", actor=None, username="kembar",
                    full_name="Kembar", email=None, roles=["Prakom"], is_admin=False,
                    password="rahasia-12345")


def test_the_second_of_two_accounts_of_one_name_at_once_is_told_it_exists(session, clock):
    _create(session, clock)
    refusal = second_change(session, lambda other: _create(other, clock), (InvalidTaskData,))
    assert isinstance(refusal, InvalidTaskData)
    assert refusal.fields == {"username": "pengguna kembar sudah ada"}
    with pytest.raises(InvalidTaskData):
        _create(session, clock)
