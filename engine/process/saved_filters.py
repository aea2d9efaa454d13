"""Saved Kotak Masuk filters: a user keeps up to ``MAX_PER_USER`` named filters, applies
one with a click, deletes the ones no longer needed. Each change is audited."""

import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import audit
from engine.clock import Clock
from engine.errors import InvalidTaskData, NotFound
from engine.inbox_models import SavedFilter
from engine.models import User
from engine.people import accounts
from engine.text import trimmed

MAX_PER_USER = 20
MAX_NAME = 60
# The inbox page's parameters a filter keeps, and the longest value of each.
KEYS = {"tampil": 16, "status": 16, "sop": 128, "cari": 100, "urut": 16, "per_page": 3}


def saved_filters(session: Session, user: User) -> list[SavedFilter]:
    """The user's saved filters, by name."""
    return list(session.scalars(select(SavedFilter).where(SavedFilter.user_id == user.id)
                                .order_by(SavedFilter.name)))


def save_filter(session: Session, clock: Clock, user: User, name: str,
                query: dict[str, str]) -> SavedFilter:
    """Save ``query`` (the page's parameters; other keys and empty values are dropped,
    values cut to their ``KEYS`` length) as ``name``; the same name again (in any case of
    any letter, Unicode case folding: "ümlaut" is "Ümlaut") replaces it.

    Raises:
        InvalidTaskData: ``{"nama": message}`` when the name is empty or longer than
            ``MAX_NAME``, or the user already keeps ``MAX_PER_USER`` other filters.
    """
    name = trimmed(name)
    if not name or len(name) > MAX_NAME:
        raise InvalidTaskData({"nama": f"nama saringan wajib diisi, paling panjang "
                                       f"{MAX_NAME} karakter"})
    kept = {key: str(query[key])[:limit] for key, limit in KEYS.items() if query.get(key)}
    # "WIFI SAYA" is the filter "Wifi saya" again, and "ÜMLAUT" "ümlaut": compared here,
    # among the user's few filters, since SQLite's lower() folds ASCII letters only.
    accounts.hold_user(session, user)  # two saves at once: the second sees the first
    kept_filters = list(session.scalars(select(SavedFilter)
                                        .where(SavedFilter.user_id == user.id)))
    found = next((f for f in kept_filters if _folded(f.name) == _folded(name)), None)
    if found is None:
        if len(kept_filters) >= MAX_PER_USER:
            raise InvalidTaskData({"nama": f"paling banyak {MAX_PER_USER} saringan tersimpan; "
                                           "hapus salah satu dulu"})
        found = SavedFilter(user_id=user.id, name=name, query=kept, created_at=clock.now())
        session.add(found)
    else:
        found.name, found.query = name, kept
    session.flush()
    audit.record(session, clock, "inbox.filter_saved", actor=user, name=name, query=kept)
    return found


def _folded(name: str) -> str:
    """``name`` as compared: Unicode case folded ("Straße" = "STRASSE"), composed (NFC)."""
    return unicodedata.normalize("NFC", name).casefold()


def delete_filter(session: Session, clock: Clock, user: User, filter_id: int) -> None:
    """Delete one of the user's saved filters.

    Raises:
        NotFound: no such filter of this user (another's filter is not theirs to delete).
    """
    found = session.get(SavedFilter, filter_id)
    if found is None or found.user_id != user.id:
        raise NotFound(f"Saringan #{filter_id} tidak ditemukan.")
    audit.record(session, clock, "inbox.filter_deleted", actor=user, name=found.name)
    session.delete(found)


def as_query(saved: SavedFilter) -> dict[str, Any]:
    """The page parameters to apply ``saved`` (for ``url_for``)."""
    return {key: value for key, value in saved.query.items() if key in KEYS}
