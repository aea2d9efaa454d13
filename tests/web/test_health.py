"""``/healthz`` touches nothing; ``/readyz`` answers 503 naming the check that fails:
the worker silent for 3 intervals, the database unreachable, the migration head
different, a timer overdue too long, the outbox backlog too long."""

from datetime import timedelta

import pytest
from alembic.script import ScriptDirectory
from flask_migrate import stamp
from sqlalchemy import text

from engine.escalation import heartbeat
from engine.models import Delivery, ProcessInstance
from tests.helpers.servers import free_port
from tests.web.conftest import api_token
from web import create_app
from web.cli.worker import fire_once, run_round
from web.extensions import db

SERVER = "penanganan_gangguan_server"


@pytest.fixture
def ready_app(app):
    """The app with its database stamped at the migration head."""
    with app.app_context():
        stamp(directory=app.extensions["migrate"].directory, revision="head")
    return app


def readyz(client):
    response = client.get("/readyz")
    return response.status_code, response.json["failing"], response.json["checks"]


def test_healthz_answers_without_a_database():
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none",
                      "SECRET_KEY": "uji"})
    assert app.test_client().get("/healthz").json == {"status": "ok"}


def test_ready_until_the_worker_is_silent_for_three_intervals_and_a_round_of_sending(
        ready_app, client, clock):
    """A round records itself when it ends, and may send the outbox for 30 s (a slow mail
    server): a worker that busy is not reported gone."""
    assert readyz(client)[:2] == (503, ["worker"])  # no round yet
    run_round(ready_app)
    assert readyz(client)[:2] == (200, [])
    clock.advance(timedelta(seconds=3 * 5 + 30))  # ALUR_TIMER_INTERVAL is 5 s
    assert readyz(client)[:2] == (200, [])
    clock.advance(timedelta(seconds=1))
    status, failing, checks = readyz(client)
    assert (status, failing) == (503, ["worker"])
    assert checks["worker"] == {"ok": False, "last_round_age_seconds": 46.0,
                                "limit_seconds": 45.0}
    run_round(ready_app)
    assert readyz(client)[:2] == (200, [])


def test_unreachable_database_is_named(tmp_path):
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"
                      "?connect_timeout=2", "SECRET_KEY": "uji"})
    status, failing, checks = readyz(app.test_client())
    assert status == 503
    assert failing == ["database"], "the checks not run are no causes of their own"
    assert checks["database"] == {"ok": False, "error": "OperationalError"}
    assert checks["worker"] == {"ok": False, "skipped": "database"}


def test_a_different_migration_head_is_named(ready_app, client):
    run_round(ready_app)
    with ready_app.app_context():
        db.session.execute(text("UPDATE alembic_version SET version_num = '36ebd0deb754'"))
        db.session.commit()
    status, failing, checks = readyz(client)
    assert (status, failing) == (503, ["migrations"])
    assert checks["migrations"]["database"] == ["36ebd0deb754"]
    with ready_app.app_context():
        head = ScriptDirectory.from_config(
            ready_app.extensions["migrate"].migrate.get_config()).get_current_head()
    assert checks["migrations"]["code"] == [head]


def test_an_overdue_timer_and_an_outbox_backlog_are_named(ready_app, client, clock):
    ready_app.config.update(ALUR_READY_TIMER_LAG=60, ALUR_READY_OUTBOX_BACKLOG=0)
    response = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                           json={"process_key": SERVER, "title": "Server SIPP mati"})
    assert response.status_code == 201
    clock.advance(timedelta(hours=1, minutes=2))  # the 1-hour deadline passed 2 min ago
    with ready_app.app_context():
        heartbeat.record_round(db.session, clock, "uji", failed=False)
        db.session.add(Delivery(channel="email", recipient="a@pn.go.id", dedupe_key="k",
                                subject="s", body="b", next_attempt_at=clock.now(),
                                created_at=clock.now()))
        db.session.commit()
    status, failing, checks = readyz(client)
    assert (status, failing) == (503, ["timers", "outbox"])
    assert checks["timers"]["due"] == 1 and checks["timers"]["oldest_overdue_seconds"] == 120
    assert checks["outbox"] == {"ok": False, "pending": 1, "limit": 0}
    assert fire_once(ready_app) == 1
    ready_app.config.update(ALUR_READY_OUTBOX_BACKLOG=1)
    assert readyz(client)[:2] == (200, [])


def test_a_timer_of_an_instance_in_galat_waits_for_an_administrator_not_the_loop(
        ready_app, client, clock):
    ready_app.config.update(ALUR_READY_TIMER_LAG=60)
    response = client.post("/api/v1/instances", headers=api_token(client, "prakom"),
                           json={"process_key": SERVER, "title": "Server SIPP mati"})
    clock.advance(timedelta(hours=1, minutes=2))
    with ready_app.app_context():
        heartbeat.record_round(db.session, clock, "uji", failed=False)
        db.session.get(ProcessInstance, response.json["id"]).status = "error"
        db.session.commit()
    status, failing, checks = readyz(client)
    assert (status, failing, checks["timers"]["due"]) == (200, [], 0)


def test_a_table_that_cannot_be_read_fails_its_check_not_the_page(ready_app, client):
    """Someone dropped the outbox's table by hand: the migration head still matches, and
    /readyz names the check that reads it instead of answering 500."""
    run_round(ready_app)
    with ready_app.app_context():
        db.session.execute(text(f"DROP TABLE {Delivery.__tablename__}"))
        db.session.commit()
    status, failing, checks = readyz(client)
    assert (status, failing) == (503, ["outbox"])
    assert checks["outbox"]["ok"] is False
    assert checks["outbox"]["error"] in ("OperationalError", "ProgrammingError")
    assert checks["worker"]["ok"] and checks["migrations"]["ok"]
