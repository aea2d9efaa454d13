"""Kotak Masuk: which open tasks a user sees, filtered, searched, sorted and paged in SQL.

The list reads only the columns it shows (task, instance number and title, SOP key and
name, who holds it): never an instance's saved workflow state nor a definition's BPMN or
spec, so a page costs the same whether 10 or 10,000 tasks are open (issue 13). Views:

- ``saya`` (Tugas Saya): claimed by the user, or by the official they stand in for;
- ``unit`` (Tugas Unit): unclaimed, of the roles the user may act in;
- ``semua``: both;
- ``bawahan`` (Tugas Bawahan): every open task of the roles below those the user acts in
  along the line of supervision (``roles_below``: the steps whose lateness escalates to
  him) that Semua does not already hold (a Kasubbag serving as Plh. Sekretaris does not
  find his own Kasubbag steps there too); he assigns (Alihkan) those of the roles he
  supervises directly.

A step of a ticket waiting for its requester (an open ``SlaPause``, ``engine.desk.sla``)
is shown as waiting: its clock stands still, so it is neither late nor due today until
the answer moves its deadline by the wait.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, case, exists, func, literal, or_, select
from sqlalchemy.orm import Session, aliased

from engine.bpmn.conventions import DEFAULT_PRIORITY_FIELD, TICKET_PRIORITIES
from engine.clock import Clock
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, SlaPause, User
from engine.paging import Page
from engine.people.access import REQUESTER_PROCESSES
from engine.people.substitution import Capacity, capacities
from engine.roles import KNOWN_ROLES, line_above, supervisor_of
from engine.runtime.unit import GALAT
from engine.search_text import search_forms, stripped

INBOX_VIEWS = ("semua", "saya", "unit", "bawahan")
INBOX_STATES = ("terlambat", "hari_ini", "dalam_proses", "belum_diambil")
# Sort keys (``-key`` for descending) to their columns; each is indexed (human_tasks
# (state, role, ..., due_at, created_at), (state, name), the unique instance number) or on
# the few SOP rows.
SORTS = {"batas": HumanTask.due_at, "diterima": HumanTask.created_at,
         "langkah": HumanTask.name, "nomor": ProcessInstance.number,
         "sop": ProcessDefinition.name}
DEFAULT_SORT = "batas"
MAX_PER_PAGE = 100
MAX_SEARCH = 100
_SEPARATOR = "|"
# The task's instance is a ticket waiting for its requester (menunggu pemohon): read in
# the pauses' instance index, never the instance's row.
WAITING = exists().where(SlaPause.instance_id == HumanTask.instance_id,
                         SlaPause.ended_at.is_(None))
# The case came back to the task for revision: the step completed last before it opened
# chose a return (``case.returned_by``), read per row of a page in the instance's index.
_BEFORE = aliased(HumanTask)
RETURNED = func.coalesce(select(_BEFORE.returned).where(
    _BEFORE.instance_id == HumanTask.instance_id, _BEFORE.state == "completed",
    _BEFORE.completed_at <= HumanTask.created_at, _BEFORE.id != HumanTask.id)
    .order_by(_BEFORE.completed_at.desc(), _BEFORE.id.desc()).limit(1)
    .correlate(HumanTask).scalar_subquery(), False)
# A ticket's priority as the desk's SLA reads it (``engine.desk.sla.priority_of``): its case
# data ``prioritas`` when one of ``TICKET_PRIORITIES``, "" before anyone set one (counted
# as minor), None on other SOPs' rows.
_TICKET = ProcessDefinition.key.in_(sorted(REQUESTER_PROCESSES))
_PRIORITY_VALUE = ProcessInstance.data[DEFAULT_PRIORITY_FIELD].as_string()
PRIORITY = case((_TICKET & _PRIORITY_VALUE.in_(TICKET_PRIORITIES), _PRIORITY_VALUE),
                (_TICKET, literal("")), else_=None)


@dataclass(frozen=True)
class InboxRow:
    """One row of the Kotak Masuk: what the page and the API show of an open task;
    ``waiting``: its ticket waits for the requester (``WAITING``), its deadline stands;
    ``returned``: the case came back to it for revision (``RETURNED``);
    ``priority``: its ticket's priority, "" when not set yet (``PRIORITY``), None on other
    SOPs' rows."""

    id: int
    instance_id: int
    number: str | None
    instance_title: str
    process_key: str
    process_name: str
    step_id: str
    name: str
    role: str
    state: str
    created_at: datetime
    due_at: datetime | None
    claimed_by_id: int | None
    claimed_by: str | None
    claimed_by_name: str | None
    round_the_clock: bool
    waiting: bool
    returned: bool
    priority: str | None


