"""Two saves of saved filters at once: the second waits for the first and sees it, so a
name in another case replaces it and the limit holds (README "Kotak Masuk", saved
filters). Both were stored: the check read before either had written."""

from sqlalchemy import func, select

from engine.errors import InvalidTaskData
from engine.inbox_models import SavedFilter
from engine.models import User
from engine.process.saved_filters import MAX_PER_USER, save_filter
from tests.helpers.races import second_change


def _names(session, user) -> list[str]:
    return sorted(session.scalars(select(SavedFilter.name).where(
        SavedFilter.user_id == user.id)))


def test_a_name_in_another_case_saved_at_once_replaces_the_first(session, clock, users):
    prakom = users["Prakom"]
    session.commit()
    save_filter(session, clock, prakom, "Ümlaut", {"status": "terlambat"})
    refusal = second_change(session, lambda other: save_filter(
        other, clock, other.get(User, prakom.id), "ümlaut", {}), (InvalidTaskData,))
    assert refusal is None
    session.expire_all()
    assert _names(session, prakom) == ["ümlaut"]


def test_the_limit_holds_for_two_saves_at_once(session, clock, users):
    prakom = users["Prakom"]
    for number in range(MAX_PER_USER - 1):
        save_filter(session, clock, prakom, f"Saringan {number}", {})
    session.commit()
    save_filter(session, clock, prakom, "Terakhir", {})
    refusal = second_change(session, lambda other: save_filter(
        other, clock, other.get(User, prakom.id), "Kelebihan", {}), (InvalidTaskData,))
    assert isinstance(refusal, InvalidTaskData)
    assert session.scalar(select(func.count()).select_from(SavedFilter)) == MAX_PER_USER
