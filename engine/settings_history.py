"""The history of the office settings for administrators and auditors (Pengaturan): the
``settings.changed`` records (who changed which field from what to what, values as
``engine.settings.shown_in_audit`` wrote them), newest first, a page at a time; and, the
same way, the records of other administration pages (the alert sources')."""

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import AuditRecord
from engine.paging import Page, paginate


def settings_history(session: Session, page: int, per_page: int) -> Page:
    """Page ``page`` of the ``settings.changed`` records (``actions_history``).

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging.paginate``).
    """
    return actions_history(session, ("settings.changed",), page, per_page)


def actions_history(session: Session, actions: tuple[str, ...], page: int,
                    per_page: int) -> Page:
    """Page ``page`` of the records of ``actions`` (``AuditRecord`` with its ``actor``
    loaded; None for the command line), newest first, found through the ``(action, at)``
    index.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging.paginate``).
    """
    query = (select(AuditRecord).options(joinedload(AuditRecord.actor))
             .where(AuditRecord.action.in_(actions))
             .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()))
    return paginate(session, query, page, per_page)
