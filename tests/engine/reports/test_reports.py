"""Reports on a small hand-made history, driven through the real engine on a manual clock.

Every expected figure is worked out by hand below, in office minutes of the default
calendar (Perpres 21/2023, WIB): Mon-Thu 07.30-12.00 and 13.00-16.00, Fri 07.30-11.30 and
13.00-16.30; no holiday falls between 23 Nov and 4 Dec 2026.

SOP Uji (tests/data/mini.bpmn): K1 "Menyusun konsep" (Prakom, 30 menit = PT30M), then
K2 "Memeriksa konsep" (Kasubbag, Relatif: no deadline) with "revisi" back to K1.

  A  Mon 23 Nov 08.00 start. K1 08.00-08.20 = 20 (on time, due 08.30).
     K2 08.20-10.30 = 130. Finished Mon 10.30: cycle 150.
  B  Fri 27 Nov 15.30 start. K1 due Fri 16.00; escalations fire Fri 16.00 (level 1,
     1x30 min), Fri 16.30 (level 2, 60 office min), Mon 08.00 (level 3, 90 office min).
     K1 done Mon 30 Nov 08.30 = Fri 15.30-16.30 (60) + Mon 07.30-08.30 (60) = 120, late.
     K2 08.30-09.00 = 30, "revisi". K1 09.00-09.10 = 10, on time.
     K2 Mon 09.10 - Tue 1 Dec 09.10 = 170 + 180 + 100 = 450, "setuju".
     Finished Tue 09.10: cycle 60 + 450 + 100 = 610.
  C  Wed 2 Dec 10.00 start. K1 due 10.30, escalation level 1 at 10.30; done 10.45 = 45,
     late. K2 stays open: C is still running.

Penanganan Gangguan Server (bpmn/): K1 (Prakom, 1 jam), K2 (Prakom, 3 jam; for "kritis"
1 hour round the clock) "tuntas" ends.

  E  Tue 24 Nov 08.00, prioritas "kritis". K1 08.00-08.30 = 30, K2 08.30-09.30 = 60
     (due 09.30: on time, though its timer fired at 09.30, level 1). Cycle 90.
  F  Tue 24 Nov 10.00, no priority. K1 10.00-10.20 = 20, K2 10.20-13.20 = 100 + 20 = 120.
     Cycle 140.
  G  Wed 25 Nov 14.00, prioritas "kritis". K1 14.00-14.10 = 10, K2 Wed 14.10 - Thu 08.00
     = 110 + 30 = 140 (kritis: due Wed 15.10, late; level 1
     fires then). Cycle 120 + 30 = 150.
"""

import random
from datetime import date, datetime, timedelta

import pytest
from sqlalchemy import event, select

from engine.models import HumanTask
from engine.process.deploy import deploy
from engine.process.instances import cancel_instance, start_instance
from engine.reports.basis import WorkingMinutes, band, instant, nearest_rank
from engine.reports.people import NO_PRIORITY, figure_instances, person_report
from engine.reports.sop import sop_performance, tabel7
from engine.time.calendar import WorkCalendar
from engine.time.hours import RamadanPeriod
from engine.time.periods import calendar_period, custom_period, period_containing
from tests.conftest import WIB, mini_bpmn
from tests.helpers.report_history import at, build_history

CALENDAR = WorkCalendar()
Q4 = calendar_period("triwulan", 2026, 4, "Asia/Jakarta")
NOVEMBER = calendar_period("bulan", 2026, 11, "Asia/Jakarta")


@pytest.fixture
def history(session, clock, users):
    return build_history(session, clock, users["Prakom"], users["Kasubbag"])


def _steps(report) -> dict[str, tuple]:
    return {s.bpmn_id: (s.done, s.median_minutes, s.p90_minutes, s.with_deadline, s.on_time,
                        s.escalations, s.standard_minutes) for s in report.steps}


