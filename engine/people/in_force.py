"""When a recorded Plh/Plt counts: the one condition every question about it asks (who may
act in a role, whose claim lapsed, who is away, who answers for a role), so that the
inbox, claims, Alihkan, escalations and "tugas baru" notices agree (README "Plh dan Plt").
"""

from datetime import datetime

from sqlalchemy import ColumnElement, and_, exists
from sqlalchemy.orm import aliased

from engine.models import Substitution, User, UserRole


def substitution_in_force(now: datetime) -> ColumnElement[bool]:
    """Whether a ``Substitution`` row counts at ``now`` (aware): within its period (end
    exclusive), its official still holds the role, and its substitute is an active
    account holding a role — what recording one asks of a substitute ("pegawai aktif yang
    memegang peran"). One whose substitute has since lost every role, or was disabled,
    gives them nothing and leaves the official answering for the role."""
    official_role, substitute_role = aliased(UserRole), aliased(UserRole)
    substitute = aliased(User)
    return and_(
        Substitution.starts_at <= now, Substitution.ends_at > now,
        exists().where(official_role.user_id == Substitution.official_id,
                       official_role.role == Substitution.role),
        exists().where(substitute_role.user_id == Substitution.substitute_id),
        exists().where(substitute.id == Substitution.substitute_id,
                       substitute.is_disabled.is_(False)))
