"""The access policy (``engine.people.access``) for the current request, built once."""

from typing import NoReturn

from flask import g
from flask_babel import gettext
from flask_login import current_user

from engine.errors import PermissionDenied
from engine.models import HumanTask
from engine.people.access import REQUESTER_PROCESSES, Access, requester_only
from engine.process.deploy import active_choices
from engine.process.other_lane import moved_away
from engine.process.tasks import plh_ended
from web.extensions import clock, db


def access() -> Access:
    """What the request's user (API token or session) may see and do, Plh/Plt included."""
    if "access" not in g:
        user = g.get("user") or current_user._get_current_object()
        g.access = Access.of(db.session, user, clock().now())
    return g.access


def refuse_outside_lanes() -> NoReturn:
    """Refuse (403) a process, step or file page to someone who acts in none of its SOP's
    lanes nor above them, saying so, as the API does ("Anda tidak memegang peran pada SOP
    ini"). An employee who only files tickets (``requester_only``) is told in his words:
    the page is the desk's, his own tickets are in Tiket Saya."""
    if requester_only(current_user):
        raise PermissionDenied(employee_refusal())
    raise PermissionDenied(gettext(
        "Anda tidak memegang peran pada SOP ini, sebagai pejabat maupun Plh/Plt: halaman ini "
        "hanya untuk peran yang mengerjakan langkah-langkahnya dan atasannya."))


def employee_refusal() -> str:
    """Why a staff page is closed to an employee who only files tickets: in his words, and
    where his own tickets are (no role to ask the administrator about)."""
    return gettext("Halaman ini untuk petugas yang menangani pekerjaan ini. Tiket yang Anda "
                   "ajukan ada di Tiket Saya.")


def refuse_step(task: HumanTask) -> NoReturn:
    """Refuse (403) a step's page, or its form sent, to someone outside its SOP's lanes: as
    any page of the SOP, unless he may still have it open because it was his: his term as
    Plh/Plt of its lane ended after it opened (``engine.process.tasks.plh_ended``, README
    "Plh dan Plt": said on Ambil, Lepaskan and Selesaikan), or a move to a revised version
    put it in a lane he does not hold (``engine.process.other_lane.moved_away``)."""
    user = current_user._get_current_object()
    refusal = plh_ended(db.session, clock(), task, user) or moved_away(db.session, task, user)
    if refusal is not None:
        raise refusal
    refuse_outside_lanes()


def sop_choices() -> list[tuple[str, str]]:
    """``(key, name)`` of the active SOPs a list's SOP filter offers the user: all of them
    to staff; to an employee acting in no lane, only the service desk's front-door SOPs
    (the only ones he has anything of)."""
    choices = active_choices(db.session)
    policy = access()
    if policy.sees_all or policy.acting:
        return choices
    return [(key, name) for key, name in choices if key in REQUESTER_PROCESSES]