def test_sop_performance_over_the_quarter(session, history):
    report = sop_performance(session, CALENDAR, "sop_uji", Q4)
    assert (report.started, report.finished, report.running) == (3, 2, 1)
    # Cycle times [150, 610]: nearest rank 1 of 2 for the median, 2 of 2 for p90.
    assert (report.cycle_median_minutes, report.cycle_p90_minutes) == (150, 610)
    assert _steps(report) == {
        # K1: [10, 20, 45, 120]; on time A and B's second run; B escalated 3x, C once.
        "Kegiatan_1": (4, 20, 120, 4, 2, 4, 30),
        # K2: [30, 130, 450]; no deadline, so no on-time share and no standard.
        "Kegiatan_2": (3, 130, 450, 0, 0, 0, None),
    }
    assert [s.bpmn_id for s in report.steps] == ["Kegiatan_2", "Kegiatan_1"]  # slowest first
    assert report.slowest.bpmn_id == "Kegiatan_2"
    assert (report.on_time, report.with_deadline, report.on_time_share) == (2, 4, 0.5)
    assert [(s.bpmn_id, s.on_time_share, s.band) for s in report.steps] == [
        ("Kegiatan_2", None, "tanpa_data"), ("Kegiatan_1", 0.5, "kurang")]


def test_sop_performance_over_a_month_counts_only_what_happened_in_it(session, history):
    report = sop_performance(session, CALENDAR, "sop_uji", NOVEMBER)
    # A and B started in November; only A finished; B was still running on 1 Dec 00.00.
    assert (report.started, report.finished, report.running) == (2, 1, 1)
    assert (report.cycle_median_minutes, report.cycle_p90_minutes) == (150, 150)
    assert _steps(report) == {
        "Kegiatan_1": (3, 20, 120, 3, 2, 3, 30),   # [10, 20, 120]; B's three escalations
        "Kegiatan_2": (2, 30, 130, 0, 0, 0, None),  # [30, 130]; B's 450 ends in December
    }


def test_an_instance_cancelled_after_the_period_was_running_at_its_end(session, clock, users,
                                                                      history):
    clock.set(at(27, 10))
    late = start_instance(session, clock, process_key="sop_uji", title="D", user=users["Prakom"])
    session.commit()
    clock.set(at(3, 9, month=12))
    cancel_instance(session, clock, late.id, users["admin"], "tidak jadi")
    session.commit()
    november = sop_performance(session, CALENDAR, "sop_uji", NOVEMBER)
    assert (november.started, november.running, november.cancelled) == (3, 2, 0)
    december = sop_performance(session, CALENDAR, "sop_uji", calendar_period(
        "bulan", 2026, 12, "Asia/Jakarta"))
    assert december.cancelled == 1
    [_, uji] = tabel7(session, CALENDAR, calendar_period("semester", 2026, 2, "Asia/Jakarta"))
    assert (uji.performance.started, uji.performance.finished, uji.performance.cancelled,
            uji.performance.running) == (4, 2, 1, 1)


def test_a_sop_s_steps_are_read_in_one_pass_on_one_index(session, history):
    """Durations and deadlines come from one statement over the SOP's step facts, which
    the database answers from ``ix_step_facts_steps`` alone (no table rows, no sort)."""
    read: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        read.append((statement, parameters))

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        sop_performance(session, CALENDAR, "sop_uji", Q4)
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    [(statement, parameters)] = [(s, p) for s, p in read if "FROM step_facts" in s]
    if engine.dialect.name == "sqlite":
        plan = " ".join(row[3] for row in session.connection().exec_driver_sql(
            f"EXPLAIN QUERY PLAN {statement}", parameters))
        assert plan == "SEARCH step_facts USING COVERING INDEX ix_step_facts_steps " \
                       "(process_key=?)", plan


def test_empty_period_has_no_figures(session, history):
    report = sop_performance(session, CALENDAR, "sop_uji",
                             calendar_period("bulan", 2026, 1, "Asia/Jakarta"))
    assert (report.started, report.finished, report.running) == (0, 0, 0)
    assert report.cycle_median_minutes is None and report.slowest is None
    assert report.on_time_share is None


