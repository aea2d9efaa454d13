"""What the Plh/Plt form offers (issue 15, point 7): officials, the chosen official's roles
with the likely one preselected, the substitutes (never the official himself nor an
administrator account), and what the user chose before an error."""

import json
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import request
from flask_login import current_user
from sqlalchemy import func, select

from engine.models import User
from engine.people import substitution
from engine.roles import KNOWN_ROLES
from web.extensions import clock, db
from web.filters import office_calendar


def form_context(errors: dict[str, str]) -> dict[str, Any]:
    """Template values for ``substitutions/index.html``'s form: ``officials`` (with
    ``roles_of`` as JSON for ``static/plh.js``), the chosen ``official`` (None: an
    administrator has not chosen yet), its ``roles`` and the chosen ``role``, ``people``
    to stand in, ``values`` (typed or defaults) and ``errors``."""
    if current_user.is_admin:
        # A disabled official's post may stand empty: its Plt is recorded for him (SE Kepala
        # BKN 1/SE/I/2021), so he is offered too, marked.
        officials = [user for user in db.session.scalars(select(User).order_by(
            func.lower(User.full_name), User.id)) if user.role_names]
    else:
        officials = [current_user._get_current_object()]
    chosen_id = request.values.get("official", type=int)
    official = next((u for u in officials if u.id == chosen_id),
                    officials[0] if len(officials) == 1 else None)
    roles = _ordered(official.role_names if official else
                     {role for user in officials for role in user.role_names})
    role = request.values.get("role")
    if role not in roles:
        role = substitution.default_role(official) if official else None
    values = request.form.to_dict() if request.method == "POST" else {
        "kind": "Plh", "starts_at": _now_local(), **request.args.to_dict()}
    if official is not None and official.is_disabled:
        values["kind"] = "Plt"  # his account is disabled: his post is empty (plh.js too)
    return {"officials": officials, "official": official, "roles": roles, "role": role,
            "roles_of": json.dumps({str(u.id): {"roles": _ordered(u.role_names),
                                                "default": substitution.default_role(u),
                                                "vacant": u.is_disabled}
                                    for u in officials}),
            "people": substitution.candidates(db.session, official), "values": values,
            "substitute_id": request.values.get("substitute", type=int),
            "field_labels": _field_labels(errors)}


def _ordered(roles: set[str]) -> list[str]:
    return sorted(roles, key=lambda role: (KNOWN_ROLES.index(role) if role in KNOWN_ROLES
                                           else len(KNOWN_ROLES), role))


def _now_local() -> str:
    """Now in the office's zone, as a ``datetime-local`` value (to the minute)."""
    now: datetime = clock().now().astimezone(ZoneInfo(office_calendar().timezone))
    return now.strftime("%Y-%m-%dT%H:%M")


def _field_labels(errors: dict[str, str]) -> list[tuple[str, str]]:
    """``[(field id, message)]`` in the form's order, for the summary above it."""
    order = ("kind", "official", "role", "substitute", "warrant_number", "starts_at", "ends_at")
    return [(name, errors[name]) for name in order if name in errors] + [
        (name, message) for name, message in errors.items() if name not in order]
