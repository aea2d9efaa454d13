"""Two administrators saving the settings page at once, or one from a page opened before
another's save: each page sends back every field as it showed them, so the later save
would silently undo the earlier one's change while the audit kept both. A save carries
the ``stamp`` of what its page showed and is refused when the stored settings differ."""

import pytest

from engine import settings
from engine.errors import Conflict
from tests.helpers.races import second_change

PAGE = ("smtp", "webhook")


def _shown(session) -> str:
    return settings.stamp({key: settings.get(session, key) for key in PAGE})


def _with(session, **smtp) -> dict:
    return {"smtp": {**settings.get(session, "smtp"), **smtp},
            "webhook": settings.get(session, "webhook")}


def test_a_save_from_a_page_shown_before_another_save_stores_nothing(session, clock):
    seen = _shown(session)
    settings.save(session, clock, None, _with(session, port=2000), seen=seen)
    session.commit()
    stale = {"smtp": {**settings.get(session, "smtp"), "port": 25, "host": "mail0.pn.go.id"},
             "webhook": settings.get(session, "webhook")}
    with pytest.raises(Conflict):
        settings.save(session, clock, None, stale, seen=seen)
    session.rollback()
    assert (settings.get(session, "smtp")["host"], settings.get(session, "smtp")["port"]) == (
        "", 2000)


def test_of_two_saves_at_once_the_second_waits_and_is_refused(session, clock):
    seen = _shown(session)
    settings.save(session, clock, None, _with(session, host="mail0.pn.go.id"), seen=seen)
    # Not committed: the other administrator's save, from the same page, waits for it.
    refusal = second_change(session, lambda other: settings.save(
        other, clock, None, _with(other, port=2000), seen=seen), (Conflict,))
    assert isinstance(refusal, Conflict), refusal
    session.expire_all()
    session.rollback()
    assert (settings.get(session, "smtp")["host"], settings.get(session, "smtp")["port"]) == (
        "mail0.pn.go.id", 25)


def test_a_save_from_the_current_page_goes_through(session, clock):
    changed = settings.save(session, clock, None, _with(session, port=2000),
                            seen=_shown(session))
    assert changed == {"smtp.port": {"old": 25, "new": 2000}}