@dataclass(frozen=True)
class InboxQuery:
    """What the user asked the inbox for.

    Args:
        view: one of ``INBOX_VIEWS`` (unknown values read as ``semua``).
        process_key: only this SOP.
        state: ``terlambat`` (past its deadline), ``hari_ini`` (due between now and
            ``day_end``, an aware datetime: the end of the office's day), neither for a
            ticket waiting for its requester (``WAITING``), ``dalam_proses``
            (claimed) or ``belum_diambil`` (nobody took it yet); anything else: no filter.
        search: words of the step name, the SOP name, the instance number or title, or
            the holder's full name (a supervisor looking for what Rina holds);
            case, spaces and common punctuation (``search_text.IGNORED``) are
            ignored, and accents in the typed words (``search_text.normalise``).
        sort: a key of ``SORTS``, ``-`` in front for descending; ties and unknown keys
            fall back to the deadline (none last), then the oldest first.
    """

    view: str = "semua"
    process_key: str | None = None
    state: str | None = None
    search: str | None = None
    sort: str = DEFAULT_SORT
    day_end: datetime | None = None


@dataclass(frozen=True)
class InboxSummary:
    """How many tasks Tugas Saya (``saya``), Tugas Unit (``unit``) and Tugas Bawahan
    (``bawahan``) hold, and the newest task id of the first two: what the tabs count and
    what the page's polling compares."""

    saya: int
    unit: int
    newest: int
    bawahan: int = 0

    @property
    def counts(self) -> dict[str, int]:
        """``{"semua", "saya", "unit", "bawahan"}``: the tabs' counts (Semua holds Saya and
        Unit)."""
        return {"semua": self.saya + self.unit, "saya": self.saya, "unit": self.unit,
                "bawahan": self.bawahan}

    @property
    def version(self) -> str:
        """``"<count>-<newest id>"``: changes when a task enters or leaves Semua."""
        return f"{self.saya + self.unit}-{self.newest}"


def inbox_page(session: Session, clock: Clock, user: User, asked: InboxQuery, *,
               page: int = 1, per_page: int = MAX_PER_PAGE,
               acting: dict[str, Capacity] | None = None,
               summary: InboxSummary | None = None) -> Page:
    """One page (1-based ``page``, ``per_page`` from 1 to ``MAX_PER_PAGE``) of the user's
    inbox and the number of matching tasks, in at most two statements whatever the number
    of tasks: the page's ids are chosen on ``human_tasks`` alone, then only those rows are
    read with their columns; searching or sorting by the instance or SOP reads and counts
    the joined rows in one statement.

    Args:
        acting: the user's capacities when already known (``Access.acting``); read
            otherwise.
        summary: the user's ``inbox_summary`` when already read: an unfiltered view then
            takes its total from it instead of counting again.

    Raises:
        ValueError: ``page`` below 1 or ``per_page`` outside 1..``MAX_PER_PAGE``.
    """
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError("page or per_page out of range")
    acting = capacities(session, user, clock.now()) if acting is None else acting
    matching = _matching(user, acting, asked, clock.now())
    if matching is None:
        return Page([], 0, page, per_page)
    condition, searched = matching
    unfiltered = not (asked.state or asked.process_key or searched)
    total = (summary.counts[asked.view]
             if summary is not None and unfiltered and asked.view in summary.counts else None)
    order = _order(asked.sort)
    rows_query = _joined(select(*_ROW_COLUMNS)).order_by(*order)
    offset = (page - 1) * per_page
    if searched or _sorted_by_joined(asked.sort):
        # Every matching instance row is read anyway: one statement, counting as it goes.
        found = session.execute(rows_query.add_columns(func.count().over()).where(condition)
                                .limit(per_page).offset(offset)).all()
        rows = [row[:-1] for row in found]
        if total is None and (found or page == 1):
            total = found[0][-1] if found else 0
    else:
        chosen = (select(HumanTask.id).where(condition).order_by(*order)
                  .limit(per_page).offset(offset))
        rows = list(session.execute(rows_query.where(
            HumanTask.id.in_(chosen.correlate(None).scalar_subquery()))))
    if total is None:
        total = session.scalar(_from_tasks(select(func.count(HumanTask.id)), searched)
                               .where(condition)) or 0
    return Page([InboxRow(*row) for row in rows], total, page, per_page)


