"""API tokens: a new one clears the user's tokens that no longer work, so asking for a
token on every call does not grow ``api_tokens`` for good; working tokens stay."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import NotFound
from engine.models import ApiToken
from engine.people import tokens


def _prefixes(session, user) -> list[str]:
    return list(session.scalars(select(ApiToken.prefix).where(ApiToken.user_id == user.id)
                                .order_by(ApiToken.id)))


def test_a_new_token_deletes_the_user_s_dead_tokens_and_keeps_the_working_ones(
        session, clock, users):
    prakom, kasubbag = users["Prakom"], users["Kasubbag"]
    expiring = tokens.issue(session, clock, prakom, 60)
    revoked = tokens.issue(session, clock, prakom, 3600)
    working = tokens.issue(session, clock, prakom, 3600)
    others = tokens.issue(session, clock, kasubbag, 60)
    revoked_id = session.scalar(select(ApiToken.id).where(ApiToken.prefix == revoked[:6]))
    tokens.revoke(session, clock, prakom, revoked_id)
    clock.advance(timedelta(minutes=2))
    fresh = tokens.issue(session, clock, prakom, 3600)
    assert _prefixes(session, prakom) == [working[:6], fresh[:6]]
    assert tokens.user_for(session, clock, working) is prakom
    assert tokens.user_for(session, clock, expiring) is None
    assert _prefixes(session, kasubbag) == [others[:6]], "another user's rows are his own"
    prakom.session_version += 1  # logged out everywhere: every earlier token is dead
    last = tokens.issue(session, clock, prakom, 3600)
    assert _prefixes(session, prakom) == [last[:6]]


def test_a_page_listing_a_dead_token_does_not_revoke_the_token_after_it(session, clock, users):
    """SQLite gives a deleted row's id to the next row: the page's Cabut names the token
    it listed by its prefix too."""
    prakom = users["Prakom"]
    dead = tokens.issue(session, clock, prakom, 60)
    dead_id = session.scalar(select(ApiToken.id).where(ApiToken.prefix == dead[:6]))
    clock.advance(timedelta(minutes=2))
    fresh = tokens.issue(session, clock, prakom, 3600)
    with pytest.raises(NotFound):
        tokens.revoke(session, clock, prakom, dead_id, dead[:6])
    assert tokens.user_for(session, clock, fresh) is prakom
    fresh_id = session.scalar(select(ApiToken.id).where(ApiToken.prefix == fresh[:6]))
    tokens.revoke(session, clock, prakom, fresh_id, fresh[:6])
    assert tokens.user_for(session, clock, fresh) is None
