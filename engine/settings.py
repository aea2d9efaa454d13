"""Office-wide settings kept in the ``settings`` table, with their defaults.

Keys: ``escalation`` (the chain's multiples of the time standard), ``calendar`` (time
zone, Ramadan periods, holidays added or removed by the office), ``smtp`` and ``webhook``
(delivery channels), ``substitution`` (the longest Plh), ``identity`` (the office's name,
unit and logo in the SOP document's kop). Administrators edit them on the settings page.

The SMTP password is stored sealed (Fernet, with a key derived from the app's secret key),
so a copy of the database alone does not reveal it; ``ALUR_SMTP_PASSWORD`` in the
environment takes its place when set.

``save`` stores what the settings page sends and records what changed (``settings.changed``,
old and new value per field, secrets masked).
"""

import base64
import hashlib
import json
from datetime import date, time
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cryptography.fernet import Fernet, InvalidToken
from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.db import own_session
from engine.errors import Conflict
from engine.models import Setting, User
from engine.sqlite_writers import hold_until_commit
from engine.time.calendar import WorkCalendar
from engine.time.duration import MAX_ESCALATION_MULTIPLE
from engine.time.hours import PERPRES_21_2023, RamadanPeriod, Schedule

DEFAULTS: dict[str, Any] = {
    # Level 1 at the deadline (1x the time standard), level 2 at 2x, level 3 at 3x.
    "escalation": {"multiples": [1, 2, 3]},
    "calendar": {"timezone": "Asia/Jakarta", "ramadan": [], "added": {}, "removed": []},
    # ``base_url``: the office's Alur address (https://alur.pn-contoh.go.id) that e-mails
    # put before their links; empty: the links are bare paths.
    "smtp": {"host": "", "port": 25, "username": "", "password": "", "sender": "alur@localhost",
             "starttls": False, "base_url": ""},
    # ``secret``: sealed (``seal``); when set each POST is signed with it (README, webhook).
    "webhook": {"url": "", "secret": ""},
    # Whether an account created or imported from now on asks for "tugas baru" notices
    # (its owner may turn them off on the account page; existing accounts keep theirs).
    "accounts": {"new_task_notices": False},
    # The longest Plh, in days (README, "Plh dan Plt": SE Kepala BKN 1/SE/I/2021).
    "substitution": {"plh_max_days": 30},
    # The office printed in the SOP document's kop: name, unit, logo (base64 PNG/JPEG).
    "identity": {"office": "", "unit": "", "logo": ""},
    # The service desk (README, "Layanan TI"): the SLA of a minor ticket (office time) and
    # how a monitoring alert's severity maps to a priority.
    "sla_minor": "P1D",
    "alert_priorities": {"critical": "kritis", "warning": "mayor", "info": "minor"},
    # Roles with at least one person who asked for "tugas baru" notices (account page), kept
    # by engine.escalation.task_notices so that a step of any other role costs no query.
    "new_task_notice_roles": [],
    # Where counting the open steps' deadlines again after a change of ``COUNTED_WITH`` stands
    # (``engine.process.recount``): ``{"after_id": n}`` while instances after ``n`` wait.
    "deadline_recount": {},
}
RECOUNT = "deadline_recount"
# The settings that open steps' deadlines and escalation levels are counted with.
COUNTED_WITH = ("calendar", "escalation")
# Read on its own when asked for: the logo makes it the one large setting.
LARGE = ("identity",)
_MEMO = "alur.settings"
# Any number: the transaction-scoped PostgreSQL lock under which a save compares (``save``).
_SAVE_LOCK = 0x53455454
# Built once: read every request, as plain values (no ORM objects to build).
# Plain comparisons rather than NOT IN: an IN list is expanded into the SQL text anew on
# every execution, which cost more than the read.
_SMALL = select(Setting.key, Setting.value).where(*(Setting.key != key for key in LARGE))


def _values(session: Session) -> dict[str, Any]:
    """Every setting's value but the large ones, read in one statement once per transaction
    (absent keys are known absent: no statement per key)."""
    target = own_session(session)
    transaction = target.get_transaction()
    held = target.info.get(_MEMO)
    if held is None or transaction is None or held[0] is not transaction:
        values = dict(target.connection().execute(_SMALL).all())
        # Kept for the transaction the read began or ran in: outside one (after a commit)
        # the next read is a new transaction's, never what an earlier one saw.
        held = target.info[_MEMO] = (target.get_transaction(), values)
    return held[1]


def get(session: Session, key: str) -> Any:
    """The setting's value, or its default (a fresh copy). Within one transaction all
    settings but ``LARGE`` cost one statement together."""
    if key in LARGE:
        row = session.get(Setting, key)
        if row is not None:
            return row.value
    else:
        values = _values(session)
        if key in values:
            return values[key]
    return json.loads(json.dumps(DEFAULTS[key]))


