"""The JSON API under /api/v1: the contract external clients (helpdesk, scripts) use.

Authentication is ``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``;
the session cookie is never accepted here, so the API needs no CSRF token.
"""

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from web.api import views  # noqa: F401,E402  (registers the routes on bp)
from web.api import alerts, servicedesk  # noqa: F401,E402  (the service desk's routes)
