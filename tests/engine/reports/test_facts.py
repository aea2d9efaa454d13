"""The report facts on the demo history (``web.cli.demo_history``, made by the real engine,
seed 35, a year up to Monday 23 November 2026 08.00 WIB): every report read from the
facts equals the same report recomputed from the records (``tests.helpers.report_oracle``,
the computation the reports used before the facts); a rebuild gives the same facts; a
completion writes its one fact in its own transaction.
"""

import random
from collections import Counter
from datetime import date

import pytest
from sqlalchemy import create_engine, delete, event, func, select
from sqlalchemy.orm import Session

from engine.clock import ManualClock
from engine.db import Base
from engine.models import (
    EscalationFact,
    HumanTask,
    InstanceFact,
    ParticipationFact,
    ProcessInstance,
    StepFact,
    Substitution,
    User,
    UserRole,
)
from engine.process.deploy import active_definitions, deploy
from engine.process.tasks import complete_task
from engine.reports import desk, people, sop
from engine.reports.basis import nearest_rank, nearest_rank_counted
from engine.reports.rebuild import rebuild_all
from engine.roles import KNOWN_ROLES, username_for
from engine.time.calendar import WorkCalendar
from engine.time.periods import calendar_period, custom_period
from tests.conftest import BPMN_DIR, MONDAY_0800
from tests.helpers import report_oracle
from tests.helpers.database import fresh_database
from tests.helpers.report_history import onward
from web.cli.demo_history import PLAN, generate_history

CALENDAR = WorkCalendar()
ZONE = "Asia/Jakarta"
# Every month, quarter and semester of the two years the history spans, both years, and
# the whole span as one range.
PERIODS = [
    *(calendar_period("bulan", year, month, ZONE) for year in (2025, 2026)
      for month in range(1, 13)),
    *(calendar_period("triwulan", year, quarter, ZONE) for year in (2025, 2026)
      for quarter in range(1, 5)),
    *(calendar_period("semester", year, half, ZONE) for year in (2025, 2026)
      for half in (1, 2)),
    calendar_period("tahun", 2025, 1, ZONE), calendar_period("tahun", 2026, 1, ZONE),
    custom_period(date(2025, 11, 1), date(2026, 11, 30), ZONE),
]
# The history is made by the engine step by step: minutes on a busy machine (PostgreSQL).
pytestmark = pytest.mark.timeout(1800)
FACTS = ((StepFact, (StepFact.human_task_id,)), (InstanceFact, (InstanceFact.instance_id,)),
         (EscalationFact, (EscalationFact.escalation_id,)),
         (ParticipationFact, (ParticipationFact.instance_id, ParticipationFact.performer_id,
                              ParticipationFact.role)))


@pytest.fixture(scope="module")
def history(tmp_path_factory):
    """The URL of a database holding the demo history (made once for this module)."""
    with fresh_database(tmp_path_factory.mktemp("facts")) as url:
        engine = create_engine(url)
        Base.metadata.create_all(engine)
        clock = ManualClock(MONDAY_0800)
        with Session(engine) as session:
            for role in KNOWN_ROLES:
                session.add(User(username=username_for(role), full_name=f"Demo {role}",
                                 password_hash="-", created_at=clock.now(),
                                 roles=[UserRole(role=role)]))
            for key in PLAN:  # the five SOPs the demo history plans for
                path = BPMN_DIR / f"{key}.bpmn"
                deploy(session, clock, path.read_bytes(), filename=path.name)
            session.commit()
            generate_history(session, CALENDAR, clock.now(), seed=35)
        engine.dispose()
        yield url


@pytest.fixture
def session(history):
    """A session on the demo history; whatever a test changes is rolled back."""
    engine = create_engine(history)
    with Session(engine) as session:
        yield session
        session.rollback()
    engine.dispose()


def test_counted_nearest_rank_equals_the_plain_one():
    rng = random.Random(13)
    for _ in range(300):
        values = [rng.randint(0, 30) for _ in range(rng.randint(0, 40))]
        for percent in (50, 90):
            assert nearest_rank_counted(Counter(values).items(), percent) == nearest_rank(
                values, percent)


def test_the_history_is_substantial(session):
    completed = session.scalar(select(func.count()).select_from(HumanTask).where(
        HumanTask.state == "completed"))
    assert completed > 900  # 990 with seed 35 (the demo tickets rated since 9afcbde)
    assert session.scalar(select(func.count()).select_from(StepFact)) == completed
    assert session.scalar(select(func.count()).select_from(InstanceFact)) == session.scalar(
        select(func.count()).select_from(ProcessInstance))
    assert session.scalar(select(func.count()).select_from(EscalationFact)) > 100


def test_sop_reports_equal_the_recomputation(session):
    keys = [definition.key for definition in active_definitions(session)]
    assert len(keys) == 5
    compared = 0
    for period in PERIODS:
        for key in keys:
            expected = report_oracle.sop_performance(session, CALENDAR, key, period)
            assert sop.sop_performance(session, CALENDAR, key, period) == expected, (
                key, period.label)
            compared += bool(expected.finished)
        for row in sop.tabel7(session, CALENDAR, period):
            expected = report_oracle.sop_performance(session, CALENDAR, row.performance.key,
                                                     period)
            assert row.performance == expected
    assert compared > 50  # most periods had finished instances to measure


def test_person_reports_and_their_instances_equal_the_recomputation(session):
    everyone = session.scalars(select(User).order_by(User.id)).all()
    figures_compared = 0
    for period in PERIODS[-3:] + PERIODS[:3]:
        for person in everyone:
            expected, figures = report_oracle.person_report(session, CALENDAR, person, period)
            assert people.person_report(session, CALENDAR, person, period) == expected, (
                person.username, period.label)
            for (figure, key, step, priority), ids in figures.items():
                assert people.figure_instances(session, person, period, figure, sop=key,
                                               step=step, priority=priority) == ids
                figures_compared += 1
    assert figures_compared > 100


