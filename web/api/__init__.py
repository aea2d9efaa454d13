"""The JSON API under /api/v1: the contract external clients (helpdesk, scripts) use.

Authentication is ``Authorization: Bearer <token>`` from ``POST /api/v1/auth/token``;
the session cookie is never accepted here, so the API needs no CSRF token. One module per
resource registers its routes on ``bp`` and describes them with ``web.api.openapi.doc``;
a new module is added to ``MODULES`` below.
"""

from importlib import import_module

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

MODULES = ("common", "openapi", "views", "tasks", "comments", "attachments", "notifications",
           "substitutions", "versions", "alerts", "servicedesk")

for _module in MODULES:
    import_module(f"web.api.{_module}")
