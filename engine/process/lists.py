"""Lists of process instances: Proses Saya, Proses Unit, and all (administrators).

Filters by SOP, status, start date and words; newest first; paginated (at most
``MAX_PER_PAGE`` a page) so that no list is unbounded.
"""

from datetime import datetime
from typing import Any

from sqlalchemy import String, cast, exists, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.errors import PermissionDenied
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, User
from engine.people.substitution import capacities

SCOPES = ("mine", "unit", "all")
# The page's Indonesian status names and the API's, to the stored status ("late": running
# with an open step past its deadline).
STATUSES = {"berjalan": "running", "selesai": "completed", "dibatalkan": "cancelled",
            "terlambat": "late", "galat": "error", "running": "running",
            "completed": "completed", "cancelled": "cancelled", "late": "late",
            "error": "error"}
MAX_PER_PAGE = 100
MAX_SEARCH = 100


def list_instances(session: Session, clock: Clock, user: User, *, scope: str = "mine",
                   process_key: str | None = None, status: str | None = None,
                   started_from: datetime | None = None, started_to: datetime | None = None,
                   search: str | None = None, page: int = 1, per_page: int = 20
                   ) -> tuple[list[ProcessInstance], int]:
    """One page of the instances ``user`` may list, newest first, and the total.

    Args:
        scope: ``"mine"`` (started by the user, or a step of it completed by the user),
            ``"unit"`` (of SOPs in one of whose lanes the user may act, as holder or
            Plh/Plt), ``"all"`` (administrators only).
        status: a key of ``STATUSES``; unknown values are ignored.
        started_from, started_to: aware datetimes; the start lies in ``[from, to)``.
        search: words in the number, the title or the case data (case-insensitive;
            at most 100 characters are used).
        page: 1-based; per_page: 1-``MAX_PER_PAGE``.

    Raises:
        PermissionDenied: ``scope="all"`` by a non-administrator.
    """
    query = select(ProcessInstance)
    if scope == "all":
        if not user.is_admin:
            raise PermissionDenied("Hanya administrator yang dapat melihat semua proses.")
    elif scope == "unit":
        query = query.where(ProcessInstance.definition_id.in_(
            _definitions_in_lanes(session, set(capacities(session, user, clock.now())))))
    else:
        query = query.where(or_(
            ProcessInstance.started_by_id == user.id,
            exists().where(HumanTask.instance_id == ProcessInstance.id,
                           HumanTask.completed_by_id == user.id)))
    query = _filtered(query, clock, process_key, STATUSES.get(status or ""), started_from,
                      started_to, search)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    page = max(1, page)
    items = session.scalars(query.order_by(ProcessInstance.started_at.desc(),
                                           ProcessInstance.id.desc())
                            .limit(per_page).offset((page - 1) * per_page))
    return list(items), total


def _filtered(query: Any, clock: Clock, process_key: str | None, status: str | None,
              started_from: datetime | None, started_to: datetime | None,
              search: str | None) -> Any:
    if process_key:
        query = query.where(ProcessInstance.definition.has(ProcessDefinition.key == process_key))
    if status == "late":
        query = query.where(ProcessInstance.status == "running", exists().where(
            HumanTask.instance_id == ProcessInstance.id, HumanTask.state == "open",
            HumanTask.due_at < clock.now()))
    elif status:
        query = query.where(ProcessInstance.status == status)
    if started_from is not None:
        query = query.where(ProcessInstance.started_at >= started_from)
    if started_to is not None:
        query = query.where(ProcessInstance.started_at < started_to)
    words = (search or "").strip()[:MAX_SEARCH]
    if words:
        pattern = f"%{words}%"
        query = query.where(or_(ProcessInstance.number.ilike(pattern),
                                ProcessInstance.title.ilike(pattern),
                                cast(ProcessInstance.data, String).ilike(pattern)))
    return query


def _definitions_in_lanes(session: Session, roles: set[str]) -> list[int]:
    """Ids of the process definitions (all versions) with a lane in ``roles``."""
    if not roles:
        return []
    return [definition_id for definition_id, catalog in session.execute(
        select(ProcessDefinition.id, ProcessDefinition.catalog))
        if roles & set(catalog.get("lanes", []))]
