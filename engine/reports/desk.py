"""The service desk's reports (issue 14), each over a period ``[start, end)`` of aware
datetimes:

- "Kepuasan Pengguna": index = % of ratings 4-5 among the scored ratings, their count,
  the response rate (scored ratings / completed tickets, the monitoring incidents left
  out: their requester is an alert source, no one to rate), the comments; target ≥ 85%.
- Uptime per system: downtime from the outages (firing→resolved), overlapping spans of a
  system merged, clipped to the period; uptime % = 1 - downtime / period length; a system
  is critical when one of its incidents was kritis; target ≥ 99.5% for critical systems.
- "Ringkasan Ticketing dan MTR": tickets opened by category and priority, MTTR per
  priority (report to completion, minus "menunggu pemohon" pauses) against its SLA, %
  completed within the SLA deadline, backlog at the end (open at ``end``). A ticket
  without a priority is counted under minor throughout, as its SLA is
  (``sla.priority_of``).
"""

import math
from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session

from engine import settings
from engine.desk import alerts, ratings, sla
from engine.models import (
    Alert,
    InstanceFact,
    Outage,
    ParticipationFact,
    ProcessDefinition,
    ProcessInstance,
    Rating,
    User,
)
from engine.people.access import REQUESTER_PROCESSES
from engine.reports.basis import count_where

SATISFACTION_TARGET = 85.0
# Rating comments a report lists: the newest; a longer period says how many more it holds.
MAX_COMMENTS = 100
UPTIME_TARGET = 99.5

# A ticket whose requester named no category.
NO_CATEGORY = "tanpa kategori"


def _tickets(session: Session, process_key: str | None = None) -> Any:
    keys = [process_key] if process_key else sorted(REQUESTER_PROCESSES)
    return select(ProcessInstance).join(ProcessDefinition).where(ProcessDefinition.key.in_(keys))


def satisfaction(session: Session, start: datetime, end: datetime, *,
                 process_key: str | None = None, prakom: User | None = None,
                 comments: bool = True) -> dict[str, Any]:
    """The satisfaction of tickets completed in the period (of one SOP, or those in which
    ``prakom`` completed a Prakom step), leaving out the monitoring incidents (started by
    an alert source's account, which never rates: ``alerts.monitoring_incidents``) and the
    tickets the desk filed or served for itself, which it may not rate
    (``ratings.desk_served_itself``).
    ``index`` and ``response_rate`` are percentages (None without data); ``comments`` the
    newest ``MAX_COMMENTS`` ratings' comments ``(number, score, comment, instance id)``,
    oldest first, of ``comments_total`` (not read when ``comments`` is False: a row of the per-SOP or
    per-Prakom table shows none). Tickets and scores are counted in the database on the report
    facts' indexes; no list grows with the period."""
    keys = [process_key] if process_key else sorted(REQUESTER_PROCESSES)
    tickets: Any = InstanceFact
    theirs: list[Any] = []
    if prakom is not None:  # one participation row per ticket, Prakom and role
        tickets = ParticipationFact
        theirs = [ParticipationFact.performer_id == prakom.id, ParticipationFact.role == "Prakom"]
    completed = [tickets.process_key.in_(keys), tickets.outcome == "completed",
                 tickets.ended_at >= start, tickets.ended_at < end, *theirs,
                 tickets.instance_id.not_in(alerts.monitoring_incidents()),
                 tickets.instance_id.not_in(ratings.desk_served_itself())]
    count = session.scalar(select(func.count()).select_from(tickets).where(*completed))
    scored = (Rating.score.is_not(None),  # the scored ratings, not every ticket of the period
              exists().where(tickets.instance_id == Rating.instance_id, *completed))
    rated, satisfied, commented = session.execute(
        select(func.count(), count_where(Rating.score >= 4),
               count_where(func.coalesce(Rating.comment, "") != ""))
        .where(*scored)).one()
    newest = session.execute(
        select(ProcessInstance.number, Rating.score, Rating.comment, ProcessInstance.id)
        .join(ProcessInstance, ProcessInstance.id == Rating.instance_id)
        .where(*scored, func.coalesce(Rating.comment, "") != "")
        .order_by(Rating.instance_id.desc()).limit(MAX_COMMENTS)).all() \
        if comments and commented else []
    return {
        "completed": count, "count": rated,
        "index": round(100 * satisfied / rated, 1) if rated else None,
        "response_rate": round(100 * rated / count, 1) if count else None,
        "target": SATISFACTION_TARGET,
        "comments": [tuple(row) for row in reversed(newest)], "comments_total": commented,
    }