def test_person_report_of_the_prakom(session, history, users):
    report = person_report(session, CALENDAR, users["Prakom"], Q4)
    ids = history
    assert [(s.key, s.done, s.with_deadline, s.on_time, s.late_instances)
            for s in report.sops] == [
        ("penanganan_gangguan_server", 6, 6, 5, 1), ("sop_uji", 4, 4, 2, 2)]

    def behind(figure, **arguments):
        return figure_instances(session, users["Prakom"], Q4, figure, **arguments)

    server = "penanganan_gangguan_server"
    assert behind("tugas", sop=server) == (ids["E"], ids["F"], ids["G"])
    assert behind("terlambat", sop=server) == (ids["G"],)
    assert behind("tugas", sop="sop_uji") == (ids["A"], ids["B"], ids["C"])
    assert behind("terlambat", sop="sop_uji") == (ids["B"], ids["C"])
    assert behind("tugas") == tuple(sorted(ids[k] for k in "ABCEFG"))
    assert behind("langkah", sop="sop_uji", step="Kegiatan_1") == (ids["A"], ids["B"], ids["C"])
    assert (report.done, report.on_time, report.with_deadline) == (10, 7, 10)
    assert [(s.key, s.bpmn_id, s.done, s.median_minutes, s.on_time, s.with_deadline)
            for s in report.steps] == [
        ("penanganan_gangguan_server", "Kegiatan_1", 3, 20, 3, 3),   # [10, 20, 30]
        ("penanganan_gangguan_server", "Kegiatan_2", 3, 120, 2, 3),  # [60, 120, 140]
        ("sop_uji", "Kegiatan_1", 4, 20, 2, 4),                      # [10, 20, 45, 120]
    ]
    # MTTR: kritis E 90 and G 150 -> 120.0; F without a priority 140.
    assert [(m.key, m.priority, m.resolved, m.mean_minutes) for m in report.mttr] == [
        ("penanganan_gangguan_server", "kritis", 2, 120.0),
        ("penanganan_gangguan_server", NO_PRIORITY, 1, 140.0),
    ]
    assert behind("mttr", sop=server, priority="kritis") == (ids["E"], ids["G"])
    assert behind("mttr", sop=server, priority=NO_PRIORITY) == (ids["F"],)
    # Escalations on the Prakom's steps: B levels 1-3, C level 1, G levels 1-3 (kritis,
    # open overnight: 1, 2 and 3 hours after it opened on the wall clock); notified at
    # level 1 of each. E's second step (kritis: 1 hour round the clock) was done at its
    # deadline to the second: on time, so not reminded either.
    assert (report.escalations, behind("eskalasi")) == (
        7, tuple(sorted((ids["B"], ids["C"], ids["G"]))))
    assert (report.notified, behind("notifikasi")) == (
        3, tuple(sorted((ids["B"], ids["C"], ids["G"]))))


def test_person_report_of_the_kasubbag(session, history, users):
    report = person_report(session, CALENDAR, users["Kasubbag"], Q4)
    assert [(s.key, s.done, s.with_deadline, s.on_time_share) for s in report.sops] == [
        ("sop_uji", 3, 0, None)]
    assert [(s.bpmn_id, s.median_minutes) for s in report.steps] == [("Kegiatan_2", 130)]
    assert report.mttr == ()
    # Not the Kasubbag's own steps, but the Kasubbag was told at level 2 about B and G.
    assert (report.escalations, report.notified) == (0, 2)


def test_tabel7_prefills_the_measured_figures(session, history):
    rows = tabel7(session, CALENDAR, calendar_period("semester", 2026, 2, "Asia/Jakarta"))
    assert [(r.no, r.prosedur) for r in rows] == [(1, "Penanganan Gangguan Server"),
                                                 (2, "SOP Uji")]
    server = rows[0].performance
    # Cycles [90, 140, 150]; K2 durations [60, 120, 140] are the slowest.
    assert (server.finished, server.cycle_median_minutes, server.slowest.bpmn_id) == (
        3, 140, "Kegiatan_2")
    empty = tabel7(session, CALENDAR, calendar_period("semester", 2026, 1, "Asia/Jakarta"))
    assert [r.performance.started + r.performance.running for r in empty] == [0, 0]


def test_nearest_rank_percentiles():
    assert nearest_rank([], 50) is None
    assert nearest_rank([7], 90) == 7
    assert nearest_rank([40, 10, 30, 20], 50) == 20        # rank ceil(2.0) = 2
    assert nearest_rank([50, 10, 40, 20, 30], 50) == 30    # rank ceil(2.5) = 3
    assert nearest_rank(list(range(1, 11)), 90) == 9       # rank ceil(9.0) = 9
    assert nearest_rank(list(range(1, 12)), 90) == 10      # rank ceil(9.9) = 10


def test_bands_and_words():
    assert [band(s) for s in (1.0, 0.9, 0.8999, 0.75, 0.5, 0.4999, 0.0, None)] == [
        "baik", "baik", "cukup", "cukup", "kurang", "buruk", "buruk", "tanpa_data"]


