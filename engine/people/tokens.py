"""API tokens kept server-side: issued, looked up, listed and revoked one by one.

A token is 32 random bytes (URL-safe text). Only its SHA-256 is stored, so a copy of
the database does not hand out working tokens. A token is refused once it expires, once
revoked, when its user is disabled, and when the user's ``session_version`` has moved
on (logout, password change, change of roles or admin rights).
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import bindparam, delete, or_, select
from sqlalchemy.orm import Session, joinedload

from engine import audit, settings
from engine.clock import Clock
from engine.errors import NotFound
from engine.models import ApiToken, User
from engine.paging import Page, paginate
from engine.time.wall_clock import wall_clock_text

# One statement, built once: the token, its user and the user's roles.
_TOKEN_WITH_USER = (select(ApiToken).where(ApiToken.token_hash == bindparam("token_hash"))
                    .options(joinedload(ApiToken.user).joinedload(User.roles)))
# Tokens of one user that work at once; issuing one more revokes the oldest.
MAX_LIVE = 20
# Writing the last use on every request would turn each API read into a write.
LAST_USE_RESOLUTION = timedelta(minutes=1)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def issue(session: Session, clock: Clock, user: User, max_age_seconds: int) -> str:
    """A new token for ``user`` valid ``max_age_seconds`` from now (not committed);
    returns the secret, which is shown once and never stored.

    The user's tokens that no longer work (expired, revoked, or of an older session
    version) are deleted first: a script that asks for a token on every call would
    otherwise add a row for good each time. Their issue and revocation stay in the audit.
    Of those that still work, the oldest are revoked so that the new one is the user's
    ``MAX_LIVE``-th at most (``token.revoked`` with ``cause: "limit"``): such a script
    would otherwise keep hundreds working for their eight hours (the growth probe).
    """
    secret = secrets.token_urlsafe(32)
    now = clock.now()
    session.execute(delete(ApiToken).where(ApiToken.user_id == user.id, or_(
        ApiToken.expires_at <= now, ApiToken.revoked_at.is_not(None),
        ApiToken.session_version != user.session_version)))
    for oldest in session.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(
            ApiToken.id.desc()).offset(MAX_LIVE - 1)):
        oldest.revoked_at = now
        audit.record(session, clock, "token.revoked", actor=user, prefix=oldest.prefix,
                     cause="limit")
    session.add(ApiToken(user_id=user.id, token_hash=_digest(secret), prefix=secret[:6],
                         session_version=user.session_version, created_at=now,
                         expires_at=now + timedelta(seconds=max_age_seconds)))
    session.flush()
    audit.record(session, clock, "token.issued", actor=user, prefix=secret[:6])
    return secret


def user_for(session: Session, clock: Clock, secret: str) -> User | None:
    """The user a token stands for, or None when it is unknown, expired, revoked, of a
    disabled user, or older than the user's session version. Records the last use (to
    the minute; not committed)."""
    if not secret or len(secret) > 100:
        return None
    token = session.execute(_TOKEN_WITH_USER, {"token_hash": _digest(secret)}
                            ).unique().scalar_one_or_none()
    now = clock.now()
    if token is None or token.revoked_at is not None or token.expires_at <= now:
        return None
    user = token.user
    if user.is_disabled or token.session_version != user.session_version:
        return None
    if token.last_used_at is None or now - token.last_used_at >= LAST_USE_RESOLUTION:
        token.last_used_at = now
    return user


def refusal(session: Session, clock: Clock, secret: str) -> str:
    """Why ``user_for`` found no user for ``secret``, for the 401 its sender reads (he holds
    the token, so its fate is his to know; a secret no token has says only that): unknown,
    expired (its end on the office's wall clock), revoked on Akun, its account disabled, or
    ended with the account's sessions."""
    token = session.execute(_TOKEN_WITH_USER, {"token_hash": _digest(secret)}
                            ).unique().scalar_one_or_none() if 0 < len(secret) <= 100 else None
    again = "minta token baru di POST /api/v1/auth/token."
    if token is None:
        return f"Token tidak dikenal; {again}"
    # Ending an account's sessions revokes its tokens too: that cause is said before.
    if token.user.is_disabled:
        return "Akun pemilik token ini nonaktif."
    if token.session_version != token.user.session_version:
        return ("Token ini berakhir bersama sesi akunnya (keluar, kata sandi, peran atau hak "
                f"admin berubah); {again}")
    if token.revoked_at is not None:
        return ("Token ini sudah dicabut (di halaman Akun, atau sebagai token tertua saat "
                f"batas jumlah token terlampaui); {again}")
    ended = wall_clock_text(token.expires_at, settings.work_calendar(session).timezone)
    return f"Token ini kedaluwarsa sejak {ended}; {again}"


def active(session: Session, user: User, now: datetime, page: int, per_page: int) -> Page:
    """Page ``page`` of the user's tokens that still work at ``now`` (aware), newest first.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging``).
    """
    return paginate(session, select(ApiToken).where(
        ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now,
        ApiToken.session_version == user.session_version).order_by(ApiToken.id.desc()),
        page, per_page)


def revoke(session: Session, clock: Clock, user: User, token_id: int,
           prefix: str | None = None) -> bool:
    """Revoke one of ``user``'s own tokens (not committed); with ``prefix``, only the
    token of that prefix: a dead token's row is deleted (``issue``), and SQLite gives its
    id to the next token, so a page listing the dead one would revoke the new one.
    Returns False when it was revoked already (nothing changes).

    Raises:
        NotFound: no such token of this user (another user's token is not found either),
            or its prefix is not ``prefix``.
    """
    token = session.get(ApiToken, token_id)
    if token is None or token.user_id != user.id or prefix not in (None, token.prefix):
        raise NotFound("Token tidak ditemukan.")
    if token.revoked_at is not None:
        return False
    token.revoked_at = clock.now()
    audit.record(session, clock, "token.revoked", actor=user, prefix=token.prefix)
    return True
