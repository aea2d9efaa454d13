"""An official whose taken step his Plh/Plt completes is told so, by whom and in which
capacity (the supervisor probe: the Plh finished it five seconds after the official took it,
and the official learnt nothing); no one is told of a step its own holder completes."""

from datetime import timedelta

from sqlalchemy import select

from engine.models import Notification
from engine.people.substitution import record
from engine.process.tasks import claim_task, complete_task

DONE = {"keputusan_kasubbag": "setuju"}


def _notices(session, user) -> list[tuple[str, str, dict]]:
    return [(n.kind, n.message, n.params) for n in session.scalars(
        select(Notification).where(Notification.user_id == user.id,
                                   Notification.kind == "penugasan"))]


def _plh(session, clock, users) -> None:
    record(session, clock, kind="Plh", official=users["Kasubbag"],
           substitute=users["Sekretaris"], role="Kasubbag", warrant_number="SP-1",
           starts_at=clock.now(), ends_at=clock.now() + timedelta(days=7),
           created_by=users["admin"])


def test_the_official_is_told_when_his_plh_completes_the_step_he_took(
        session, clock, users, review):
    _plh(session, clock, users)
    claim_task(session, clock, review.id, users["Kasubbag"])
    session.commit()
    complete_task(session, clock, review.id, users["Sekretaris"], DONE)
    session.commit()
    assert _notices(session, users["Kasubbag"]) == [(
        "penugasan", 'Langkah "Memeriksa konsep" (Konsep) yang Anda ambil diselesaikan oleh '
                     f'{users["Sekretaris"].full_name} sebagai Plh. Kasubbag.',
        {"done_by": users["Sekretaris"].full_name, "done_as": "Plh. Kasubbag",
         "step": "Memeriksa konsep", "title": "Konsep", "number": review.instance.number,
         "process": "SOP Uji"})]
    assert _notices(session, users["Sekretaris"]) == []


def test_no_one_is_told_of_a_step_its_holder_or_an_untaken_step_completed(
        session, clock, users, review):
    _plh(session, clock, users)
    session.commit()
    complete_task(session, clock, review.id, users["Sekretaris"], DONE)  # nobody had it
    session.commit()
    assert _notices(session, users["Kasubbag"]) == []
