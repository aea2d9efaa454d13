"""A change of the office calendar moves the deadlines of steps already open (README,
"Kalender kerja"): each worker round counts a batch of instances again, from each step's
start; a deadline whose reminder fired never moves later, its levels 2+ follow."""

from datetime import datetime

from sqlalchemy import select

from engine import settings
from engine.escalation.timers import fire_round
from engine.models import AuditRecord, Escalation, HumanTask, Timer
from engine.process.instances import start_instance
from engine.process.recount import recount_round
from tests.conftest import WIB

SERVER = "penanganan_gangguan_server"  # first step Prakom's, Waktu 1 jam
MONDAY_HOLIDAY = {"timezone": "Asia/Jakarta", "ramadan": [],
                  "added": {"2026-11-23": "Libur kantor"}, "removed": []}


def _start(session, clock, users, title: str = "SIPP mati"):
    instance = start_instance(session, clock, process_key=SERVER, title=title,
                              user=users["Prakom"], data={})
    session.commit()
    return instance


def _due(session, instance) -> datetime:
    return session.scalar(select(HumanTask.due_at).where(HumanTask.instance_id == instance.id))


def _timers(session, instance) -> list[tuple[int, datetime]]:
    return list(session.execute(select(Timer.level, Timer.fire_at).where(
        Timer.instance_id == instance.id).order_by(Timer.level)))


def _reminded_at_nine(session, clock, users):
    """An instance whose step (due Monday 09.00) was reminded at 09.05: level 2 at 10.00."""
    instance = _start(session, clock, users)
    clock.set(datetime(2026, 11, 23, 9, 5, tzinfo=WIB))
    fire_round(session, clock, lambda instance_id, error: session.commit())
    assert _timers(session, instance) == [(2, datetime(2026, 11, 23, 10, 0, tzinfo=WIB))]
    return instance


def _declare_monday_a_holiday(session, clock, users) -> None:
    settings.save(session, clock, users["admin"], {"calendar": MONDAY_HOLIDAY})
    session.commit()


def test_a_holiday_declared_later_moves_an_open_steps_deadline_and_its_timers(
        session, clock, users, deployed):
    instance = _start(session, clock, users)  # Monday 23 Nov 08.00
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    _declare_monday_a_holiday(session, clock, users)
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)  # until a round
    assert recount_round(session, clock).recounted == [instance.id]
    session.commit()
    tuesday = datetime(2026, 11, 24, 8, 30, tzinfo=WIB)  # 1 jam from Tuesday's 07.30
    assert _due(session, instance) == tuesday
    assert _timers(session, instance) == [(1, tuesday)]
    [record] = session.scalars(select(AuditRecord).where(
        AuditRecord.action == "instance.deadlines_recounted"))
    assert (record.instance_id, record.detail) == (instance.id, {"steps": {
        "Menerima dan mencatat laporan gangguan server": {
            "old": "2026-11-23T02:00:00+00:00", "new": "2026-11-24T01:30:00+00:00"}}})
    assert settings.get(session, settings.RECOUNT) == {}
    clock.set(datetime(2026, 11, 24, 8, 29, tzinfo=WIB))
    fire_round(session, clock, lambda instance_id, error: session.commit())
    assert session.scalars(select(Escalation)).all() == []  # not late before 08.30


def test_a_fired_deadline_stays_and_the_next_levels_follow_the_new_calendar(
        session, clock, users, deployed):
    instance = _reminded_at_nine(session, clock, users)
    _declare_monday_a_holiday(session, clock, users)
    assert recount_round(session, clock).recounted == [instance.id]
    session.commit()
    # The Prakom was told at 09.00 that the step is late: it stays late from then. The
    # Kasubbag's level counts one more hour of office time from there: Tuesday 08.30.
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    assert _timers(session, instance) == [(2, datetime(2026, 11, 24, 8, 30, tzinfo=WIB))]
    assert not session.scalars(select(AuditRecord).where(
        AuditRecord.action == "instance.deadlines_recounted")).all()


def test_each_round_takes_a_batch_until_every_instance_is_counted(
        session, clock, users, deployed):
    first, second = _start(session, clock, users, "satu"), _start(session, clock, users, "dua")
    _declare_monday_a_holiday(session, clock, users)
    rounds = []
    for _ in range(3):
        rounds.append((recount_round(session, clock, limit=1).recounted,
                       settings.get(session, settings.RECOUNT)))
        session.commit()
    assert rounds == [([first.id], {"after_id": first.id}),
                      ([second.id], {"after_id": second.id}), ([], {})]
    assert _due(session, first) == _due(session, second) == datetime(2026, 11, 24, 8, 30,
                                                                     tzinfo=WIB)


