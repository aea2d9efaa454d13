"""The desk's reports on a fixture month (November 2026, WIB) equal hand-computed values:
the satisfaction index, uptime % with overlapping alerts merged, MTTR per priority."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from engine import facts, settings
from engine.models import Alert, AlertSource, HumanTask, Outage, Rating, SlaPause, User
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from engine.reports import desk
from tests.conftest import START_DATA, WIB
from tests.helpers.report_history import onward

LTI = "penanganan_permintaan_layanan_ti"
SERVER = "penanganan_gangguan_server"
NOV, DEC = datetime(2026, 11, 1, tzinfo=WIB), datetime(2026, 12, 1, tzinfo=WIB)


@pytest.fixture
def employee(session, clock) -> User:
    user = User(username="pegawai", full_name="Pegawai", password_hash="-",
                created_at=clock.now(), roles=[])
    session.add(user)
    session.flush()
    return user


def ticket(session, clock, user, key, at, minutes=None, priority="minor", score=None,
           comment=""):
    """A ticket reported at ``at``, completed ``minutes`` later (None: still open)."""
    clock.set(at)
    data = (START_DATA[LTI] if key == LTI
            else {"sistem": "SIPP", "gejala": "mati", "prioritas": priority})
    instance = start_instance(session, clock, process_key=key, title="Tiket", user=user,
                              data=data)
    instance.data = {**instance.data, "prioritas": priority}
    if minutes is not None:  # completed without its steps: the fact written as the engine does
        instance.status, instance.completed_at = "completed", at + timedelta(minutes=minutes)
        facts.record_end(session, instance)
    if score is not None:
        session.add(Rating(instance_id=instance.id, user_id=user.id, score=score,
                           comment=comment, rated_at=instance.completed_at))
    session.flush()
    return instance


def test_satisfaction_index_count_and_response_rate(session, clock, users, deployed,
                                                    employee):
    day = datetime(2026, 11, 10, 9, tzinfo=WIB)
    for score, comment in ((5, "Cepat"), (4, ""), (3, "Lama"), (5, "")):
        ticket(session, clock, employee, LTI, day, 60, score=score, comment=comment)
    ticket(session, clock, employee, LTI, day, 60)  # completed, not rated
    ticket(session, clock, employee, LTI, day)  # still open: not counted
    ticket(session, clock, employee, LTI, datetime(2026, 10, 5, 9, tzinfo=WIB), 60, score=1)
    found = desk.satisfaction(session, NOV, DEC)
    # 3 of 4 scores are 4-5; 4 of 5 completed tickets were rated.
    assert (found["index"], found["count"], found["completed"], found["response_rate"]) == (
        75.0, 4, 5, 80.0)
    assert [c[1:3] for c in found["comments"]] == [(5, "Cepat"), (3, "Lama")]
    assert found["comments_total"] == 2
    counted = desk.satisfaction(session, NOV, DEC, comments=False)  # a per-SOP row's
    assert (counted["comments"], counted["comments_total"], counted["index"]) == ([], 2, 75.0)
    assert desk.satisfaction(session, NOV, DEC, process_key=SERVER)["index"] is None


def test_a_period_lists_its_newest_comments_up_to_their_limit(session, clock, users, deployed,
                                                              employee, monkeypatch):
    monkeypatch.setattr(desk, "MAX_COMMENTS", 3)
    day = datetime(2026, 11, 10, 9, tzinfo=WIB)
    for number in range(5):
        ticket(session, clock, employee, LTI, day, 60, score=2 + number % 4,
               comment=f"Komentar {number}")
    found = desk.satisfaction(session, NOV, DEC)
    assert [c[2] for c in found["comments"]] == ["Komentar 2", "Komentar 3", "Komentar 4"]
    assert (found["comments_total"], found["count"], found["index"]) == (5, 5, 40.0)


def test_monitoring_incidents_are_not_tickets_to_rate(session, clock, users, deployed,
                                                      employee):
    """An incident opened by an alert source (its account can never rate) is left out
    of the completed tickets the response rate divides by."""
    monitor = User(username="pantau.prometheus", full_name="Pemantauan prometheus",
                   password_hash="-", created_at=clock.now(), roles=[])
    session.add(monitor)
    session.flush()
    session.add(AlertSource(name="prometheus", kind="alertmanager", token_hash="x" * 64,
                            user_id=monitor.id, created_at=clock.now()))
    day = datetime(2026, 11, 10, 9, tzinfo=WIB)
    ticket(session, clock, employee, SERVER, day, 60, priority="mayor", score=5)
    ticket(session, clock, monitor, SERVER, day, 60, priority="kritis")
    ticket(session, clock, monitor, SERVER, day, 90, priority="kritis")
    found = desk.satisfaction(session, NOV, DEC)
    assert (found["completed"], found["count"], found["response_rate"]) == (1, 1, 100.0)
    assert desk.satisfaction(session, NOV, DEC, process_key=SERVER)["completed"] == 1


def test_a_prakom_s_satisfaction_counts_the_tickets_they_took_a_prakom_step_of(
        session, clock, users, deployed, employee):
    day = datetime(2026, 11, 10, 9, tzinfo=WIB)
    worked = ticket(session, clock, employee, LTI, day)
    [step] = session.scalars(select(HumanTask).where(HumanTask.instance_id == worked.id,
                                                     HumanTask.state == "open")).all()
    assert step.role == "Prakom"
    complete_task(session, clock, step.id, users["Prakom"], onward(step, clock.now()))
    worked.status, worked.completed_at = "completed", day + timedelta(hours=2)
    facts.record_end(session, worked)  # ended here: the fact as the engine writes it
    session.add(Rating(instance_id=worked.id, user_id=employee.id, score=5, comment="Cepat",
                       rated_at=worked.completed_at))
    ticket(session, clock, employee, LTI, day, 60, score=1)  # no step of theirs
    session.flush()
    found = desk.satisfaction(session, NOV, DEC, prakom=users["Prakom"])
    assert (found["completed"], found["count"], found["index"], found["comments"]) == (
        1, 1, 100.0, [(worked.number, 5, "Cepat", worked.id)])
    assert desk.satisfaction(session, NOV, DEC, prakom=users["Kasubbag"])["completed"] == 0
    assert desk.satisfaction(session, NOV, DEC)["completed"] == 2


def test_uptime_merges_overlapping_alerts_of_a_system(session, clock, users, deployed,
                                                      employee):
    incident = ticket(session, clock, employee, SERVER, datetime(2026, 11, 10, 8, tzinfo=WIB),
                      priority="kritis")
    source = AlertSource(name="prometheus", kind="alertmanager", token_hash="x" * 64,
                         user_id=employee.id, created_at=clock.now())
    session.add(source)
    session.flush()
    sipp = Alert(source_id=source.id, fingerprint="a", system="SIPP", instance_id=incident.id)
    web = Alert(source_id=source.id, fingerprint="b", system="Website")
    session.add_all([sipp, web])
    session.flush()
    at = datetime(2026, 11, 10, 1, 0, tzinfo=WIB)
    for alert, begin, end in ((sipp, 0, 60), (sipp, 30, 120), (sipp, 540, 570),
                              (web, 0, 300)):
        session.add(Outage(alert_id=alert.id, system=alert.system,
                           started_at=at + timedelta(minutes=begin),
                           ended_at=at + timedelta(minutes=end)))
    # An outage from 31 October 23.00 counts from 1 November 00.00: 60 minutes more.
    session.add(Outage(alert_id=sipp.id, system="SIPP", started_at=NOV - timedelta(hours=1),
                       ended_at=NOV + timedelta(hours=1)))
    session.flush()
    # November: 30 days = 43 200 minutes. SIPP: 120 + 30 + 60 = 210 minutes down.
    assert desk.uptime(session, NOV, DEC, DEC) == [
        {"system": "SIPP", "downtime_minutes": 210.0, "uptime": 99.51, "critical": True,
         "met": True},
        {"system": "Website", "downtime_minutes": 300.0, "uptime": 99.3, "critical": False,
         "met": None}]  # 99.305…, cut to 2 decimals


def test_mttr_per_priority_within_sla_and_backlog(session, clock, users, deployed, employee):
    day = datetime(2026, 11, 11, 20, 0, tzinfo=WIB)
    ticket(session, clock, employee, SERVER, day, 40, priority="kritis")
    paused = ticket(session, clock, employee, SERVER, day, 80, priority="kritis")
    session.add(SlaPause(instance_id=paused.id, started_at=day + timedelta(minutes=10),
                         ended_at=day + timedelta(minutes=40)))
    ticket(session, clock, employee, SERVER, day, 100, priority="kritis")
    ticket(session, clock, employee, LTI, datetime(2026, 11, 12, 8, tzinfo=WIB), 120,
           priority="mayor")
    ticket(session, clock, employee, LTI, datetime(2026, 11, 11, 8, tzinfo=WIB), 340,
           priority="mayor")  # 08.00-13.40: 280 office minutes (the 12.00-13.00 break)
    ticket(session, clock, employee, LTI, datetime(2026, 11, 30, 15, tzinfo=WIB),
           priority="minor")  # open at the end of the month
    ticket(session, clock, employee, LTI, datetime(2026, 11, 30, 15, tzinfo=WIB), 24 * 60,
           priority="minor")  # completed in December: backlog too
    ticket(session, clock, employee, LTI, datetime(2026, 11, 30, 15, tzinfo=WIB),
           priority=None)  # not triaged yet: minor, as its SLA
    ticket(session, clock, employee, SERVER, datetime(2026, 11, 16, 8, tzinfo=WIB), 60,
           priority=None)  # reported without a priority: minor, as its SLA
    session.flush()
    found = desk.ticket_summary(session, NOV, DEC)
    assert found["by_category"] == {"gangguan server": 4, "perangkat keras": 5}
    assert found["by_priority"] == {"kritis": 3, "mayor": 2, "minor": 4}
    # kritis: 40, 80 - 30 paused = 50, 100 -> 63.3 minutes; 2 of 3 within 1 hour
    # (the paused one's deadline moved to 90 minutes).
    assert found["mttr"] == [
        {"priority": "kritis", "count": 3, "mttr_minutes": 63.3, "sla": "PT1H",
         "round_the_clock": True, "within_sla": 66.7},
        # mayor on office time: 120 and 280 -> 200.0; the second past its 4 office hours.
        {"priority": "mayor", "count": 2, "mttr_minutes": 200.0, "sla": "PT4H",
         "round_the_clock": False, "within_sla": 50.0},
        {"priority": "minor", "count": 1, "mttr_minutes": 60.0, "sla": "P1D",
         "round_the_clock": False, "within_sla": 100.0}]
    assert found["backlog"] == 3


def test_a_changed_minor_sla_leaves_the_past_tickets_under_theirs(session, clock, users,
                                                                   deployed, employee):
    """The desk probe: after sla_minor became PT2H, November's minor tickets were listed
    under "2 jam kerja", an SLA they never had."""
    ticket(session, clock, employee, LTI, datetime(2026, 11, 10, 8, tzinfo=WIB), 60)
    clock.set(datetime(2026, 11, 20, 8, tzinfo=WIB))
    settings.save(session, clock, users["admin"], {"sla_minor": "PT2H"})
    ticket(session, clock, employee, LTI, datetime(2026, 11, 23, 8, tzinfo=WIB), 180)
    assert desk.ticket_summary(session, NOV, DEC)["mttr"] == [
        {"priority": "minor", "count": 1, "mttr_minutes": 60.0, "sla": "P1D",
         "round_the_clock": False, "within_sla": 100.0},
        {"priority": "minor", "count": 1, "mttr_minutes": 180.0, "sla": "PT2H",
         "round_the_clock": False, "within_sla": 0.0}]


def test_uptime_is_cut_never_rounded_up_to_100(session, clock, employee):
    source = AlertSource(name="kuma", kind="uptime-kuma", token_hash="y" * 64,
                         user_id=employee.id, created_at=clock.now())
    session.add(source)
    session.flush()
    alert = Alert(source_id=source.id, fingerprint="k", system="SIPP Web")
    session.add(alert)
    session.flush()
    at = datetime(2026, 11, 10, 1, 0, tzinfo=WIB)
    session.add(Outage(alert_id=alert.id, system=alert.system, started_at=at,
                       ended_at=at + timedelta(seconds=30)))
    session.flush()
    # 30 seconds of 30 days: 99.9988 % — the system was down, so not 100.0.
    [row] = desk.uptime(session, NOV, DEC, DEC)
    assert row["uptime"] == 99.99


def test_uptime_counts_an_alert_still_firing_and_no_zero_length_outage(session, clock,
                                                                        employee):
    """A system down for three days and not yet back was left out of the table (only
    resolved outages counted), as if never down; a resolve time before the start recorded a
    zero-length outage, listed as 100 % up."""
    source = AlertSource(name="prometheus", kind="alertmanager", token_hash="z" * 64,
                         user_id=employee.id, created_at=clock.now())
    session.add(source)
    session.flush()
    down = Alert(source_id=source.id, fingerprint="d", system="SIPP",
                 firing_since=datetime(2026, 11, 27, 8, tzinfo=WIB))
    back = Alert(source_id=source.id, fingerprint="e", system="Website")
    session.add_all([down, back])
    session.flush()
    at = datetime(2026, 11, 10, 1, 0, tzinfo=WIB)
    session.add(Outage(alert_id=back.id, system="Website", started_at=at, ended_at=at))
    session.flush()
    now = datetime(2026, 11, 30, 8, tzinfo=WIB)  # three days (4,320 minutes) down so far
    assert desk.uptime(session, NOV, DEC, now) == [
        {"system": "SIPP", "downtime_minutes": 4320.0, "uptime": 90.0, "critical": False,
         "met": None}]
    # The month after has not begun at that moment: nothing of it is down yet.
    assert desk.uptime(session, DEC, DEC + timedelta(days=31), now) == []
    # Seen from the month's end: 27 November 08.00 to 1 December 00.00, 88 hours.
    assert desk.uptime(session, NOV, DEC, DEC)[0]["downtime_minutes"] == 88 * 60
