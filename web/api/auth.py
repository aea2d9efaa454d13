"""Bearer tokens for the API: signed (itsdangerous) user ids with an expiry."""

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, g, request
from itsdangerous import BadSignature, URLSafeTimedSerializer

from engine.models import User
from web.errors import error_response
from web.extensions import db

_SALT = "alur-api-token"


def issue_token(user: User) -> str:
    """A token for ``user``, valid for ``ALUR_TOKEN_MAX_AGE`` seconds."""
    return URLSafeTimedSerializer(current_app.secret_key, salt=_SALT).dumps({"uid": user.id})


def _user_from_header() -> User | None:
    header = request.headers.get("Authorization", "")
    if not header.startswith("Bearer "):
        return None
    try:
        payload = URLSafeTimedSerializer(current_app.secret_key, salt=_SALT).loads(
            header[7:].strip(), max_age=current_app.config["ALUR_TOKEN_MAX_AGE"])
    except BadSignature:
        return None
    return db.session.get(User, payload.get("uid"))


def token_required(view: Callable[..., Any]) -> Callable[..., Any]:
    """Reject the request with 401 unless it carries a valid bearer token; sets ``g.user``."""

    @wraps(view)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        user = _user_from_header()
        if user is None:
            return error_response(401, "unauthorized",
                                  "Token tidak ada, tidak sah atau kedaluwarsa.")
        g.user = user
        return view(*args, **kwargs)

    return wrapper
