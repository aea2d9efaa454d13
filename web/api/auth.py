"""Bearer tokens for the API, kept server-side (``engine.people.tokens``): each request
looks its token up, so logging out, changing the password, disabling the account or
changing its roles ends the token at once."""

from collections.abc import Callable
from datetime import datetime, timedelta
from functools import wraps
from typing import Any

from flask import current_app, g, make_response, request

from engine.clock import FixedClock
from engine.models import User
from engine.people import tokens
from web.api.common import refuse_unexpected_input
from web.errors import error_response
from web.extensions import clock, db


def issue_token(user: User) -> tuple[str, datetime]:
    """A token for ``user``, valid for ``ALUR_TOKEN_MAX_AGE`` seconds (committed), and when
    it expires (aware): a client renews it before then instead of meeting a 401."""
    now = FixedClock(clock().now())
    max_age = current_app.config["ALUR_TOKEN_MAX_AGE"]
    secret = tokens.issue(db.session, now, user, max_age)
    db.session.commit()
    return secret, now.now() + timedelta(seconds=max_age)


def bearer_token() -> str | None:
    """The token of the request's ``Authorization: Bearer <token>`` header (surrounding
    spaces removed), or None without one. The scheme is case-insensitive (RFC 9110
    §11.1): ``bearer`` and ``BEARER`` are ``Bearer``. User tokens and alert sources'
    tokens are read alike."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else None


def _user_from_header() -> User | None:
    token = bearer_token()
    if token is None:
        return None
    user = tokens.user_for(db.session, clock(), token)
    if user is not None and db.session.dirty:
        # The token's last use (once a minute), committed on its own; nothing else changed,
        # so the user just read stays loaded instead of being read again.
        session = db.session()
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True
    return user


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reject the request with 401 unless it carries a valid bearer token; sets ``g.user``.
    Then a body, query parameter or part the endpoint does not take is refused
    (``refuse_unexpected_input``)."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = _user_from_header()
        if user is None:
            return bearer_refused(_why_refused())
        g.user, g.username = user, user.username
        refuse_unexpected_input()
        return view(*args, **kwargs)

    return wrapper


def _why_refused() -> str:
    """The 401's message: the header missing or of another scheme, or why the token sent
    works no more (``tokens.refusal``; the API probe: one message for all of them)."""
    sent = request.headers.get("Authorization", "")
    if not sent.strip():
        return ("Token tidak ada: kirim header Authorization: Bearer <token> (token dari POST "
                "/api/v1/auth/token).")
    token = bearer_token()
    if token is None:
        return "Skema Authorization harus Bearer: Authorization: Bearer <token>."
    if not token:
        return "Token tidak ada sesudah Bearer: Authorization: Bearer <token>."
    return tokens.refusal(db.session, clock(), token)


def bearer_refused(message: str) -> Any:
    """The 401 ``unauthorized`` answer ``{"error": ...}`` with ``message``, naming the
    scheme the endpoint takes in ``WWW-Authenticate: Bearer`` (RFC 6750, 3)."""
    response = make_response(error_response(401, "unauthorized", message))
    response.headers["WWW-Authenticate"] = 'Bearer realm="alur"'
    return response
