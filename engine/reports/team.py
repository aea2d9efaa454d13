"""A supervisor's team at a glance: the headline figures of ``engine.reports.people`` for a
page of people at once, so that a Kasubbag compares his Prakom in one table instead of
opening each person's report (the Pejabat Penilai of their SKP, PermenPANRB 6/2022).

The figures are the person report's own (``PersonReport.done``, ``with_deadline``,
``on_time``, ``escalations`` and ``acting``), read for all the page's people in two grouped
statements over the report facts.
"""

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.models import StepFact, User
from engine.reports.basis import count_where
from engine.reports.people import charged_escalations
from engine.time.periods import Period


@dataclass(frozen=True)
class TeamRow:
    """One person's headline figures over a period: steps completed, of them with a
    deadline and on time, escalations on steps he completed or holds, and the steps he
    completed as a Plh/Plt (``acting``)."""

    done: int = 0
    with_deadline: int = 0
    on_time: int = 0
    escalations: int = 0
    acting: int = 0

    @property
    def on_time_share(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None


def team_figures(session: Session, people: Sequence[User], period: Period
                 ) -> dict[int, TeamRow]:
    """``TeamRow`` per user id of ``people`` (at most a page: ``engine.paging``) over
    ``period`` (aware bounds, end exclusive), equal to each one's ``person_report``; a
    person with no work in the period gets a row of zeros. Two statements."""
    ids = [person.id for person in people]
    if not ids:
        return {}
    steps = {performer: (done, with_deadline, on_time, acting)
             for performer, done, with_deadline, on_time, acting in session.execute(
                 select(StepFact.performer_id, func.count(), func.count(StepFact.on_time),
                        count_where(StepFact.on_time.is_(True)),
                        count_where(StepFact.acting.is_(True)))
                 .where(StepFact.performer_id.in_(ids), StepFact.completed_at >= period.start,
                        StepFact.completed_at < period.end)
                 .group_by(StepFact.performer_id))}
    charged = charged_escalations(period, ids).subquery()
    escalations = dict(session.execute(select(charged.c.person, func.count())
                                       .group_by(charged.c.person)).all())
    rows = {}
    for person_id in ids:
        done, with_deadline, on_time, acting = steps.get(person_id, (0, 0, 0, 0))
        rows[person_id] = TeamRow(done, with_deadline, on_time,
                                  escalations.get(person_id, 0), acting)
    return rows