def put(session: Session, key: str, value: Any) -> None:
    """Store a setting (not committed). Raises KeyError for an unknown key."""
    if key not in DEFAULTS:
        raise KeyError(key)
    row = session.get(Setting, key)
    if row is None:
        session.add(Setting(key=key, value=value))
    else:
        row.value = value
    if key not in LARGE:
        _values(session)[key] = value


def stamp(values: dict[str, Any]) -> str:
    """A digest of settings ``values`` ({key: value}) as a page shows them, which its form
    sends back (``save``'s ``seen``): 16 hex digits of the SHA-256 of their canonical JSON."""
    shown = json.dumps(values, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


def save(session: Session, clock: Clock, actor: User | None, values: dict[str, Any], *,
         seen: str | None = None, reason: str | None = None) -> dict[str, dict[str, Any]]:
    """Store each setting of ``values`` ({key of ``DEFAULTS``: value}) that differs from the
    stored one and record them in one ``settings.changed`` (not committed): ``keys`` the
    settings changed, ``changes`` {field: {"old", "new"}} per field that changed (a setting
    that is a mapping, per entry: ``"smtp.host"``), values as ``shown_in_audit`` writes them
    (the SMTP password masked, the webhook address without its path, the logo by its
    digest). Nothing changed: nothing stored, no record. A changed ``calendar`` or
    escalation chain marks the open steps' deadlines and levels to be counted again
    (``RECOUNT``, ``engine.process.recount``).
    Returns ``changes``.

    Args:
        seen: the ``stamp`` of the settings of ``values`` as the page that sends them
            showed them (None: not checked). They are read again under a lock held until
            the transaction ends (``hold_until_commit``), so of two saves at once the
            second sees the first's values; when they are no longer what the page showed
            (and not already what it sends), nothing is stored: the page's other fields,
            sent as shown, would silently undo another administrator's change.
        reason: why, when no administrator's page made the change: a code the record keeps
            as ``reason`` (``"latihan_pemulihan"``: ``engine.escalation.drill``).

    Raises:
        KeyError: a key of ``values`` is not a setting.
        Conflict: another save changed these settings since the page showed them.
    """
    if seen is not None:
        hold_until_commit(session, _SAVE_LOCK)
        own_session(session).info.pop(_MEMO, None)  # read again, under the lock
        stored = {key: get(session, key) for key in values}
        if stamp(stored) != seen and stored != values:  # a page sent twice changes nothing
            raise Conflict("Pengaturan sudah diubah (oleh administrator lain, atau di tab lain) "
                           "sejak halaman ini dibuka; tidak ada yang disimpan. Halaman ini "
                           "kini menampilkan nilai terbaru: ulangi perubahan Anda.")
    changes: dict[str, dict[str, Any]] = {}
    for key, value in values.items():
        old = get(session, key)
        if old == value:
            continue
        put(session, key, value)
        for field, before, after in fields_changed(key, old, value):
            changes[field] = {"old": shown_in_audit(field, before),
                              "new": shown_in_audit(field, after)}
    if any(field.split(".")[0] in COUNTED_WITH for field in changes):
        put(session, RECOUNT, {"after_id": 0})
    if changes:
        audit.record(session, clock, "settings.changed", actor=actor,
                     keys=sorted({field.split(".")[0] for field in changes}), changes=changes,
                     **({"reason": reason} if reason else {}))
    return changes


def fields_changed(key: str, old: Any, new: Any) -> list[tuple[str, Any, Any]]:
    """The fields of setting ``key`` whose value differs from ``old`` to ``new``, as
    ``[(field, old value, new value)]``: its entries (``"smtp.host"``) when it is a
    mapping, else the setting itself; values as stored (not yet ``shown_in_audit``)."""
    if not (isinstance(old, dict) and isinstance(new, dict)):
        return [(key, old, new)] if old != new else []
    return [(f"{key}.{name}", old.get(name), new.get(name)) for name in sorted({*old, *new})
            if old.get(name) != new.get(name)]


def shown_in_audit(field: str, value: Any) -> Any:
    """``value`` of ``field`` as an audit record may keep it: the SMTP password and the
    webhook's signing secret (sealed or not) as ``"***"``; the webhook address as its
    scheme, host and port (no user, path or query: chat gateways put their token there);
    the logo as the first 12 hex digits of its SHA-256 (it is up to 200 KB); an empty value
    stays empty, so that setting and clearing show."""
    if not value:
        return value
    if field in ("smtp.password", "webhook.secret"):
        return "***"
    if field == "webhook.url":
        parts = urlsplit(value)
        return f"{parts.scheme}://{parts.netloc.rpartition('@')[2]}" + (
            "/***" if parts.path.strip("/") or parts.query else "")
    if field == "identity.logo":
        return "sha256:" + hashlib.sha256(value.encode()).hexdigest()[:12]
    return value


def known_zone(zone: str) -> bool:
    """Whether ``zone`` names an IANA time zone this machine knows ("Asia/Makassar")."""
    try:
        ZoneInfo(zone)
    except (ValueError, ZoneInfoNotFoundError):
        return False
    return True


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


SEALED = "fernet:"
# The most levels an escalation chain has (Pengaturan): the supervision line has four
# roles, so ten levels already repeat the top one (README, "Batas").
MAX_ESCALATION_LEVELS = 10


def _fernet(secret_key: str) -> Fernet:
    digest = hashlib.sha256(b"alur-settings\0" + secret_key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def seal(plain: str, secret_key: str) -> str:
    """``plain`` encrypted and authenticated with a key derived from ``secret_key``
    (``"fernet:<token>"``); an empty string stays empty."""
    if not plain:
        return ""
    return SEALED + _fernet(secret_key).encrypt(plain.encode()).decode()


class SealedUnderAnotherKey(ValueError):
    """A stored secret was sealed under another ``ALUR_SECRET_KEY``: it cannot be read
    until an administrator types it again in Pengaturan. The message names it (Indonesian)."""


def unseal(stored: str, secret_key: str, what: str = "kata sandi SMTP") -> str:
    """The plain text of a :func:`seal` result. A value stored before sealing existed is
    returned as it is.

    Raises:
        SealedUnderAnotherKey: naming ``what`` was stored, when the secret key has changed
            since.
    """
    if not stored.startswith(SEALED):
        return stored
    try:
        return _fernet(secret_key).decrypt(stored[len(SEALED):].encode()).decode()
    except InvalidToken:
        raise SealedUnderAnotherKey(f"{what} tersimpan dengan kunci rahasia lain; "
                                    "isi ulang di Pengaturan") from None


def smtp_for_sending(session: Session, secret_key: str, env_password: str | None) -> dict:
    """The ``smtp`` setting with its password in plain text: ``env_password``
    (``ALUR_SMTP_PASSWORD``) when given, else the stored one unsealed.

    Raises:
        SealedUnderAnotherKey: the stored password was sealed with another secret key.
    """
    smtp = get(session, "smtp")
    smtp["password"] = env_password or unseal(smtp.get("password", ""), secret_key)
    return smtp


def webhook_for_sending(session: Session, secret_key: str) -> tuple[str, str]:
    """The webhook's address and its signing secret in plain text (``""``: not signed).

    Raises:
        SealedUnderAnotherKey: the stored secret was sealed with another secret key.
    """
    webhook = get(session, "webhook")
    return webhook["url"], unseal(webhook.get("secret", ""), secret_key, "rahasia webhook")


def mails(session: Session) -> bool:
    """Whether the office set an SMTP server (Pengaturan): until it does, nothing is mailed
    (no e-mail waits in the outbox for a server nobody configured)."""
    return bool(get(session, "smtp").get("host"))


def link(session: Session, path: str) -> str:
    """``path`` (``"/tiket/5"``) as an e-mail writes it: after the office's Alur address
    (``smtp.base_url``, Pengaturan) when one is set, so that a mail program opens it; else
    the bare path."""
    base = get(session, "smtp").get("base_url") or ""
    return base.rstrip("/") + path if base else path


def escalation_multiples(session: Session) -> list[int]:
    """Multiples of the time standard at which levels 1, 2, 3 ... escalate: at most
    ``MAX_ESCALATION_LEVELS`` levels, each at most ``MAX_ESCALATION_MULTIPLE`` (a longer
    chain or a larger multiple stored before those limits counts as cut to them)."""
    return [min(int(m), MAX_ESCALATION_MULTIPLE)
            for m in get(session, "escalation")["multiples"][:MAX_ESCALATION_LEVELS]]


def work_calendar(session: Session) -> WorkCalendar:
    """The office's business calendar: its weekly hours (``calendar.hours``, ``{"0":
    [["07:30", "12:00"], …]}`` with 0 = Monday; absent or empty: Perpres 21/2023's),
    Ramadan periods, holidays and its own changes."""
    return _calendar(json.dumps(get(session, "calendar"), sort_keys=True))


@lru_cache(maxsize=16)
def _calendar(value_json: str) -> WorkCalendar:
    value = json.loads(value_json)
    hours = value.get("hours") or {}
    return WorkCalendar(
        timezone=value.get("timezone", "Asia/Jakarta"),
        # The office's own weekly hours (Pengaturan), else Perpres 21/2023's.
        schedule=Schedule({int(day): tuple((time.fromisoformat(start), time.fromisoformat(end))
                                           for start, end in intervals)
                           for day, intervals in hours.items()}) if hours else PERPRES_21_2023,
        ramadan=tuple(RamadanPeriod(date.fromisoformat(p["start"]), date.fromisoformat(p["end"]))
                      for p in value.get("ramadan", [])),
        added_holidays=frozenset(date.fromisoformat(d) for d in value.get("added", {})),
        removed_holidays=frozenset(date.fromisoformat(d) for d in value.get("removed", [])),
    )