def test_other_settings_and_an_unchanged_calendar_count_nothing_again(
        session, clock, users, deployed):
    instance = _start(session, clock, users)
    settings.save(session, clock, users["admin"], {
        "calendar": settings.get(session, "calendar"), "substitution": {"plh_max_days": 10}})
    session.commit()
    assert settings.get(session, settings.RECOUNT) == {}
    assert recount_round(session, clock).recounted == []
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)


def test_a_calendar_saved_again_during_the_count_starts_it_over(
        session, clock, users, deployed):
    first, second = _start(session, clock, users, "satu"), _start(session, clock, users, "dua")
    _declare_monday_a_holiday(session, clock, users)
    assert recount_round(session, clock, limit=1).recounted == [first.id]
    session.commit()
    settings.save(session, clock, users["admin"], {"calendar": {
        **MONDAY_HOLIDAY, "added": {**MONDAY_HOLIDAY["added"], "2026-11-24": "Cuti bersama"}}})
    session.commit()
    assert recount_round(session, clock).recounted == [first.id, second.id]
    session.commit()
    wednesday = datetime(2026, 11, 25, 8, 30, tzinfo=WIB)
    assert _due(session, first) == _due(session, second) == wednesday


def test_a_state_that_cannot_be_loaded_keeps_its_deadline_and_the_count_goes_on(
        session, clock, users, deployed):
    broken, sound = _start(session, clock, users, "rusak"), _start(session, clock, users, "utuh")
    broken.state_json = "{"
    session.commit()
    _declare_monday_a_holiday(session, clock, users)
    done = recount_round(session, clock)
    session.commit()
    assert (done.recounted, [instance_id for instance_id, _ in done.failed]) == (
        [sound.id], [broken.id])
    assert _due(session, broken) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    assert _due(session, sound) == datetime(2026, 11, 24, 8, 30, tzinfo=WIB)
    assert settings.get(session, settings.RECOUNT) == {}


def test_a_new_escalation_chain_moves_the_levels_already_scheduled(
        session, clock, users, deployed):
    instance = _reminded_at_nine(session, clock, users)
    settings.save(session, clock, users["admin"], {"escalation": {"multiples": [1, 3]}})
    session.commit()
    assert recount_round(session, clock).recounted == [instance.id]
    session.commit()
    assert _timers(session, instance) == [(2, datetime(2026, 11, 23, 11, 0, tzinfo=WIB))]
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)


def test_a_chain_shortened_then_lengthened_again_schedules_the_dropped_levels(
        session, clock, users, deployed):
    """Back to 1, 2, 3 after 1: the steps already reminded never escalated further."""
    instance = _reminded_at_nine(session, clock, users)
    for multiples in ([1], [1, 2, 3]):
        settings.save(session, clock, users["admin"], {"escalation": {"multiples": multiples}})
        session.commit()
        assert recount_round(session, clock).recounted == [instance.id]
        session.commit()
        if multiples == [1]:
            assert _timers(session, instance) == []
    assert _timers(session, instance) == [(2, datetime(2026, 11, 23, 10, 0, tzinfo=WIB))]
    clock.set(datetime(2026, 11, 23, 10, 0, tzinfo=WIB))
    fire_round(session, clock, lambda instance_id, error: session.commit())
    assert session.scalars(select(Escalation.level).order_by(Escalation.level)).all() == [1, 2]
    assert _timers(session, instance) == [(3, datetime(2026, 11, 23, 11, 0, tzinfo=WIB))]


def test_the_offices_own_hours_move_an_open_steps_deadline(session, clock, users, deployed):
    """Hours from 09.00 (Pengaturan, Kalender kerja): the step opened Monday 08.00 counts
    its 1 jam from 09.00."""
    instance = _start(session, clock, users)
    assert _due(session, instance) == datetime(2026, 11, 23, 9, 0, tzinfo=WIB)
    late_start = {str(day): [["09:00", "12:00"], ["13:00", "17:00"]] for day in range(5)}
    settings.save(session, clock, users["admin"], {"calendar": {
        **settings.get(session, "calendar"), "hours": late_start}})
    session.commit()
    assert recount_round(session, clock).recounted == [instance.id]
    session.commit()
    assert _due(session, instance) == datetime(2026, 11, 23, 10, 0, tzinfo=WIB)
