"""The team table (``engine.reports.team``) says what each person's own report says, for
a page of people in two statements (the hand-made history of ``test_reports``)."""

from datetime import timedelta

from sqlalchemy import event, select

from engine.models import HumanTask, User
from engine.process.instances import start_instance
from engine.process.tasks import claim_task
from engine.reports.people import person_report
from engine.reports.team import TeamRow, team_figures
from engine.time.periods import calendar_period
from tests.engine.escalation.test_timers import fire_due
from tests.engine.reports.test_reports import CALENDAR, NOVEMBER, Q4, history  # noqa: F401


def _headline(session, person, period) -> TeamRow:
    report = person_report(session, CALENDAR, person, period)
    return TeamRow(report.done, report.with_deadline, report.on_time, report.escalations,
                   report.acting)


def test_each_row_equals_the_persons_report_in_two_statements(session, history,  # noqa: F811
                                                               users):
    people = [users["Kasubbag"], users["Prakom"], users["Ketua"]]
    for period in (Q4, NOVEMBER, calendar_period("bulan", 2026, 12, "Asia/Jakarta")):
        statements: list[str] = []
        [person.id for person in people]  # loaded before counting

        def seen(conn, cursor, statement, *args, found=statements):
            found.append(statement)

        event.listen(session.bind, "before_cursor_execute", seen)
        try:
            team = team_figures(session, people, period)
        finally:
            event.remove(session.bind, "before_cursor_execute", seen)
        assert len(statements) == 2, statements
        assert team == {person.id: _headline(session, person, period) for person in people}
    assert team_figures(session, people, Q4)[users["Prakom"].id] == TeamRow(10, 10, 7, 7)
    assert team_figures(session, [users["Ketua"]], Q4)[users["Ketua"].id] == TeamRow()


def test_an_escalation_on_a_step_still_held_counts_for_its_holder(
        session, clock, history, users):  # noqa: F811 - the fixture imported above
    prakom: User = users["Prakom"]
    period = calendar_period("bulan", clock.now().year, clock.now().month, "Asia/Jakarta")
    before = team_figures(session, [prakom], period)[prakom.id]
    instance = start_instance(session, clock, process_key="sop_uji", title="Konsep baru",
                              user=prakom)
    task = session.scalars(select(HumanTask).where(HumanTask.instance_id == instance.id)).one()
    claim_task(session, clock, task.id, prakom)
    session.commit()
    clock.advance(timedelta(minutes=40))  # past its 30 minutes: the reminder, level 1
    assert fire_due(session, clock) == 1
    row = team_figures(session, [prakom], period)[prakom.id]
    assert row.escalations == before.escalations + 1 and row.done == before.done
    assert row == _headline(session, prakom, period)
