"""Who activated which version of an SOP and when, from the ``process.activated`` audit
records (a version's row keeps only its last activation time, not who made it)."""

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine.models import AuditRecord, User

SHOWN = 5  # activations listed per version, newest first
_READ = 200  # records read at most for one page of versions


def activations(session: Session, key: str, versions: Iterable[int]
                ) -> dict[int, list[tuple[datetime, User | None, str | None]]]:
    """``{version: [(when, by whom, via), …]}`` of SOP ``key``'s ``versions``, newest
    first, at most ``SHOWN`` each (``by whom`` None: the command line, ``via`` the system
    account and host that ran it when known); read in one statement through the
    ``(action, at)`` index."""
    wanted = sorted(set(versions))
    if not wanted:
        return {}
    found: dict[int, list[tuple[datetime, User | None, str | None]]] = defaultdict(list)
    for record in session.scalars(
            select(AuditRecord).options(joinedload(AuditRecord.actor))
            .where(AuditRecord.action == "process.activated",
                   AuditRecord.detail["key"].as_string() == key,
                   AuditRecord.detail["version"].as_integer().in_(wanted))
            .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()).limit(_READ)):
        shown = found[record.detail["version"]]
        if len(shown) < SHOWN:
            shown.append((record.at, record.actor, record.detail.get("via")))
    return dict(found)