def test_a_person_s_incidents_and_tickets_are_counted_on_their_own_participation(session):
    """MTTR and the Prakom's ticket satisfaction range over the person's participation
    facts; they never look into the steps of each instance that ended in the period."""
    prakom = session.scalar(select(User).where(User.username == username_for("Prakom")))
    read: list[str] = []
    resolved = tickets = 0

    def capture(conn, cursor, statement, parameters, context, executemany):
        read.append(statement)

    engine = session.get_bind()
    event.listen(engine, "before_cursor_execute", capture)
    try:
        for period in PERIODS[-3:]:
            report = people.person_report(session, CALENDAR, prakom, period)
            resolved += sum(mttr.resolved for mttr in report.mttr)
            tickets += desk.satisfaction(session, period.start, period.end,
                                         prakom=prakom)["completed"]
    finally:
        event.remove(engine, "before_cursor_execute", capture)
    assert resolved and tickets, "the history has incidents and tickets of the Prakom"
    assert not [s for s in read if "step_facts" in s and "instance_facts" in s], read
    assert len([s for s in read if "FROM participation_facts" in s]) >= 6


def _facts(session: Session) -> list[list[tuple]]:
    return [[tuple(getattr(row, column.key) for column in model.__table__.columns)
             for row in session.scalars(select(model).order_by(*order))]
            for model, order in FACTS]


def test_rebuild_gives_the_same_facts(session):
    kept = _facts(session)
    for model, _ in FACTS:
        session.execute(delete(model))
    assert _facts(session) == [[], [], [], []]
    batches = []
    written = rebuild_all(session, CALENDAR, limit=500,
                          done=lambda kind, count: batches.append((kind, count)))
    assert _facts(session) == kept
    assert written == sum(len(rows) for rows in kept)
    assert max(count for _, count in batches) == 500  # bounded batches
    # Again over facts present: the same (idempotent).
    rebuild_all(session, CALENDAR, limit=700)
    assert _facts(session) == kept


def test_a_completion_writes_one_fact_in_its_transaction(session):
    task = session.scalars(select(HumanTask).join(ProcessInstance).where(
        HumanTask.state == "open", ProcessInstance.status == "running")
        .order_by(HumanTask.id)).first()
    performer = session.scalar(select(User).join(UserRole).where(UserRole.role == task.role))
    before = session.scalar(select(func.count()).select_from(StepFact))
    clock = ManualClock(MONDAY_0800)
    task_id, bpmn_id = task.id, task.bpmn_id
    complete_task(session, clock, task_id, performer, onward(task, clock.now()))
    session.flush()
    assert session.scalar(select(func.count()).select_from(StepFact)) == before + 1
    fact = session.get(StepFact, task_id)
    assert (fact.performer_id, fact.completed_at, fact.bpmn_id) == (
        performer.id, clock.now(), bpmn_id)
    assert fact.taken_minutes == CALENDAR.working_minutes_between(fact.created_at,
                                                                  clock.now())
    assert fact.acting is False  # the holder of the role, in his own name
    session.rollback()
    assert session.scalar(select(func.count()).select_from(StepFact)) == before
    assert session.get(StepFact, task_id) is None
    assert session.get(HumanTask, task_id).state == "open"



def test_steps_done_as_plh_are_counted_in_the_person_report_and_rebuilt(session):
    """A Plh standing in for the holder of a step's role completes it: the Plh's report
    counts it among his steps and as done as a Plh/Plt, equal to the recomputation, its
    figure lists the instance, and a rebuild of the facts keeps it."""
    clock = ManualClock(MONDAY_0800)
    task = session.scalars(select(HumanTask).join(ProcessInstance).where(
        HumanTask.state == "open", ProcessInstance.status == "running")
        .order_by(HumanTask.id)).first()
    official = session.scalar(select(User).where(User.username == username_for(task.role)))
    plh = session.scalar(select(User).where(User.username == username_for(
        "Sekretaris" if task.role != "Sekretaris" else "Kasubbag")))
    session.add(Substitution(kind="Plh", official=official, substitute=plh, role=task.role,
                             warrant_number="800/1/XI/2026", starts_at=clock.now(),
                             ends_at=clock.now().replace(day=27), created_at=clock.now()))
    session.flush()
    period = custom_period(date(2026, 11, 1), date(2026, 11, 30), ZONE)
    before = people.person_report(session, CALENDAR, plh, period)
    complete_task(session, clock, task.id, plh, onward(task, clock.now()))
    session.flush()
    assert task.completed_as == f"Plh. {task.role}"
    assert session.get(StepFact, task.id).acting is True
    report = people.person_report(session, CALENDAR, plh, period)
    assert (report.done, report.acting) == (before.done + 1, before.acting + 1)
    assert before.acting == 0  # the demo history has no Plh: the one step is this one
    expected, figures = report_oracle.person_report(session, CALENDAR, plh, period)
    assert report == expected
    key = task.instance.definition.key
    assert people.figure_instances(session, plh, period, "plh") == figures[
        ("plh", None, None, None)] == (task.instance_id,)
    assert people.figure_instances(session, plh, period, "plh", sop=key) == (
        task.instance_id,)
    assert [sop.acting for sop in report.sops if sop.key == key] == [1]
    session.execute(delete(StepFact))
    rebuild_all(session, CALENDAR)
    assert session.get(StepFact, task.id).acting is True
    assert people.person_report(session, CALENDAR, plh, period) == report