def inbox(session: Session, clock: Clock, user: User, *, view: str = "semua",
          process_key: str | None = None, state: str | None = None,
          search: str | None = None, day_end: datetime | None = None) -> list[HumanTask]:
    """Every open task of the user's inbox as ``HumanTask`` rows, by deadline, most
    overdue first (no deadline, "Relatif", last). Arguments as ``InboxQuery``. For the
    engine and its tests; pages and the API use ``inbox_page``."""
    asked = InboxQuery(view=view, process_key=process_key, state=state, search=search,
                       day_end=day_end)
    matching = _matching(user, capacities(session, user, clock.now()), asked, clock.now())
    if matching is None:
        return []
    return list(session.scalars(_joined(select(HumanTask)).where(matching[0])
                                .order_by(*_order(DEFAULT_SORT))))


def inbox_summary(session: Session, clock: Clock, user: User,
                  acting: dict[str, Capacity] | None = None, *,
                  with_below: bool = False) -> InboxSummary:
    """The user's ``InboxSummary``, in one statement on ``human_tasks`` alone; Tugas
    Bawahan counted only ``with_below`` (the page's tabs: the polling of ``version`` and the
    counts of Saya and Unit need none of those rows, which a Ketua has many of)."""
    acting = capacities(session, user, clock.now()) if acting is None else acting
    if not acting:
        return InboxSummary(0, 0, 0)
    mine, unit = _mine(user, acting), HumanTask.claimed_by_id.is_(None)
    own = _own(user, acting)
    below = HumanTask.role.in_(roles_below(acting)) & ~own
    columns = [func.coalesce(func.sum(case((own & mine, 1), else_=0)), 0),
               func.coalesce(func.sum(case((own & unit, 1), else_=0)), 0),
               func.max(case((own, HumanTask.id)))]
    if with_below:
        columns.append(func.coalesce(func.sum(case((below, 1), else_=0)), 0))
    found = session.execute(select(*columns).where(
        HumanTask.state == "open", _shown(), or_(own, below) if with_below else own)).one()
    return InboxSummary(int(found[0]), int(found[1]), found[2] or 0,
                        int(found[3]) if with_below else 0)


def inbox_counts(session: Session, clock: Clock, user: User) -> dict[str, int]:
    """``{"saya": n, "unit": m}``: how many tasks Tugas Saya and Tugas Unit hold."""
    summary = inbox_summary(session, clock, user)
    return {"saya": summary.saya, "unit": summary.unit}


def supervised_roles(acting: dict[str, Capacity]) -> list[str]:
    """The roles whose tasks the user may assign: those supervised by a role they act in."""
    return sorted(role for role in KNOWN_ROLES if supervisor_of(role) in acting)


def roles_below(acting: dict[str, Capacity]) -> list[str]:
    """The roles below one the user acts in along the line of supervision
    (``engine.roles.line_above``): whose late steps escalate to him, down to the bottom of
    the line (a Ketua: Sekretaris, Kasubbag, Prakom …; a Plh. Kasubbag who holds Prakom:
    Prakom too, as ``supervised_roles``). Tugas Bawahan lists their open steps."""
    return sorted(role for role in KNOWN_ROLES if set(line_above(role)) & set(acting))


_ROW_COLUMNS = (HumanTask.id, HumanTask.instance_id, ProcessInstance.number,
                ProcessInstance.title, ProcessDefinition.key, ProcessDefinition.name,
                HumanTask.bpmn_id, HumanTask.name, HumanTask.role, HumanTask.state,
                HumanTask.created_at, HumanTask.due_at, HumanTask.claimed_by_id,
                User.username, User.full_name, HumanTask.round_the_clock,
                WAITING.label("waiting"), RETURNED.label("returned"),
                PRIORITY.label("priority"))


def _joined(query: Select[Any]) -> Select[Any]:
    """``query`` over ``human_tasks`` with its instance, SOP and holder (``User``, outer)."""
    return (query.select_from(HumanTask)
            .join(ProcessInstance, ProcessInstance.id == HumanTask.instance_id)
            .join(ProcessDefinition, ProcessDefinition.id == ProcessInstance.definition_id)
            .outerjoin(User, User.id == HumanTask.claimed_by_id))


def _from_tasks(query: Select[Any], joined: bool) -> Select[Any]:
    """``query`` over ``human_tasks``, joined to the instance and SOP only when asked:
    an instance row carries its saved state, so reading 10,000 of them costs most."""
    return _joined(query) if joined else query.select_from(HumanTask)


