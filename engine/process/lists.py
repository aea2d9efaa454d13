"""Lists of process instances: Proses Saya, Proses Unit, and all (administrators).

Filters by SOP, status, start date and words; newest first (the indexed
``started_at, id``); cut in SQL into pages (``engine.paging``). A list reads only the
columns it shows: never an instance's saved workflow state nor its definition's BPMN or
serialized spec (``INSTANCE_ROW``).

Proses Saya also lists instances whose page its user may not open: the tickets an
employee started at the service desk's front door. Of those the list shows, and its word
search reads, only what the employee typed himself (the number, the title and the start
form's fields, ``shown_data``), never what the desk wrote at its internal steps (README
"Layanan TI").
"""

import re
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Select, String, cast, exists, func, literal, or_, select
from sqlalchemy.orm import Session, defer, joinedload, selectinload

from engine import search_text
from engine.bpmn.forms import fields
from engine.clock import Clock
from engine.errors import NotFound, PermissionDenied
from engine.models import AuditRecord, HumanTask, ProcessDefinition, ProcessInstance, User
from engine.paging import Page, paginate
from engine.people.access import Access
from engine.people.substitution import capacities
from engine.search_text import search_forms, stripped
from engine.text import trimmed

SCOPES = ("mine", "unit", "all")
# The page's Indonesian status names and the API's, to the stored status ("late": running
# with an open step past its deadline).
STATUSES = {"berjalan": "running", "selesai": "completed", "dibatalkan": "cancelled",
            "terlambat": "late", "galat": "error", "running": "running",
            "completed": "completed", "cancelled": "cancelled", "late": "late",
            "error": "error"}
MAX_SEARCH = 100
# Between the number and the title in what the search reads: a character the typed text
# keeps only when typed itself, so no other match runs across the two.
_SEPARATOR = "|"
# What Daftar Proses's search ignores on both sides: the Kotak Masuk's characters but "_",
# which is searched as typed (README: "%" and "_" are characters, not wildcards: "Server_mati"
# does not find "Server mati"); nor are accents folded.
IGNORED = search_text.IGNORED.replace("_", "")
# A number written with a decimal or grouping sign ("12,5", "1.5", "1.500.000"), which the
# search looks for as written or as it is stored, never without its signs.
WRITTEN_NUMBER = re.compile(r"-?[0-9]+(?:[.,][0-9]+)+")
# A number as the pages write it: thousands grouped by ".", decimals after ",".
INDONESIAN_NUMBER = re.compile(r"-?(?:[0-9]{1,3}(?:\.[0-9]{3})+|[0-9]+)(?:,[0-9]+)?")

# Loader options of a row of any list of instances: its number, title, status and times,
# its SOP's name and who started it; the saved workflow state and the definition's BPMN,
# spec and catalog stay in the database.
INSTANCE_ROW = (
    defer(ProcessInstance.state_json),
    joinedload(ProcessInstance.definition).load_only(
        ProcessDefinition.key, ProcessDefinition.version, ProcessDefinition.name,
        ProcessDefinition.is_active),
    selectinload(ProcessInstance.started_by).load_only(User.username, User.full_name),
)


def list_instances(session: Session, clock: Clock, user: User, *, scope: str = "mine",
                   process_key: str | None = None, status: str | None = None,
                   started_from: datetime | None = None, started_to: datetime | None = None,
                   search: str | None = None, page: int = 1, per_page: int = 20) -> Page:
    """One page of the instances ``user`` may list, newest first (``Page`` of
    ``ProcessInstance`` loaded with ``INSTANCE_ROW``).

    Args:
        scope: ``"mine"`` (started by the user, or a step of it completed by the user),
            ``"unit"`` (of SOPs in one of whose lanes the user may act, as holder or
            Plh/Plt), ``"all"`` (administrators only).
        status: a key of ``STATUSES``; unknown values are ignored.
        started_from, started_to: aware datetimes; the start lies in ``[from, to)``.
        search: words in the number, the title or the case data (case-insensitive;
            at most 100 characters are used); the case data only of instances whose page
            the user may open.
        page: 1-based; per_page: 1-``engine.paging.MAX_PER_PAGE``.

    Raises:
        PermissionDenied: ``scope="all"`` by one who is neither administrator nor auditor.
        ValueError: ``page`` or ``per_page`` out of range.
    """
    query = _listed(session, clock, user, scope, process_key, status, started_from,
                    started_to, search)
    return paginate(session, query, page, per_page)


def export_instances(session: Session, clock: Clock, user: User, limit: int, **filters: Any
                     ) -> tuple[list[ProcessInstance], int]:
    """The newest ``limit`` instances of the list ``list_instances`` gives for ``filters``
    (its keyword arguments but the page), for a download, and how many the list holds:
    two statements, whatever ``limit`` (a page at a time counted the list again for every
    page: 100 counts for a download of 10,000).

    Raises:
        PermissionDenied: as ``list_instances``.
    """
    query = _listed(session, clock, user, filters.pop("scope", "mine"), **filters)
    total = session.scalar(select(func.count()).select_from(
        query.order_by(None).subquery()))
    return list(session.scalars(query.limit(limit))), total


