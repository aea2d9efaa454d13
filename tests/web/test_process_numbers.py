"""Process numbers are of the office's year (its time zone), and a counter that fell behind
the numbers given (an older Alur ran on the upgraded database for a while) is caught up
before the web and the worker start and at ``alur setup``, so that the next start takes a
free number instead of being refused."""

import logging
from datetime import UTC, datetime

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.exc import IntegrityError

from engine import settings
from engine.models import ProcessInstance, ProcessNumber, User
from engine.process.instances import start_instance
from tests.web.conftest import unmigrated_app
from web.cli.startup import wait_for_database
from web.extensions import clock, db

SERVER_SOP = "penanganan_gangguan_server"


def _start(title: str) -> str:
    prakom = db.session.scalar(select(User).where(User.username == "prakom"))
    number = start_instance(db.session, clock(), process_key=SERVER_SOP, title=title,
                            user=prakom).number
    db.session.commit()
    return number


@pytest.mark.parametrize(("zone", "new_year_utc"), [
    ("Asia/Jakarta", datetime(2026, 12, 31, 17, 0, tzinfo=UTC)),  # 00.00 WIB
    ("Asia/Jayapura", datetime(2026, 12, 31, 15, 0, tzinfo=UTC)),  # 00.00 WIT
])
def test_a_start_just_after_midnight_on_new_year_is_numbered_in_the_new_year(
        app, zone, new_year_utc):
    with app.app_context():
        settings.put(db.session, "calendar", {**settings.get(db.session, "calendar"),
                                              "timezone": zone})
        db.session.commit()
        clock().set(new_year_utc.replace(minute=59, second=59, hour=new_year_utc.hour - 1))
        last_of_2026 = _start("Server mati malam tahun baru")
        clock().set(new_year_utc.replace(minute=30))
        first_of_2027 = _start("Server mati dini hari")
    assert (last_of_2026, first_of_2027) == ("GS-2026-0001", "GS-2027-0001")


def _as_an_older_alur_left_it() -> tuple[str, str]:
    """Three instances numbered, the counter of their stem back at 1 (the older Alur gave
    numbers 2 and 3 without it); an RKT numbered with no counter at all."""
    given = [_start(f"Server mati {n}") for n in range(3)]
    stem = given[0][:-4]
    db.session.execute(update(ProcessNumber).where(ProcessNumber.stem == stem).values(last=1))
    db.session.execute(update(ProcessInstance).where(ProcessInstance.number == given[0])
                       .values(number=f"RKT-{given[0][-9:-5]}-0007"))
    db.session.execute(delete(ProcessNumber).where(ProcessNumber.stem.like("RKT-%")))
    db.session.commit()
    return stem, given[-1]


def test_the_worker_catches_a_counter_up_before_it_starts(app, caplog):
    with app.app_context():
        stem, last = _as_an_older_alur_left_it()
        with pytest.raises(IntegrityError):  # what every start met without the catch-up
            _start("Server mati lagi")
        db.session.rollback()
    with caplog.at_level(logging.WARNING, logger="alur.startup"):
        wait_for_database(app, "alur worker")
    with app.app_context():
        assert _start("Server mati lagi") == f"{stem}0004" == last[:-1] + "4"
        counters = dict(db.session.execute(select(ProcessNumber.stem, ProcessNumber.last)).all())
    year = stem.split("-")[1]
    assert counters == {stem: 4, f"RKT-{year}-": 7}
    assert sorted(r.getMessage() for r in caplog.records) == sorted([
        f"penghitung nomor proses RKT-{year}- tertinggal; dilanjutkan setelah RKT-{year}-0007",
        f"penghitung nomor proses {stem} tertinggal; dilanjutkan setelah {last}"])


def test_a_counter_ahead_or_level_is_left_as_it_is(app, caplog):
    with app.app_context():
        given = [_start(f"Server mati {n}") for n in range(2)]
        stem = given[0][:-4]
        db.session.execute(update(ProcessNumber).values(last=9))  # numbers given, then lost
        db.session.commit()
    with caplog.at_level(logging.WARNING, logger="alur.startup"):
        wait_for_database(app, "alur serve")
    with app.app_context():
        assert _start("Server mati lagi") == f"{stem}0010"
    assert caplog.records == []


def test_setup_catches_the_counters_up_and_says_so(database, tmp_path):
    app = unmigrated_app(database, tmp_path)
    try:
        assert app.test_cli_runner().invoke(args=["setup", "--demo"]).exit_code == 0
        with app.app_context():
            stem, last = _as_an_older_alur_left_it()
        result = app.test_cli_runner().invoke(args=["setup", "--demo"])
        assert result.exit_code == 0, result.output
        year = stem.split("-")[1]
        assert (f"penghitung nomor proses RKT-{year}- tertinggal; dilanjutkan setelah "
                f"RKT-{year}-0007\n") in result.output
        assert f"penghitung nomor proses {stem} tertinggal; dilanjutkan setelah {last}\n" \
            in result.output
        with app.app_context():
            assert _start("Server mati lagi") == f"{stem}0004"
        again = app.test_cli_runner().invoke(args=["setup", "--demo"])
        assert "penghitung" not in again.output
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