def _sorted_by_joined(sort: str) -> bool:
    return SORTS.get(sort.removeprefix("-")) in (ProcessInstance.number, ProcessDefinition.name)


def _shown(process_key: str | None = None) -> ColumnElement[bool]:
    """The task's instance is not in Galat, or with ``process_key``: is a running instance
    of that SOP. Checked in the instances' status index, without reading their rows.

    Only a running or Galat instance has open steps: the change that completes or cancels
    an instance closes its steps' rows (``engine.runtime.projection``). So the unfiltered
    inbox leaves out the few Galat instances instead of listing every running one, which
    would cost as much as the instances running in the office, however few tasks the user
    has (issue 13).
    """
    if process_key:
        return HumanTask.instance_id.in_(select(ProcessInstance.id).where(
            ProcessInstance.status == "running", ProcessInstance.definition_id.in_(
                select(ProcessDefinition.id).where(ProcessDefinition.key == process_key)))
            .correlate(None))
    return HumanTask.instance_id.not_in(
        select(ProcessInstance.id).where(ProcessInstance.status == GALAT).correlate(None))


def _open_in(roles: list[str], process_key: str | None = None) -> ColumnElement[bool]:
    return ((HumanTask.state == "open") & HumanTask.role.in_(roles)
            & _shown(process_key))


def _own(user: User, acting: dict[str, Capacity]) -> ColumnElement[bool]:
    """The tasks Semua holds: of a role the user acts in, his or unclaimed."""
    return HumanTask.role.in_(sorted(acting)) & or_(_mine(user, acting),
                                                    HumanTask.claimed_by_id.is_(None))


def _mine(user: User, acting: dict[str, Capacity]) -> ColumnElement[bool]:
    claimants = {user.id}.union(*(c.claimants(user.id) for c in acting.values()))
    return HumanTask.claimed_by_id.in_(sorted(claimants))


def _matching(user: User, acting: dict[str, Capacity], asked: InboxQuery, now: datetime
              ) -> tuple[ColumnElement[bool], bool] | None:
    """The WHERE clause of the asked inbox and whether it searches (so needs the instance
    and SOP joined); None when the inbox is empty for sure."""
    if asked.view == "bawahan":
        roles = roles_below(acting)
        if not roles:
            return None
        condition = _open_in(roles, asked.process_key) & ~_own(user, acting)
    else:
        if not acting:
            return None
        mine, unit = _mine(user, acting), HumanTask.claimed_by_id.is_(None)
        condition = _open_in(sorted(acting), asked.process_key) & {
            "saya": mine, "unit": unit}.get(asked.view, or_(mine, unit))
    if asked.state == "terlambat":
        condition &= (HumanTask.due_at < now) & ~WAITING
    elif asked.state == "hari_ini":
        condition &= ((HumanTask.due_at >= now) & (HumanTask.due_at < (asked.day_end or now))
                      & ~WAITING)
    elif asked.state == "dalam_proses":
        condition &= HumanTask.claimed_by_id.is_not(None)
    elif asked.state == "belum_diambil":
        condition &= HumanTask.claimed_by_id.is_(None)
    needles = search_forms((asked.search or "")[:MAX_SEARCH])
    if needles:
        haystack = _haystack()
        condition &= or_(*(haystack.contains(needle, autoescape=True) for needle in needles))
    return condition, bool(needles)


def _haystack() -> ColumnElement[str]:
    """Step name, title, number, SOP name and the holder's full name, ``stripped``,
    separated by a character the search text never holds (no match across columns)."""
    return stripped(HumanTask.name + _SEPARATOR + ProcessInstance.title + _SEPARATOR
                    + func.coalesce(ProcessInstance.number, literal("")) + _SEPARATOR
                    + ProcessDefinition.name + _SEPARATOR
                    + func.coalesce(User.full_name, literal("")))


def _order(sort: str) -> list[Any]:
    key = sort.removeprefix("-")
    descending = sort.startswith("-") and key in SORTS
    column = SORTS.get(key, SORTS[DEFAULT_SORT])
    first = column.desc() if descending else column.asc()
    tail = [HumanTask.created_at.asc(), HumanTask.id.asc()]
    if column is HumanTask.due_at:
        return [first.nulls_last(), *tail]
    return [first.nulls_last(), HumanTask.due_at.asc().nulls_last(), *tail]
