"""No chains of substitutes: a Plh/Plt who is himself replaced for part of his period, or
an official away who stands in for someone, is refused (two Prakom recorded as each other's
Plh left every Prakom step with no one it could be assigned to, while reminders still went
to both). Periods that do not meet are fine; an extension is checked the same way."""

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from engine.errors import InvalidTaskData
from engine.models import Substitution
from engine.people.substitution import extend, record
from tests.helpers.people import add_user


@pytest.fixture
def gita(session, clock):
    return add_user(session, clock, "prakom2", "Gita Putri", "Prakom")


def _record(session, clock, users, official, substitute, role, number, *, start=0, days=7,
            kind="Plh"):
    begins = clock.now() + timedelta(days=start)
    return record(session, clock, kind=kind, official=official, substitute=substitute,
                  role=role, warrant_number=number, starts_at=begins,
                  ends_at=begins + timedelta(days=days), created_by=users["admin"])


def test_each_others_plh_is_refused_naming_both_sides(session, clock, users, gita):
    prakom = users["Prakom"]
    _record(session, clock, users, gita, prakom, "Prakom", "SP-5")
    with pytest.raises(InvalidTaskData) as refused:
        _record(session, clock, users, prakom, gita, "Prakom", "SP-6", start=3)
    assert refused.value.fields == {
        "substitute": "Gita Putri sendiri digantikan pada sebagian periode ini (Plh. Prakom "
                      "Demo Prakom, surat perintah SP-5); pengganti harus bertugas selama masa "
                      "penggantian: pilih orang lain atau periode lain",
        "official": "Demo Prakom sedang menjadi Plh. Prakom bagi Gita Putri pada sebagian "
                    "periode ini (surat perintah SP-5); akhiri penggantian itu dulu atau pilih "
                    "periode lain"}
    assert session.scalar(select(func.count()).select_from(Substitution)) == 1


def test_one_replaced_in_any_role_cannot_stand_in_for_another(session, clock, users, gita):
    _record(session, clock, users, gita, users["Prakom"], "Prakom", "SP-5")
    with pytest.raises(InvalidTaskData) as refused:
        _record(session, clock, users, users["Kasubbag"], gita, "Kasubbag", "SP-90", start=6)
    assert list(refused.value.fields) == ["substitute"]


def test_periods_that_do_not_meet_are_fine_and_an_extension_into_one_is_refused(
        session, clock, users, gita):
    _record(session, clock, users, gita, users["Prakom"], "Prakom", "SP-5", start=30)
    plt = _record(session, clock, users, users["Kasubbag"], gita, "Kasubbag", "SP-90",
                  days=30, kind="Plt")
    with pytest.raises(InvalidTaskData) as refused:
        extend(session, clock, plt, users["admin"], plt.ends_at + timedelta(days=1))
    assert refused.value.fields["ends_at"].startswith(
        "Gita Putri sendiri digantikan pada sebagian periode ini (Plh. Prakom Demo Prakom")
    assert plt.ends_at == clock.now() + timedelta(days=30)
