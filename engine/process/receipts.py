"""Forms sent once, whatever the browser does: a form page that makes something new (Mulai
Proses, Ajukan Tiket, a comment, a ticket message) carries a one-time key; the change it
makes first records the key (``FormReceipt``, unique per user), so the same page sent
again — a second tap after ``once.js`` gave up waiting on a slow intranet, the browser
without JavaScript, a page sent again from the history — leads to what the first sending
made instead of making it twice. Two sendings at once: the second's record waits for the
first's transaction and is then refused by the unique key (``DuplicateForm``).
"""

import hashlib
import re
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.models import FormReceipt, User

KEY = re.compile(r"[0-9a-f]{32}")
# How long a sent page's key is remembered: longer than anyone keeps a page open to send it
# again; the user's older receipts are deleted as a new one is recorded.
KEPT = timedelta(days=1)


class KeyReused(Exception):
    """An API ``Idempotency-Key`` came again with another request (another address or
    body) than the one it was first sent with."""


class DuplicateForm(Exception):
    """The page was sent already (the same user and key); ``location`` is where the
    first sending led, "" while it is still being done."""

    def __init__(self, location: str) -> None:
        super().__init__(location)
        self.location = location


def new_key() -> str:
    """A key for one form page: 32 hexadecimal characters."""
    return secrets.token_hex(16)


def claim(session: Session, clock: Clock, user: User, key: str) -> FormReceipt | None:
    """Record that ``user`` sent the page of ``key`` (not committed), before its change
    is made; None for a key that is no ``new_key`` (a page of an older Alur, an API
    client: the change is made as before, without a receipt).

    Raises:
        DuplicateForm: the page was sent before (also by another transaction that
            committed while this one waited for the row); the caller rolls back
            (``web.once.sent_before``).
    """
    if not KEY.fullmatch(key or ""):
        return None
    return _claim(session, clock, user, key, "")


def claim_request(session: Session, clock: Clock, user: User, key: str,
                  request_hash: str) -> FormReceipt:
    """Record that ``user`` sent an API request with the ``Idempotency-Key`` ``key`` (any
    text; kept as a digest) whose address and body digest to ``request_hash`` (not
    committed), before its change is made: a retry after a lost answer is then answered
    with what the first request made (IETF draft "The Idempotency-Key HTTP Header Field").

    Raises:
        DuplicateForm: the request was made before with this key; ``location`` names
            what it made ("" while it is still being made).
        KeyReused: the key was sent before with another request.
    """
    digest = hashlib.sha256(f"api\n{key}".encode()).hexdigest()[:32]
    return _claim(session, clock, user, digest, request_hash)


def _claim(session: Session, clock: Clock, user: User, key: str,
           request_hash: str) -> FormReceipt:
    now = clock.now()
    session.execute(delete(FormReceipt).where(FormReceipt.user_id == user.id,
                                              FormReceipt.created_at <= now - KEPT))
    _refuse_earlier(session, user, key, request_hash)
    receipt = FormReceipt(user_id=user.id, key=key, location="", created_at=now,
                          request_hash=request_hash)
    try:
        with session.begin_nested():
            session.add(receipt)
    except IntegrityError:
        _refuse_earlier(session, user, key, request_hash)
        raise DuplicateForm("") from None
    return receipt


def _refuse_earlier(session: Session, user: User, key: str, request_hash: str) -> None:
    earlier = session.execute(select(FormReceipt.location, FormReceipt.request_hash).where(
        FormReceipt.user_id == user.id, FormReceipt.key == key)).first()
    if earlier is None:
        return
    if earlier.request_hash != request_hash:
        raise KeyReused()
    raise DuplicateForm(earlier.location)
