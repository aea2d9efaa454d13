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
from engine.people.substitution_rights import recordable_roles, supervised_roles
from engine.roles import KNOWN_ROLES
from web.extensions import clock, db
from web.filters import office_calendar


def form_context(errors: dict[str, str]) -> dict[str, Any]:
    """Template values for ``substitutions/index.html``'s form: ``officials`` (with
    ``roles_of`` as JSON for ``static/plh.js``), the chosen ``official`` (None: an
    administrator has not chosen yet), its ``roles`` and the chosen ``role``, ``people``
    to stand in, ``values`` (typed or defaults) and ``errors``. An official who supervises
    others is offered himself (chosen first) and those holding a role he supervises, each
    with only the roles he may record (``substitution_rights``)."""
    recorder = current_user._get_current_object()
    officials = _officials(recorder)
    allowed = {u.id: recordable_roles(recorder, u) for u in officials}
    chosen_id = request.values.get("official", type=int)
    official = next((u for u in officials if u.id == chosen_id),
                    officials[0] if len(officials) == 1 or (officials and not recorder.is_admin)
                    else None)
    roles = _ordered(allowed[official.id] if official else set().union(*allowed.values()))
    # "Tampilkan peran pejabat ini" asks for the chosen official's likely role afresh.
    role = None if request.form.get("tampilkan") else request.values.get("role")
    if role not in roles:
        role = _default_role(official, allowed[official.id]) if official else None
    values = request.form.to_dict() if request.method == "POST" else {
        "kind": "Plh", "starts_at": _now_local(), **request.args.to_dict()}
    if official is None:
        values.pop("made_plt", None)
    else:
        _follow_vacancy(official, values)
    return {"officials": officials, "official": official, "roles": roles, "role": role,
            "roles_of": json.dumps({str(u.id): {"roles": _ordered(allowed[u.id]),
                                                "default": _default_role(u, allowed[u.id]),
                                                "vacant": u.is_disabled}
                                    for u in officials}),
            "official_roles": {u.id: sorted(allowed[u.id]) for u in officials},
            "still_held": _still_held(officials),
            # Everyone who may stand in; the chosen official's own option is hidden (and by
            # static/plh.js as the choice changes), so a supervisor choosing a subordinate
            # is offered himself.
            "people": substitution.candidates(db.session), "values": values,
            "substitute_id": request.values.get("substitute", type=int),
            "supervises": [] if recorder.is_admin else _ordered(
                set().union(*(allowed[user.id] for user in officials[1:]))),
            "field_labels": _field_labels(errors)}


def _still_held(officials: list[User]) -> set[int]:
    """The ids of the disabled ``officials`` every role of whom an active one of them still
    holds: no post stands empty (dozens of Prakom; found by the administrator probe: each
    was marked "jabatan kosong, catat Plt")."""
    active = set().union(*(user.role_names for user in officials if not user.is_disabled))
    return {user.id for user in officials
            if user.is_disabled and user.role_names and user.role_names <= active}


def _follow_vacancy(official: User, values: dict[str, str]) -> None:
    """Jenis as ``static/plh.js`` sets it for the official chosen, without JavaScript too
    ("Tampilkan peran pejabat ini"): Plt for a disabled account's empty post, remembered
    as made so (``made_plt``); back to Plh for the next official when it was."""
    if official.is_disabled:
        values["made_plt"] = values.get("made_plt") or ("1" if values.get("kind") != "Plt"
                                                        else "")
        values["kind"] = "Plt"
    elif values.pop("made_plt", None):
        values["kind"] = "Plh"


def _officials(recorder: User) -> list[User]:
    """Whom ``recorder`` may record a Plh/Plt for: an administrator everyone holding a
    role, by name; anyone else himself first, then, by name, those holding a role he
    supervises. A disabled official's post may stand empty: its Plt is recorded for him
    (SE Kepala BKN 1/SE/I/2021), so he is offered too, marked."""
    held = supervised_roles(recorder)
    if not (recorder.is_admin or held):
        return [recorder]
    everyone = db.session.scalars(select(User).order_by(func.lower(User.full_name), User.id))
    others = [user for user in everyone if user.role_names and (
        recorder.is_admin or (user.id != recorder.id and user.role_names & held))]
    return others if recorder.is_admin else [recorder, *others]


def _default_role(official: User, allowed: set[str]) -> str | None:
    """The likely role (``substitution.default_role``) when it is one of ``allowed`` (those
    the recorder may record), else the first of them."""
    likely = substitution.default_role(official)
    return likely if likely in allowed else next(iter(_ordered(allowed)), None)


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