def _listed(session: Session, clock: Clock, user: User, scope: str,
            process_key: str | None = None, status: str | None = None,
            started_from: datetime | None = None, started_to: datetime | None = None,
            search: str | None = None) -> Select:
    """The ordered query of ``list_instances`` (see there)."""
    query = select(ProcessInstance).options(*INSTANCE_ROW)
    if scope == "all":
        if not (user.is_admin or user.is_auditor):
            raise PermissionDenied("Hanya administrator dan auditor yang dapat melihat semua "
                                   "proses.")
    elif scope == "unit":
        query = query.where(ProcessInstance.definition_id.in_(
            _definitions_in_lanes(session, set(capacities(session, user, clock.now())))))
    else:
        # One set of the instances of his completed steps, not a lookup per instance: a
        # correlated EXISTS walked all his steps for every instance (19 s for a Prakom
        # with 10,000 processes; found by the growth probe).
        query = query.where(or_(
            ProcessInstance.started_by_id == user.id,
            ProcessInstance.id.in_(select(HumanTask.instance_id).where(
                HumanTask.completed_by_id == user.id))))
    query = _filtered(query, clock, process_key, STATUSES.get(status or ""), started_from,
                      started_to)
    words = trimmed(search)[:MAX_SEARCH]
    if words:
        query = query.where(_matches(session, Access.of(session, user, clock.now()), words))
    return query.order_by(ProcessInstance.started_at.desc(), ProcessInstance.id.desc())


def instance_row(session: Session, instance_id: int) -> ProcessInstance:
    """The instance as a list shows it (``INSTANCE_ROW``, with its SOP's lanes for the
    access check): what the lists of one instance's files, comments and messages need.

    Raises:
        NotFound: no such instance.
    """
    instance = session.scalar(select(ProcessInstance).options(
        *INSTANCE_ROW, joinedload(ProcessInstance.definition).undefer(
            ProcessDefinition.catalog)).where(ProcessInstance.id == instance_id))
    if instance is None:
        raise NotFound(f"Proses #{instance_id} tidak ditemukan.")
    return instance


def late_ids(session: Session, clock: Clock, items: Iterable[ProcessInstance]) -> set[int]:
    """Ids of the listed running instances with a step open past its deadline now (what
    the ``late`` status filter finds), in one statement on ``human_tasks``."""
    running = [item.id for item in items if item.status == "running"]
    if not running:
        return set()
    return set(session.scalars(select(HumanTask.instance_id).distinct().where(
        HumanTask.instance_id.in_(running), *_open_past_deadline(clock))))


def _open_past_deadline(clock: Clock) -> tuple[Any, ...]:
    """The conditions on ``human_tasks`` of a step open past its deadline now: what makes
    a running instance "terlambat" on the list and in its ``late`` filter."""
    return HumanTask.state == "open", HumanTask.due_at < clock.now()


def _filtered(query: Any, clock: Clock, process_key: str | None, status: str | None,
              started_from: datetime | None, started_to: datetime | None) -> Any:
    if process_key:
        query = query.where(ProcessInstance.definition.has(ProcessDefinition.key == process_key))
    if status == "late":
        query = query.where(ProcessInstance.status == "running", exists().where(
            HumanTask.instance_id == ProcessInstance.id, *_open_past_deadline(clock)))
    elif status:
        query = query.where(ProcessInstance.status == status)
    if started_from is not None:
        query = query.where(ProcessInstance.started_at >= started_from)
    if started_to is not None:
        query = query.where(ProcessInstance.started_at < started_to)
    return query


def _matches(session: Session, access: Access, words: str) -> Any:
    """The condition that ``words`` occur in an instance's number or title, or in its case
    data where ``access`` may open the instance: as typed, or with case, spaces and common
    punctuation ignored on both sides (``search_text``: a NIP typed without its spaces,
    "Nurul 'Aini" for "Nurul ‘Aini")."""
    # A number as typed ("12,5", "1.5") is looked for as a number: without its separators
    # it would find 125.000 too.
    forms = [] if WRITTEN_NUMBER.fullmatch(words) else search_forms(words, IGNORED, folded=False)
    pattern = _like(words)
    in_data = _in_values(session, pattern, forms)
    stored = stored_number(words)
    if stored is not None:  # "12.345,5" as the pages show it: the value stored, 12345.5
        in_data = in_data | _in_values(session, _like(stored), [])
    if not access.sees_all:
        in_data = in_data & ProcessInstance.definition_id.in_(
            [id_ for id_, catalog in _catalogs(session) if access.may_view_lanes(catalog["lanes"])])
    named = stripped(func.coalesce(ProcessInstance.number, literal("")) + _SEPARATOR
                     + ProcessInstance.title, IGNORED)
    return or_(ProcessInstance.number.ilike(pattern, escape="\\"),
               ProcessInstance.title.ilike(pattern, escape="\\"),
               *(named.contains(form, autoescape=True) for form in forms), in_data)


