"""One form page's key recorded by two transactions at once: the second waits for the
first and is told where it led, never the database's unique-key error."""

from engine.models import User
from engine.process import receipts
from tests.helpers.races import second_change


def test_the_second_of_two_claims_at_once_is_told_where_the_first_led(session, clock, users):
    session.commit()  # the users, as they are before any form is sent
    key = receipts.new_key()
    first = receipts.claim(session, clock, users["Prakom"], key)
    first.location = "/proses/1"
    refusal = second_change(
        session, lambda other: receipts.claim(other, clock, other.get(User, users["Prakom"].id), key),
        (receipts.DuplicateForm,))
    assert isinstance(refusal, receipts.DuplicateForm)
    assert refusal.location == "/proses/1"
    other_user = receipts.claim(session, clock, users["Kasubbag"], key)
    assert other_user is not None, "a key is one user's: another's page is another page"
