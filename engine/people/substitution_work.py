"""What a Plh/Plt did in the official's place: the steps of the official's role that the
substitute completed as Plh/Plt during the substitution. An official back from leave reads
what was decided in his name (Kotak Masuk tells him for a week, ``returned_to``); whoever
may see the substitution reads it from the Plh/Plt list.

A step counts when its row says so: completed by the substitute, in the substitution's
role, "as" that Plh/Plt (``HumanTask.completed_as``, e.g. ``"Plh. Ketua"``: not in a role
he holds himself), between the substitution's start and its end (an early end is its end,
with the minute it was ended in).
Two substitutions at once of one substitute in one role (a Plh for two Prakom) both list
his steps of that role: the row does not say for whom."""

from datetime import datetime, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from engine.models import HumanTask, ProcessDefinition, ProcessInstance, Substitution, User
from engine.paging import Page, paginate

# How long after a substitution ends its official's Kotak Masuk points to its steps.
TOLD_FOR = timedelta(days=7)
# Substitutions named on the official's Kotak Masuk at most (an official is rarely replaced
# more than once a week).
MAX_TOLD = 5
EARLY_END_MINUTE = timedelta(minutes=1)


def _done_query(substitution: Substitution) -> Select:
    """The completed steps of ``substitution``'s substitute in its place (see the module),
    on the index of completions by performer and time, up to ``_work_end``."""
    ended = _work_end(substitution)
    return select(HumanTask).where(
        HumanTask.completed_by_id == substitution.substitute_id,
        HumanTask.completed_at >= substitution.starts_at,
        HumanTask.completed_at < ended,
        HumanTask.state == "completed", HumanTask.role == substitution.role,
        HumanTask.completed_as == f"{substitution.kind}. {substitution.role}")


def _work_end(substitution: Substitution) -> datetime:
    """Until when ``substitution``'s substitute acted in its place: its end; for an early
    end stored at the start of its minute (``substitution_period.early_end``), the end of
    that minute (after the end nobody completes as that Plh/Plt). One ended at the moment
    (in its first minute) ends then, and one cancelled before it began has no time at all:
    the steps of another Plh/Plt of that minute are not its own."""
    ends_at = substitution.ends_at
    floored = ends_at.second == 0 and ends_at.microsecond == 0
    if substitution.ended_by_id and floored and ends_at > substitution.starts_at:
        return ends_at + EARLY_END_MINUTE
    return ends_at


def steps_done(session: Session, substitution: Substitution, page: int, per_page: int
               ) -> Page:
    """Page ``page`` of the steps the substitute completed in the official's place, in the
    order they were completed, each with its instance (and its SOP's name) loaded.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    query = _done_query(substitution).options(selectinload(HumanTask.instance).options(
        # The instance's number and title and its SOP's name; not its saved workflow state
        # nor the SOP's BPMN.
        defer(ProcessInstance.state_json),
        joinedload(ProcessInstance.definition).load_only(ProcessDefinition.name))
    ).order_by(HumanTask.completed_at, HumanTask.id)
    return paginate(session, query, page, per_page)


def returned_to(session: Session, official: User, now: datetime
                ) -> list[tuple[Substitution, int]]:
    """The substitutions of ``official`` that ended within ``TOLD_FOR`` before ``now``
    (aware) and in which the substitute completed a step in his place, with how many: the
    last to end first, at most ``MAX_TOLD``. One query, then one count per substitution."""
    ended = session.scalars(select(Substitution).options(
        selectinload(Substitution.substitute)).where(
        Substitution.official_id == official.id, Substitution.ends_at <= now,
        Substitution.ends_at > now - TOLD_FOR,
        # Not one ended before it began; one ended in its first minute did begin.
        Substitution.ends_at >= Substitution.starts_at).order_by(
        Substitution.ends_at.desc(), Substitution.id.desc()).limit(MAX_TOLD))
    found = []
    for substitution in ended:
        count = session.scalar(select(func.count()).select_from(
            _done_query(substitution).subquery()))
        if count:
            found.append((substitution, count))
    return found
