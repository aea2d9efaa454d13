"""One page of a list, cut in SQL: ``LIMIT``/``OFFSET`` for the rows and one ``COUNT`` for
the total, so that no list loads more rows than it shows (issue 13, "every list
paginated")."""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

# The largest page any list answers, API and pages alike (README, "Halaman dan batas").
MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20
# The largest page number any list takes, API and pages alike (README, "Halaman dan batas":
# 1 to 2147483647), the largest database integer, as for ids in URLs; more is refused.
MAX_PAGE = 2**31 - 1


@dataclass(frozen=True)
class Page:
    """Rows ``items`` of page ``page`` (from 1) of ``per_page`` rows, out of ``total``."""

    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        """How many pages the list has (at least 1, also when it is empty)."""
        return max(1, -(-self.total // self.per_page))


def paginate(session: Session, query: Select, page: int, per_page: int, *,
             rows: bool = False) -> Page:
    """Page ``page`` of ``query`` (which must already be ordered on indexed columns).

    Args:
        query: a ``select()`` of one entity (items are its objects; not grouped) or, with
            ``rows``, of columns, perhaps grouped (items are row tuples). Its ``ORDER BY``
            decides the order.
        page: from 1; a page past the end is empty (the total still counts every row).
        per_page: 1..``MAX_PER_PAGE``.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (the web layer refuses them first,
            naming the parameter).
    """
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise ValueError(f"page {page} / per_page {per_page} out of range")
    if rows:  # a few chosen columns, perhaps grouped: count the rows they make
        counted = select(func.count()).select_from(query.order_by(None).subquery())
    else:  # an entity: count without selecting its columns
        counted = query.with_only_columns(func.count(), maintain_column_froms=True
                                          ).order_by(None)
    total = session.scalar(counted) or 0
    cut = query.limit(per_page).offset((page - 1) * per_page)
    items = list(session.execute(cut).all() if rows else session.scalars(cut).unique())
    return Page(items=items, total=total, page=page, per_page=per_page)


# How many of its newest rows a record's page shows of each of its growing lists (an
# instance's steps, history, attachments, comments; README, "Batas"); the rest is paged.
LATEST = 100


@dataclass(frozen=True)
class Latest:
    """The newest ``items`` of a list, oldest first, out of ``total`` rows."""

    items: list[Any]
    total: int

    @property
    def hidden(self) -> int:
        """How many older rows are not among ``items``."""
        return self.total - len(self.items)


def latest(session: Session, query: Select, *newest_first: Any, limit: int = LATEST) -> Latest:
    """The newest ``limit`` rows of ``query`` (a ``select()`` of one entity, unordered),
    oldest first, and how many rows it has in all: one statement, and a ``COUNT`` more
    only when the list is longer than ``limit``.

    Args:
        newest_first: the ``ORDER BY`` that puts the newest row first (e.g.
            ``Model.created_at.desc(), Model.id.desc()``), on indexed columns.
        limit: 1..``MAX_PER_PAGE``.
    """
    items = list(session.scalars(query.order_by(*newest_first).limit(limit)).unique())
    total = len(items)
    if total == limit:
        total = session.scalar(query.with_only_columns(
            func.count(), maintain_column_froms=True)) or 0
    return Latest(items=items[::-1], total=total)
