"""A step taken by someone who may no longer act in its role goes back to its unit: the
Plh/Plt ended (early or at its end), the account was disabled, the role taken away. The
role's holders see it in Tugas Unit again and may take it; live claims stay."""

from datetime import timedelta

import pytest
from sqlalchemy import select

from engine.errors import PermissionDenied
from engine.models import AuditRecord, User, UserRole
from engine.people.accounts import set_disabled, update_details
from engine.people.claims import release_lapsed
from engine.people.holders import acting_in
from engine.people.substitution import away, capacities, end_early, record
from engine.process.inbox import InboxQuery, inbox_page
from engine.process.tasks import claim_task, complete_task


@pytest.fixture
def plh(session, clock, users):
    """Sekretaris stands in as Plh. Kasubbag for a week, from now."""
    substitution = record(
        session, clock, kind="Plh", official=users["Kasubbag"], substitute=users["Sekretaris"],
        role="Kasubbag", warrant_number="SP-1", starts_at=clock.now(),
        ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    session.commit()
    return substitution


def _released(session) -> list[tuple]:
    return [(r.human_task_id, r.actor_id, r.detail["holder"]) for r in session.scalars(
        select(AuditRecord).where(AuditRecord.action == "task.released"))]


def test_ending_a_plh_early_gives_the_step_back_to_the_officials_unit(
        session, clock, users, review, plh):
    claim_task(session, clock, review.id, users["Sekretaris"])
    session.commit()
    clock.advance(timedelta(hours=1))
    end_early(session, clock, plh, users["Kasubbag"])
    session.commit()
    assert (review.claimed_by_id, review.claimed_at) == (None, None)
    # The official who ended it released the step: the trail names him, not Alur.
    assert _released(session) == [(review.id, users["Kasubbag"].id, "sekretaris")]
    ended = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "substitution.ended")).one()
    assert (ended.actor_id, ended.detail["official"], ended.detail["substitute"]) == (
        users["Kasubbag"].id, "kasubbag", "sekretaris")  # who stood in for whom, on record
    unit = inbox_page(session, clock, users["Kasubbag"], InboxQuery(view="unit"))
    assert [row.id for row in unit.items] == [review.id]
    claim_task(session, clock, review.id, users["Kasubbag"])
    assert review.claimed_by_id == users["Kasubbag"].id


def test_a_plh_that_ran_out_releases_its_steps_at_the_workers_next_round(
        session, clock, users, review, plh):
    claim_task(session, clock, review.id, users["Sekretaris"])
    session.commit()
    assert release_lapsed(session, clock) == 0  # still standing in
    clock.advance(timedelta(days=7))  # ends_at is exclusive: over now
    assert release_lapsed(session, clock) == 1
    assert release_lapsed(session, clock) == 0
    assert review.claimed_by_id is None
    assert _released(session) == [(review.id, None, "sekretaris")]  # the worker's round


def test_disabling_an_account_or_taking_its_role_away_releases_its_claims(
        session, clock, users, review):
    kasubbag = users["Kasubbag"]
    claim_task(session, clock, review.id, kasubbag)
    update_details(session, clock, actor=users["admin"], user=kasubbag,
                   full_name=kasubbag.full_name, email=kasubbag.email, roles=["Kasubbag"],
                   is_admin=False)
    set_disabled(session, clock, actor=users["admin"], user=users["Prakom"], disabled=True)
    session.commit()
    assert review.claimed_by_id == kasubbag.id  # a live claim stays
    assert _released(session) == []

    set_disabled(session, clock, actor=users["admin"], user=kasubbag, disabled=True)
    session.commit()
    assert review.claimed_by_id is None
    set_disabled(session, clock, actor=users["admin"], user=kasubbag, disabled=False)
    claim_task(session, clock, review.id, kasubbag)
    update_details(session, clock, actor=users["admin"], user=kasubbag,
                   full_name=kasubbag.full_name, email=kasubbag.email, roles=["Sekretaris"],
                   is_admin=False)
    session.commit()
    assert review.claimed_by_id is None
    assert _released(session) == [(review.id, users["admin"].id, "kasubbag")] * 2


def test_a_substitute_who_lost_every_role_stands_in_no_more(session, clock, users, review,
                                                             plh):
    """README: a substitute is "pegawai aktif yang memegang peran"; one who holds none any
    more gets nothing of the official's, and the official answers for the role again."""
    sekretaris, kasubbag = users["Sekretaris"], users["Kasubbag"]
    claim_task(session, clock, review.id, sekretaris)
    session.commit()
    assert acting_in(session, "Kasubbag", clock.now()) == [sekretaris]
    update_details(session, clock, actor=users["admin"], user=sekretaris,
                   full_name=sekretaris.full_name, email=None, roles=[], is_admin=False)
    session.commit()
    assert review.claimed_by_id is None
    assert _released(session) == [(review.id, users["admin"].id, "sekretaris")]
    assert capacities(session, sekretaris, clock.now()) == {}
    assert inbox_page(session, clock, sekretaris, InboxQuery(view="unit")).items == []
    with pytest.raises(PermissionDenied):
        claim_task(session, clock, review.id, sekretaris)
    assert acting_in(session, "Kasubbag", clock.now()) == [kasubbag]
    assert kasubbag.id not in away(session, clock.now())


def test_a_plh_who_holds_the_role_himself_takes_over_the_officials_step(
        session, clock, users, review):
    other = User(username="kasubbag2", full_name="Kasubbag Dua", password_hash="-",
                 created_at=clock.now(), roles=[UserRole(role="Kasubbag")])
    session.add(other)
    substitution = record(
        session, clock, kind="Plh", official=users["Kasubbag"], substitute=other,
        role="Kasubbag", warrant_number="SP-2", starts_at=clock.now(),
        ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    claim_task(session, clock, review.id, users["Kasubbag"])
    session.commit()

    assert capacities(session, other, clock.now())["Kasubbag"].stands_in == (substitution,)
    claim_task(session, clock, review.id, other)
    session.commit()
    assert review.claimed_by_id == other.id
    taken = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "task.claimed").order_by(AuditRecord.id.desc())).first()
    assert (taken.actor_id, taken.detail["previous"], taken.detail["acting_as"]) == (
        other.id, "kasubbag", "Plh. Kasubbag")
    # Taken over as Plh, it is completed as Plh too: the official back from leave reads it
    # among the steps done in his place (it was his, taken while he was away).
    complete_task(session, clock, review.id, other, {"keputusan_kasubbag": "setuju"})
    assert review.completed_as == "Plh. Kasubbag"


def test_a_plh_who_holds_the_role_completing_the_officials_claimed_step_is_named_plh(
        session, clock, users, review):
    other = User(username="kasubbag2", full_name="Kasubbag Dua", password_hash="-",
                 created_at=clock.now(), roles=[UserRole(role="Kasubbag")])
    session.add(other)
    record(session, clock, kind="Plh", official=users["Kasubbag"], substitute=other,
           role="Kasubbag", warrant_number="SP-2", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=7), created_by=users["admin"])
    claim_task(session, clock, review.id, users["Kasubbag"])
    session.commit()
    complete_task(session, clock, review.id, other, {"keputusan_kasubbag": "setuju"})
    assert (review.completed_by_id, review.completed_as) == (other.id, "Plh. Kasubbag")
