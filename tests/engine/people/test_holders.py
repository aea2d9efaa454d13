"""The inbox's bulk "Alihkan kepada" choice (``holders_of``, one statement for all the
roles a Kasubbag supervises) names exactly whom Alihkan may pick one role at a time
(``present_holders``): Plh in place of the official, disabled and away accounts left out,
a second holder of the role and a substitute who holds the role himself each once."""

from datetime import timedelta

from engine.models import User, UserRole
from engine.people.holders import holders_of, present_holders, unheld_lanes
from engine.people.substitution import record
from engine.roles import KNOWN_ROLES


def test_the_bulk_choice_is_alihkan_s_choice_for_every_role(session, clock, users):
    now = clock.now()
    second = User(username="prakom2", full_name="Ani Prakom", password_hash="-",
                  created_at=now, roles=[UserRole(role="Prakom"), UserRole(role="Kasubbag")])
    gone = User(username="prakom3", full_name="Budi Prakom", password_hash="-",
                created_at=now, is_disabled=True, roles=[UserRole(role="Prakom")])
    session.add_all([second, gone])
    session.flush()
    # The Sekretaris stands in for the Kasubbag (who is then away), and the second Prakom,
    # a Kasubbag himself, for the Prakom: he is in both lists once, the Prakom in neither.
    for official, substitute, role in ((users["Kasubbag"], users["Sekretaris"], "Kasubbag"),
                                       (users["Prakom"], second, "Prakom")):
        record(session, clock, kind="Plh", official=official, substitute=substitute,
               role=role, warrant_number="SP-1", starts_at=now,
               ends_at=now + timedelta(days=7), created_by=users["admin"])
    session.flush()
    clock.advance(timedelta(minutes=1))
    roles = sorted(KNOWN_ROLES)

    chosen = [(h.role, h.id, h.full_name) for h in holders_of(session, roles, clock.now())]

    expected = [(role, user.id, user.full_name) for role in roles for user in sorted(
        present_holders(session, role, clock.now()), key=lambda user: user.full_name)]
    assert chosen == expected
    assert [(role, name) for role, _, name in chosen if role in ("Prakom", "Kasubbag")] == [
        ("Kasubbag", "Ani Prakom"), ("Kasubbag", "Demo Sekretaris"), ("Prakom", "Ani Prakom")]
    kinds = {(h.role, h.full_name): h.kind for h in holders_of(session, roles, clock.now())}
    assert (kinds[("Kasubbag", "Demo Sekretaris")], kinds[("Prakom", "Ani Prakom")]) == (
        "Plh", ""), "one standing in for a role he holds himself is offered as its holder"
    assert holders_of(session, [], clock.now()) == []


def test_a_lane_is_unheld_without_an_active_holder_or_one_standing_in(session, clock, users):
    """``unheld_lanes``: the lanes with a user task that nobody answers for (the event-only
    lane of a version does not count)."""
    catalog = {"lanes": ["Prakom", "Pihak Ketiga", "Ketua"],
               "tasks": {"K1": {"lane": "Prakom"}, "K2": {"lane": "Pihak Ketiga"}}}
    assert unheld_lanes(session, catalog, clock.now()) == []
    users["Pihak Ketiga"].is_disabled = True
    users["Ketua"].is_disabled = True
    session.flush()
    assert unheld_lanes(session, catalog, clock.now()) == ["Pihak Ketiga"]
    now = clock.now()
    record(session, clock, kind="Plt", official=users["Pihak Ketiga"], substitute=users["Prakom"],
           role="Pihak Ketiga", warrant_number="SP-2", starts_at=now,
           ends_at=now + timedelta(days=30), created_by=users["admin"])
    session.flush()
    clock.advance(timedelta(minutes=1))
    assert unheld_lanes(session, catalog, clock.now()) == []