def test_periods_are_local_half_open_intervals():
    s2 = calendar_period("semester", 2026, 2, "Asia/Jakarta")
    assert (s2.start, s2.end, s2.label) == (datetime(2026, 7, 1, tzinfo=WIB),
                                            datetime(2027, 1, 1, tzinfo=WIB),
                                            "Semester II 2026")
    assert calendar_period("triwulan", 2026, 1, "Asia/Jakarta").last == date(2026, 3, 31)
    assert calendar_period("bulan", 2026, 2, "Asia/Jakarta").label == "Februari 2026"
    assert calendar_period("tahun", 2026, 7, "Asia/Jakarta").query() == {
        "periode": "tahun", "tahun": "2026", "ke": "1"}
    assert period_containing("triwulan", date(2026, 8, 17), "Asia/Jakarta").label == (
        "Triwulan III 2026")
    custom = custom_period(date(2026, 11, 23), date(2026, 11, 27), "Asia/Makassar")
    assert custom.end == datetime(2026, 11, 28) .replace(tzinfo=custom.start.tzinfo)
    for bad in (("semester", 2026, 3), ("bulan", 2026, 0), ("minggu", 2026, 1),
                ("tahun", 1990, 1)):
        with pytest.raises(ValueError):
            calendar_period(*bad, "Asia/Jakarta")
    with pytest.raises(ValueError):
        custom_period(date(2026, 2, 1), date(2026, 1, 1), "Asia/Jakarta")


def test_fast_working_minutes_equal_the_calendar():
    calendar = WorkCalendar(ramadan=(RamadanPeriod(date(2026, 2, 18), date(2026, 3, 19)),),
                            added_holidays=frozenset({date(2026, 11, 24)}),
                            removed_holidays=frozenset({date(2026, 12, 24)}))
    rng = random.Random(35)
    base = datetime(2026, 1, 1, tzinfo=WIB)
    pairs = []
    for _ in range(400):
        a = base + timedelta(minutes=rng.randrange(365 * 24 * 60), microseconds=rng.choice(
            [0, 1, 999_999, 500_000]))
        pairs.append((a, a + timedelta(minutes=rng.choice([0, 1, 29, 30, 600, 5000, 40000]),
                                       seconds=rng.choice([0, 59]))))
    pairs.append((datetime(2026, 11, 27, 15, 30, tzinfo=WIB), datetime(2026, 11, 30, 8, 30,
                                                                        tzinfo=WIB)))
    index = WorkingMinutes.covering(calendar, [instant(m) for pair in pairs for m in pair])
    for a, b in pairs:
        assert index.between(a, b) == calendar.working_minutes_between(a, b), (a, b)
        assert index.between(b, a) == calendar.working_minutes_between(b, a), (a, b)
    assert index.between(*pairs[-1]) == 120
    with pytest.raises(ValueError):
        index.between(base, datetime(2030, 1, 1, tzinfo=WIB))


def test_a_late_step_keeps_its_deadline_after_its_timer_fired(session, history):
    # B's first K1 was due Fri 27 Nov 16.00; three escalation levels fired since. Without
    # the deadline the step would drop out of the on-time share (engine/projection.py).
    due = session.scalars(select(HumanTask.due_at).where(
        HumanTask.instance_id == history["B"], HumanTask.bpmn_id == "Kegiatan_1")
        .order_by(HumanTask.id)).first()
    assert due == at(27, 16)


def test_a_step_revised_between_versions_shows_its_lane_and_waktu_over_them(session, clock,
                                                                            history):
    """Found by the SOP revision probe: the newest version's Waktu stood beside the minutes
    allowed under the older one, and its lane beside steps another role did."""
    deploy(session, clock, mini_bpmn({
        'value="30 menit"': 'value="15 menit"', 'name="30 menit"': 'name="15 menit"',
        '"PT30M"': '"PT15M"', "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>\n": "",
        "<bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>":
            "<bpmn:flowNodeRef>Eskalasi_Kegiatan_1</bpmn:flowNodeRef>"
            "<bpmn:flowNodeRef>Kegiatan_2</bpmn:flowNodeRef>"}))
    session.commit()
    report = sop_performance(session, CALENDAR, "sop_uji", Q4)
    assert {s.bpmn_id: (s.role, s.waktu, s.standard_minutes) for s in report.steps} == {
        "Kegiatan_1": ("Prakom", "30 menit → 15 menit", 30),
        "Kegiatan_2": ("Kasubbag → Prakom", "Relatif", None)}
