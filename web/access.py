"""The access policy (``engine.people.access``) for the current request, built once."""

from flask import g
from flask_login import current_user

from engine.people.access import Access
from web.extensions import clock, db


def access() -> Access:
    """What the request's user (API token or session) may see and do, Plh/Plt included."""
    if "access" not in g:
        user = g.get("user") or current_user._get_current_object()
        g.access = Access.of(db.session, user, clock().now())
    return g.access