def merged(spans: list[tuple[datetime, datetime]]) -> list[tuple[datetime, datetime]]:
    """``spans`` sorted with the overlapping or touching ones joined."""
    joined: list[tuple[datetime, datetime]] = []
    for begin, finish in sorted(spans):
        if joined and begin <= joined[-1][1]:
            joined[-1] = (joined[-1][0], max(joined[-1][1], finish))
        else:
            joined.append((begin, finish))
    return joined


def uptime(session: Session, start: datetime, end: datetime, now: datetime
           ) -> list[dict[str, Any]]:
    """Per system with an outage in the period ``start``–``end`` (aware): downtime
    minutes, uptime % (2 decimals, cut), whether it is critical and, if so, whether it met
    the 99.5% target. An alert firing at ``now`` (aware) is down from when it fired until
    ``now`` (or the period's end): a system down today reads as down, not as never down."""
    spans: dict[str, list[tuple[datetime, datetime]]] = defaultdict(list)
    for outage in session.scalars(select(Outage).where(
            Outage.started_at < end, Outage.ended_at > start,
            Outage.ended_at > Outage.started_at)):  # a zero-length span is no downtime
        spans[outage.system].append((max(outage.started_at, start), min(outage.ended_at, end)))
    until = min(now, end)
    firing = select(Alert.system, Alert.firing_since).where(
        Alert.firing_since.is_not(None), Alert.firing_since < until)
    for system, since in session.execute(firing) if until > start else ():
        spans[system].append((max(since, start), until))
    critical = {system for system, data in session.execute(
        select(Alert.system, ProcessInstance.data).join(
            ProcessInstance, Alert.instance_id == ProcessInstance.id))
        if (data or {}).get("prioritas") == "kritis"}
    period = (end - start).total_seconds()
    rows = []
    for system in sorted(spans):
        down = sum(((f - b).total_seconds() for b, f in merged(spans[system])), 0.0)
        # Cut, not rounded, to 2 decimals: a system that was down never reads 100 (15
        # minutes in a year are 99.99, not 100.0); the tiny addend keeps an exact 99.5 at
        # 99.5 through binary fractions.
        percent = math.floor(100 * 100 * (1 - down / period) + 1e-9) / 100
        rows.append({"system": system, "downtime_minutes": round(down / 60, 1),
                     "uptime": percent, "critical": system in critical,
                     "met": percent >= UPTIME_TARGET if system in critical else None})
    return rows


def ticket_summary(session: Session, start: datetime, end: datetime) -> dict[str, Any]:
    """Tickets opened in the period by category and by priority; MTTR (minutes) per
    priority of those completed in the period, with the SLA (``sla``, an ISO 8601
    duration, counted round the clock when ``round_the_clock``) and % within it; backlog.
    A priority whose tickets were reported under different SLAs (the minor setting changed
    within the period) has one row per SLA, each with its own tickets: one row under the
    setting as it stands now told past tickets an SLA they never had."""
    opened = list(session.scalars(_tickets(session).where(ProcessInstance.started_at >= start,
                                                          ProcessInstance.started_at < end)))
    by_category = Counter(_category(i) for i in opened)
    by_priority = Counter(sla.priority_of(i) for i in opened)
    done = list(session.scalars(_tickets(session).where(
        ProcessInstance.status == "completed", ProcessInstance.completed_at >= start,
        ProcessInstance.completed_at < end)))
    mttr, calendar = [], settings.work_calendar(session)
    for priority in sla.PRIORITIES:
        groups: dict[tuple[str, bool], list[ProcessInstance]] = {}
        for ticket in (i for i in done if sla.priority_of(i) == priority):
            groups.setdefault(sla.rule(session, priority, ticket.started_at), []).append(ticket)
        for (standard, round_the_clock), group in groups.items():
            spent = [sla.resolution_minutes(session, calendar, i) for i in group]
            within = sum(1 for i in group if i.completed_at <= sla.deadline(session, i,
                                                                             i.completed_at))
            mttr.append({"priority": priority, "count": len(group),
                         "mttr_minutes": round(sum(spent) / len(group), 1),
                         "sla": standard, "round_the_clock": round_the_clock,
                         "within_sla": round(100 * within / len(group), 1)})
    backlog = sum(1 for i in session.scalars(_tickets(session).where(
        ProcessInstance.started_at < end)) if i.completed_at is None or i.completed_at >= end)
    return {"by_category": dict(sorted(by_category.items())),
            "by_priority": dict(sorted(by_priority.items())), "mttr": mttr,
            "backlog": backlog}


def _category(instance: ProcessInstance) -> str:
    if instance.definition.key == "penanganan_gangguan_server":
        return "gangguan server"
    return (instance.data or {}).get("kategori") or NO_CATEGORY
