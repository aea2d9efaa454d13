"""The Alembic migrations build exactly the schema the models describe."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade
from sqlalchemy import inspect, select

from engine.clock import ManualClock
from engine.models import (
    AuditRecord,
    HumanTask,
    ProcessDefinition,
    StepFact,
    Substitution,
    User,
    UserRole,
)
from engine.people.substitution import record
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from engine.process.tasks import claim_task, complete_task
from engine.process.versions import activate as activate_version
from tests.conftest import BPMN_DIR, MONDAY_0800
from tests.helpers.database import on_postgres
from tests.helpers.report_history import onward
from web import create_app
from web.extensions import db


# SQLite cannot reflect an index on an expression, so alembic cannot compare it there
# (PostgreSQL does): the test reads its SQL from sqlite_master instead.
@pytest.mark.filterwarnings(
    "ignore:Skipped unsupported reflection of expression-based index",
    "ignore:autogenerate skipping metadata-specified expression-based index")
def test_upgrade_to_head_matches_the_models(database):
    with migrated(database):
        with db.engine.connect() as connection:
            assert compare_metadata(MigrationContext.configure(connection), db.metadata) == []
            if not on_postgres():
                assert connection.exec_driver_sql(
                    "SELECT sql FROM sqlite_master WHERE name = "
                    "'ix_process_definitions_active_lower_name'").scalar() == (
                    "CREATE INDEX ix_process_definitions_active_lower_name ON "
                    "process_definitions (is_active, lower(name))")
                assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
                # NORMAL (1): a commit does not wait for the disk (README "Konfigurasi").
                assert connection.exec_driver_sql("PRAGMA synchronous").scalar() == 1
                assert connection.exec_driver_sql(
                    "PRAGMA journal_size_limit").scalar() == 64 * 1024 * 1024
        assert "human_tasks" in inspect(db.engine).get_table_names()


def test_upgrading_to_the_number_counters_continues_after_the_numbers_given(database):
    with migrated(database) as (clock, directory):
        kasubbag = _office(clock)
        given = [_start(kasubbag, clock, title) for title in ("RKT 2027", "RKT 2028")]
        db.session.commit()
        downgrade(directory=directory, revision="5f41c0f80634")  # before the counters
        upgrade(directory=directory)
        after = _start(db.session.get(User, kasubbag.id), clock, "RKT 2029")
        db.session.commit()
        assert given + [after] == ["RKT-2026-0001", "RKT-2026-0002", "RKT-2026-0003"]


def test_upgrading_where_activations_raced_keeps_the_newest_version_active(database):
    with migrated(database) as (clock, directory):
        data = (BPMN_DIR / "penyusunan_rkt.bpmn").read_bytes()
        first, _ = deploy(db.session, clock, data, filename="penyusunan_rkt.bpmn")
        second, _ = deploy(db.session, clock, data.replace(b"Penyusunan", b"Menyusun", 1),
                           filename="penyusunan_rkt.bpmn")
        db.session.commit()
        downgrade(directory=directory, revision="a7d3e5f1c2b9")  # before the index
        with db.engine.begin() as connection:  # as two racing activations left it
            connection.exec_driver_sql("UPDATE process_definitions SET is_active = true")
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            active = connection.exec_driver_sql(
                "SELECT id FROM process_definitions WHERE is_active").scalars().all()
        assert active == [second.id] and first.id != second.id


def test_upgrading_gives_each_version_the_time_it_was_last_activated(database):
    with migrated(database) as (clock, directory):
        data = (BPMN_DIR / "penyusunan_rkt.bpmn").read_bytes()
        versions = []
        for number, activate in enumerate((True, True, False), start=1):
            clock.advance(timedelta(hours=1))
            definition, _ = deploy(db.session, clock, data + b" " * number, activate=activate,
                                   filename="penyusunan_rkt.bpmn")
            versions.append(definition.id)
        clock.advance(timedelta(hours=1))
        activate_version(db.session, clock, "penyusunan_rkt", 1, None)
        db.session.commit()
        downgrade(directory=directory, revision="d4e7b1a9c6f2")  # before activated_at
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            activated = dict(connection.execute(
                select(ProcessDefinition.id, ProcessDefinition.activated_at)).all())
        assert [activated[version] for version in versions] == [
            MONDAY_0800 + timedelta(hours=4), MONDAY_0800 + timedelta(hours=2), None]


def test_an_office_database_with_users_and_processes_upgrades_on_sqlite(database):
    """An older Alur's database holds users with roles, whose rows others point at: a
    migration rebuilding ``users`` (SQLite's batch copy, DROP, rename) must still run, and
    one a failed run left behind (alembic's copy of a table) must not block the next."""
    with migrated(database) as (clock, directory):
        kasubbag = _office(clock)
        number = _start(kasubbag, clock, "RKT 2027")
        db.session.commit()
        db.session.remove()
        downgrade(directory=directory, revision="c41d7e2a9b15")  # before the notices
        if not on_postgres():  # as a failed run of an older Alur left it
            with db.engine.begin() as connection:
                connection.exec_driver_sql("CREATE TABLE _alembic_tmp_users (id INTEGER)")
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert connection.execute(select(UserRole.role)).scalars().all() == ["Kasubbag"]
            assert connection.exec_driver_sql(
                "SELECT number FROM process_instances").scalars().all() == [number]
            tables = inspect(connection).get_table_names()
            assert not [table for table in tables if table.startswith("_alembic_tmp_")]
            if not on_postgres():  # enforced again on the connections that follow
                assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_a_step_taken_over_as_plh_before_the_upgrade_is_remembered(database):
    """Open steps taken over as Plh/Plt before ``human_tasks.claimed_as`` existed read it
    from their claim's audit record, so they complete as Plh too after the upgrade (found
    by the regression probe); a step its holder took himself stays his own."""
    with migrated(database) as (clock, directory):
        kasubbag, other = _plh_office(clock)
        taken, own = db.session.scalars(select(HumanTask.id).where(
            HumanTask.state == "open").order_by(HumanTask.id)).all()
        for task_id, user in ((taken, kasubbag), (taken, other), (own, other)):
            claim_task(db.session, clock, task_id, user)
        db.session.commit()
        db.session.remove()
        downgrade(directory=directory, revision="c2f8d4a6e1b3")  # before claimed_as
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert dict(connection.execute(select(HumanTask.id, HumanTask.claimed_as)).all()) == {
                taken: "Plh. Kasubbag", own: None}


def test_steps_done_as_plh_before_the_upgrade_are_counted_as_such(database):
    """The step facts of steps completed as Plh/Plt before ``step_facts.acting`` existed
    read it from the step (``completed_as``): the person report counts them after the
    upgrade; a step done in one's own role stays one's own."""
    with migrated(database) as (clock, directory):
        kasubbag, other = _plh_office(clock)
        taken, own = db.session.scalars(select(HumanTask).where(
            HumanTask.state == "open").order_by(HumanTask.id)).all()
        claim_task(db.session, clock, taken.id, kasubbag)
        claim_task(db.session, clock, own.id, other)
        for task in (taken, own):
            complete_task(db.session, clock, task.id, other, onward(task, clock.now()))
        ids = {taken.id: "Plh. Kasubbag", own.id: None}
        assert {task.id: task.completed_as for task in (taken, own)} == ids
        taken, own = taken.id, own.id
        db.session.commit()
        db.session.remove()
        downgrade(directory=directory, revision="d7a3e9b5f2c8")  # before step_facts.acting
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert dict(connection.execute(select(StepFact.human_task_id, StepFact.acting)
                                           .where(StepFact.human_task_id.in_(ids))).all()) == {
                taken: True, own: False}


def test_a_plh_ended_in_its_first_minute_before_the_upgrade_ends_when_it_was_ended(database):
    """Before an early end could fall after its start, a Plh ended in the minute it began
    was stored ending at its start and read as cancelled; its end record (by official,
    substitute, role, warrant and end) says when it was ended, and that becomes its end.
    One cancelled before it began stays cancelled, also when it was the same warrant's
    first try with another substitute (found by the second regression probe)."""
    with migrated(database) as (clock, directory):
        kasubbag, other = _plh_office(clock)
        admin = db.session.scalar(select(User).where(User.username == "admin"))
        first = db.session.scalar(select(Substitution))

        def plh(substitute: User, warrant: str, starts_at) -> Substitution:
            added = Substitution(kind="Plh", official_id=kasubbag.id,
                                 substitute_id=substitute.id, role="Kasubbag",
                                 warrant_number=warrant, starts_at=starts_at,
                                 ends_at=starts_at + timedelta(days=1), created_at=clock.now())
            db.session.add(added)
            db.session.flush()
            return added

        wrong = plh(admin, first.warrant_number, first.starts_at)  # corrected at once
        later = plh(other, "SP-2", clock.now() + timedelta(days=9))
        ended_at = [(wrong, admin, first.starts_at - timedelta(seconds=5)),
                    (first, other, clock.now() + timedelta(seconds=40)),
                    (later, other, clock.now() + timedelta(hours=1))]
        for substitution, substitute, at in ended_at:  # as the code before stored them
            substitution.ends_at, substitution.ended_by_id = (substitution.starts_at,
                                                              kasubbag.id)
            db.session.add(AuditRecord(at=at, action="substitution.ended", detail={
                "official": "kasubbag", "substitute": substitute.username, "role": "Kasubbag",
                "warrant_number": substitution.warrant_number,
                "ends_at": substitution.starts_at.isoformat()}))
        ids = {wrong.id: wrong.starts_at, first.id: ended_at[1][2], later.id: later.starts_at}
        db.session.commit()
        db.session.remove()
        downgrade(directory=directory, revision="b6e1d3f9a2c7")
        upgrade(directory=directory)
        with db.engine.connect() as connection:
            assert dict(connection.execute(select(Substitution.id, Substitution.ends_at)
                                           ).all()) == ids


@contextmanager
def migrated(database: str) -> Iterator[tuple[ManualClock, str]]:
    """In the app context of an app on ``database`` migrated to head: its manual clock and
    its migrations folder; the app's connections closed afterwards."""
    clock = ManualClock(MONDAY_0800)
    app = create_app({"SQLALCHEMY_DATABASE_URI": database, "SECRET_KEY": "uji",
                      "ALUR_CLOCK": clock})
    with app.app_context():
        directory = app.extensions["migrate"].directory
        upgrade(directory=directory)
        yield clock, directory
        db.session.remove()
        db.engine.dispose()


def _office(clock: ManualClock) -> User:
    """The RKT deployed and its Kasubbag, a user with a role (added to the session)."""
    deploy(db.session, clock, (BPMN_DIR / "penyusunan_rkt.bpmn").read_bytes(),
           filename="penyusunan_rkt.bpmn")
    kasubbag = User(username="kasubbag", full_name="Kasubbag", password_hash="-",
                    created_at=clock.now(), roles=[UserRole(role="Kasubbag")])
    db.session.add(kasubbag)
    return kasubbag


def _plh_office(clock: ManualClock) -> tuple[User, User]:
    """The RKT's office with a second Kasubbag as Plh of the first for five days, and two
    RKT instances started (their first steps open): ``(official, Plh)``."""
    kasubbag = _office(clock)
    other = User(username="kasubbag2", full_name="Kasubbag Dua", password_hash="-",
                 created_at=clock.now(), roles=[UserRole(role="Kasubbag")])
    admin = User(username="admin", full_name="Admin", password_hash="-", is_admin=True,
                 created_at=clock.now())
    db.session.add_all([other, admin])
    db.session.flush()
    record(db.session, clock, kind="Plh", official=kasubbag, substitute=other,
           role="Kasubbag", warrant_number="SP-1", starts_at=clock.now(),
           ends_at=clock.now() + timedelta(days=5), created_by=admin)
    for title in ("RKT 2027", "RKT 2028"):
        _start(kasubbag, clock, title)
    return kasubbag, other


def _start(user: User, clock: ManualClock, title: str) -> str:
    return start_instance(db.session, clock, process_key="penyusunan_rkt", title=title,
                          user=user).number
