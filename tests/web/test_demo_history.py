"""``alur demo-history``: history made by the real engine, in office hours, only once."""

import fcntl
from datetime import timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from engine.bpmn.forms import fields
from engine.models import (
    Delivery,
    Escalation,
    HumanTask,
    Notification,
    ProcessInstance,
    Rating,
    User,
)
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.reports.desk import satisfaction
from engine.reports.sop import sop_performance
from engine.time.calendar import WorkCalendar
from engine.time.periods import custom_period
from tests.conftest import BPMN_DIR, mini_bpmn
from web.cli.demo_forms import FIELD_TEXTS
from web.cli.demo_history import OTHER_SOPS, demo_history_command, generate_history
from web.extensions import db


def test_history_runs_the_engine_through_office_hours(session, clock, users):
    deploy(session, clock, mini_bpmn())
    session.commit()
    calendar = WorkCalendar()
    end = clock.now()
    outcome = generate_history(session, calendar, end, seed=7, days=120)
    assert outcome.instances == OTHER_SOPS
    instances = session.scalars(select(ProcessInstance)).all()
    assert len(instances) == OTHER_SOPS
    for instance in instances:
        assert end - timedelta(days=120) <= instance.started_at < end
        assert _in_office_hours(calendar, instance.started_at)
    steps = session.scalars(select(HumanTask).where(HumanTask.state == "completed")).all()
    assert len(steps) == outcome.steps > 0
    for step in steps:
        assert step.completed_at > step.created_at
        assert _in_office_hours(calendar, step.completed_at)
    assert session.scalar(select(func.count()).select_from(Delivery)) == 0
    # Old notifications are read; the report sees the same history.
    assert session.scalar(select(func.count()).select_from(Notification).where(
        Notification.read_at.is_(None), Notification.created_at < end - timedelta(days=7))) == 0
    report = sop_performance(session, calendar, "sop_uji", custom_period(
        (end - timedelta(days=130)).date(), end.date(), "Asia/Jakarta"))
    assert report.started == OTHER_SOPS
    assert report.escalations == session.scalar(select(func.count()).select_from(Escalation))
    # The same seed makes the same history.
    again = generate_history(session, calendar, end, seed=7, days=120)
    assert (again.steps, again.late_steps) == (outcome.steps, outcome.late_steps)


def _in_office_hours(calendar: WorkCalendar, moment) -> bool:
    day = moment.astimezone(ZoneInfo(calendar.timezone)).date()
    return any(start <= moment <= end for start, end in calendar.office_intervals(day))


def test_command_refuses_when_history_exists(app, clock):
    app.cli.add_command(demo_history_command)
    runner = app.test_cli_runner()
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        start_instance(db.session, clock, process_key="penanganan_gangguan_server",
                       title="Server mati", user=prakom)
        db.session.commit()
    result = runner.invoke(args=["demo-history"])
    assert result.exit_code == 0
    assert "tidak dibuat: sudah ada 1 proses" in result.output


def test_a_second_demo_history_while_one_runs_is_refused(app, tmp_path):
    """Two at once on an empty database both wrote a year of history (444 processes)."""
    app.cli.add_command(demo_history_command)
    with (Path(app.instance_path) / "demo-history.lock").open("a") as running:
        fcntl.flock(running, fcntl.LOCK_EX | fcntl.LOCK_NB)  # as the first one holds it
        result = app.test_cli_runner().invoke(args=["demo-history"])
    assert result.exit_code == 1
    assert "sedang dibuat oleh alur demo-history lain" in result.output
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0


def test_every_text_field_of_the_bundled_forms_gets_values_of_its_own(session, deployed):
    """"Unit kerja" holds a unit, never "Data sudah lengkap": no text field of a bundled
    SOP falls back to the neutral remarks."""
    names = {field["name"] for definition in deployed.values()
             for form in [definition.catalog.get("start_form"),
                          *(step.get("form") for step in definition.catalog["tasks"].values())]
             for field in fields(form) if field["kind"] in ("text", "textarea")}
    assert len(names) == 15
    assert names <= set(FIELD_TEXTS), names - set(FIELD_TEXTS)


def test_front_door_tickets_are_submitted_and_rated_by_employees(session, clock, users):
    """A fresh demo's Kepuasan Pengguna was 0 of 87 rated: every ticket was typed in by
    the Prakom who received it, and such tickets are never rated."""
    deploy(session, clock, (BPMN_DIR / "penanganan_permintaan_layanan_ti.bpmn").read_bytes(),
           filename="penanganan_permintaan_layanan_ti.bpmn")
    session.commit()
    end = clock.now()
    generate_history(session, WorkCalendar(), end, seed=7, days=365)
    tickets = session.scalars(select(ProcessInstance)).all()
    submitted = [t for t in tickets if "Prakom" not in t.started_by.role_names]
    assert 0 < len(submitted) < len(tickets), "most, not all, come from the employee"
    for ticket in submitted:
        assert ticket.data["pemohon"] == ticket.started_by.full_name
    ratings = session.scalars(select(Rating)).all()
    assert ratings
    for rating in ratings:
        ticket = session.get(ProcessInstance, rating.instance_id)
        assert ticket.status == "completed" and ticket.completed_at < rating.rated_at <= end
        if rating.score is not None:
            assert ticket in submitted and rating.user_id == ticket.started_by_id
    # The others closed unrated 5 working days after they were done, as the worker would.
    closed = [r for r in ratings if r.score is None]
    assert closed
    calendar = WorkCalendar()
    for rating in closed:
        ticket = session.get(ProcessInstance, rating.instance_id)
        assert rating.rated_at == calendar.deadline(ticket.completed_at, "P5D") <= end
    assert all(t.status != "completed" or calendar.deadline(t.completed_at, "P5D") > end
               for t in tickets if t.id not in {r.instance_id for r in ratings})
    ratings = [r for r in ratings if r.score is not None]
    shown = satisfaction(session, end - timedelta(days=366), end)
    assert shown["count"] == len(ratings) and shown["index"] is not None
    assert 0 < shown["response_rate"] < 100