def _like(words: str) -> str:
    """A LIKE pattern for ``words`` anywhere; "%" and "_" typed are themselves, not LIKE's
    wildcards ("100%" finds "100%")."""
    return "%" + words.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def stored_number(words: str) -> str | None:
    """A number written as the pages show one (Indonesian: "." groups thousands, "," is the
    decimal sign: ``12.345,5``, ``12,50``, ``1.250.000``) as JSON stores it (``12345.5``,
    ``12.5``, ``1250000``); None for anything else (then only the words typed are looked for)."""
    if not INDONESIAN_NUMBER.fullmatch(words) or ("," not in words and "." not in words):
        return None
    whole, _, fraction = words.replace(".", "").partition(",")
    fraction = fraction.rstrip("0")
    return f"{whole}.{fraction}" if fraction else whole


def shown_data(session: Session, access: Access, items: Iterable[ProcessInstance]
               ) -> dict[int, dict[str, Any]]:
    """``{instance id: case data}`` of listed instances as ``access``'s user may see it: all
    of it where he may open the instance; elsewhere (a ticket he started at the front
    door) only the start form's fields as he submitted them (``started_data``: a later
    step's field of the same name, the triage's ``prioritas``, is the desk's). The rows
    are not changed."""
    items = list(items)
    if access.sees_all:
        return {item.id: item.data or {} for item in items}
    catalogs = dict(_catalogs(session, {item.definition_id for item in items}))
    openable = _openable(access, items, catalogs)
    hidden = [item for item in items if item.id not in openable]
    submitted = started_data(session, hidden)
    shown = {item.id: item.data or {} for item in items}
    for item in hidden:
        typed = {field["name"] for field in fields(
            catalogs[item.definition_id].get("start_form"))}
        shown[item.id] = {name: value for name, value in submitted[item.id].items()
                          if name in typed}
    return shown


def started_data(session: Session, items: Iterable[ProcessInstance]
                 ) -> dict[int, dict[str, Any]]:
    """``{instance id: case data}`` of ``items`` as each started (the ``instance.started``
    record), in one statement; the current case data where no start was recorded."""
    items = list(items)
    if not items:
        return {}
    recorded = dict(session.execute(select(AuditRecord.instance_id, AuditRecord.detail).where(
        AuditRecord.instance_id.in_([item.id for item in items]),
        AuditRecord.action == "instance.started")).all())
    return {item.id: (recorded[item.id] or {}).get("data") or {} if item.id in recorded
            else item.data or {} for item in items}


def _in_values(session: Session, pattern: str, forms: list[str]) -> Any:
    """The condition that a value of an instance's case data (not a field's name, nor the
    JSON's punctuation) is like ``pattern`` (escaped with a backslash) or, ``stripped``,
    holds one of ``forms``: one correlated ``EXISTS`` over the database's own JSON
    function (SQLite ``json_each``, PostgreSQL ``json_each_text``)."""
    each = (func.json_each_text if session.get_bind().dialect.name == "postgresql"
            else func.json_each)
    values = each(ProcessInstance.data).table_valued("value")
    value = cast(values.c.value, String)
    return exists(select(1).select_from(values).where(or_(
        value.ilike(pattern, escape="\\"),
        *(stripped(value, IGNORED).contains(form, autoescape=True) for form in forms))))


def openable(session: Session, access: Access, items: Iterable[ProcessInstance]) -> set[int]:
    """Ids of the listed instances whose page ``access``'s user may open
    (``Access.may_view_lanes``). His Proses Saya may hold others too: a ticket he started
    at the front door, or a process whose step he completed as a Plh/Plt since ended."""
    items = list(items)
    if access.sees_all:
        return {item.id for item in items}
    return _openable(access, items,
                     dict(_catalogs(session, {item.definition_id for item in items})))


def _openable(access: Access, items: list[ProcessInstance],
              catalogs: dict[int, dict[str, Any]]) -> set[int]:
    return {item.id for item in items
            if access.may_view_lanes(catalogs[item.definition_id]["lanes"])}


def _catalogs(session: Session, definition_ids: set[int] | None = None
              ) -> list[tuple[int, dict[str, Any]]]:
    """``(id, catalog)`` of the process definitions ``definition_ids`` (all when None)."""
    query = select(ProcessDefinition.id, ProcessDefinition.catalog)
    if definition_ids is not None:
        query = query.where(ProcessDefinition.id.in_(definition_ids))
    return [(id_, catalog) for id_, catalog in session.execute(query)]


def _definitions_in_lanes(session: Session, roles: set[str]) -> list[int]:
    """Ids of the process definitions (all versions) with a lane in ``roles``."""
    if not roles:
        return []
    return [id_ for id_, catalog in _catalogs(session) if roles & set(catalog.get("lanes", []))]
