"""Office-wide settings kept in the ``settings`` table, with their defaults.

Keys: ``escalation`` (the chain's multiples of the time standard), ``calendar`` (time
zone, Ramadan periods, holidays added or removed by the office), ``smtp`` and ``webhook``
(delivery channels), ``identity`` (the office's name, unit and logo in the SOP document's
kop). Administrators edit them on the settings page.
"""

import json
from datetime import date
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from engine.models import Setting
from engine.time.calendar import WorkCalendar
from engine.time.duration import MAX_ESCALATION_MULTIPLE
from engine.time.hours import RamadanPeriod

DEFAULTS: dict[str, Any] = {
    # Level 1 at the deadline (1x the time standard), level 2 at 2x, level 3 at 3x.
    "escalation": {"multiples": [1, 2, 3]},
    "calendar": {"timezone": "Asia/Jakarta", "ramadan": [], "added": {}, "removed": []},
    "smtp": {"host": "", "port": 25, "username": "", "password": "", "sender": "alur@localhost",
             "starttls": False},
    "webhook": {"url": ""},
    # The office printed in the SOP document's kop: name, unit, logo (base64 PNG/JPEG).
    "identity": {"office": "", "unit": "", "logo": ""},
}


def get(session: Session, key: str) -> Any:
    """The setting's value, or its default (a fresh copy)."""
    row = session.get(Setting, key)
    return row.value if row is not None else json.loads(json.dumps(DEFAULTS[key]))


def put(session: Session, key: str, value: Any) -> None:
    """Store a setting (not committed). Raises KeyError for an unknown key."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value


def seed_timezone(session: Session, zone: str) -> None:
    """Store ``zone`` (IANA name, e.g. "Asia/Makassar") as the office's time zone unless the
    office has saved its calendar already: ``ALUR_TIMEZONE`` is only the initial default,
    the settings page decides afterwards (not committed).

    Raises:
        ValueError: ``zone`` is not a known IANA time zone.
    """
    ZoneInfo(zone)
    if session.get(Setting, "calendar") is None:
        put(session, "calendar", {**DEFAULTS["calendar"], "timezone": zone})


def escalation_multiples(session: Session) -> list[int]:
    """Multiples of the time standard at which levels 1, 2, 3 ... escalate, each at most
    ``MAX_ESCALATION_MULTIPLE`` (a larger one stored before that limit counts as it)."""
    return [min(int(m), MAX_ESCALATION_MULTIPLE)
            for m in get(session, "escalation")["multiples"]]


def work_calendar(session: Session) -> WorkCalendar:
    """The office's business calendar (Perpres 21/2023 hours, holidays, its own changes)."""
    return _calendar(json.dumps(get(session, "calendar"), sort_keys=True))


@lru_cache(maxsize=16)
def _calendar(value_json: str) -> WorkCalendar:
    value = json.loads(value_json)
    return WorkCalendar(
        timezone=value.get("timezone", "Asia/Jakarta"),
        ramadan=tuple(RamadanPeriod(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
                      for p in value.get("ramadan", [])),
        added_holidays=frozenset(date.fromisoformat(d) for d in value.get("added", {})),
        removed_holidays=frozenset(date.fromisoformat(d) for d in value.get("removed", [])),
    )
