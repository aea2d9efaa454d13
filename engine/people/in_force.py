"""When a recorded Plh/Plt counts: the one condition every question about it asks (who may
act in a role, whose claim lapsed, who is away, who answers for a role), so that the
inbox, claims, Alihkan, escalations and "tugas baru" notices agree (README "Plh dan Plt").
"""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import aliased

from engine.models import Substitution, User, UserRole


def substitution_in_force(now: datetime | ColumnElement[datetime]) -> ColumnElement[bool]:
    """Whether a ``Substitution`` row counts at ``now`` (aware, or a bound parameter of
    one): within its period (end exclusive), its official still holds the role, and its
    substitute is an active account holding a role — what recording one asks of a
    substitute ("pegawai aktif yang memegang peran"). One whose substitute has since lost
    every role, or was disabled, gives them nothing and leaves the official answering
    for the role."""
    return and_(Substitution.starts_at <= now, Substitution.ends_at > now, _PEOPLE_IN_PLACE)


# Built once: aliasing a mapped class anew on every call cost ~2 ms of SQLAlchemy's
# adaptation each time, and the Kotak Masuk asks several times per page.
_OFFICIAL_ROLE, _SUBSTITUTE_ROLE, _SUBSTITUTE = aliased(UserRole), aliased(UserRole), aliased(User)
_PEOPLE_IN_PLACE = and_(
    exists().where(_OFFICIAL_ROLE.user_id == Substitution.official_id,
                   _OFFICIAL_ROLE.role == Substitution.role),
    exists().where(_SUBSTITUTE_ROLE.user_id == Substitution.substitute_id),
    exists().where(_SUBSTITUTE.id == Substitution.substitute_id,
                   _SUBSTITUTE.is_disabled.is_(False)))
