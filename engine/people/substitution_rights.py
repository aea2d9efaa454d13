"""Who may record a Plh/Plt for whom, and extend a Plt (README, "Plh dan Plt").

An administrator, the official himself, or the direct supervisor of the role stood in
for: a Plh is appointed by the official's superior by surat perintah (SE Kepala BKN
1/SE/I/2021), and the official who falls ill is the one who cannot log in to record it.
The supervisor records only for the roles he supervises (a Kasubbag for a Prakom's role
Prakom, never for the same Prakom's other roles)."""

from engine.errors import PermissionDenied
from engine.models import User
from engine.roles import KNOWN_ROLES, supervisor_of


def supervised_roles(user: User) -> set[str]:
    """The known roles whose direct supervisor is a role ``user`` holds (a Kasubbag:
    Prakom and the outside parties he follows up, ``engine.roles.FURTHER_ROLES``)."""
    return {role for role in KNOWN_ROLES if supervisor_of(role) in user.role_names}


def recordable_roles(recorder: User, official: User) -> set[str]:
    """The roles of ``official`` for which ``recorder`` may record a Plh/Plt: all he holds
    for an administrator or the official himself; for anyone else those ``recorder``
    supervises directly (:func:`supervised_roles`); empty: he may not."""
    if recorder.is_admin or recorder.id == official.id:
        return set(official.role_names)
    return official.role_names & supervised_roles(recorder)


def check_recorder(created_by: User, official: User | None) -> None:
    """Check that ``created_by`` may record a substitution for ``official`` (None: a name
    that was not found): an administrator, the official himself, or the direct supervisor
    of one of his roles (:func:`recordable_roles`). Asked before anything about the named
    users is said, so that one who may not learns nothing of who exists.

    Raises:
        PermissionDenied: none of these; an auditor is told he only reads.
    """
    if created_by.is_auditor:  # as the page tells him (the regression probe)
        raise PermissionDenied("Akun auditor hanya membaca: Plh/Plt dicatat administrator, "
                               "pejabat yang digantikan atau atasan langsungnya.")
    if created_by.is_admin or (official is not None
                               and recordable_roles(created_by, official)):
        return
    raise PermissionDenied("Hanya administrator, pejabat yang bersangkutan atau atasan "
                           "langsungnya yang dapat mencatat Plh/Plt.")


def role_problem(recorder: User, official: User, role: str) -> str | None:
    """Why ``recorder`` may not record a Plh/Plt of ``official`` in ``role`` (a role the
    official holds), naming the roles he may; None when he may."""
    allowed = recordable_roles(recorder, official)
    if role in allowed:
        return None
    return (f"Anda hanya dapat mencatat Plh/Plt {official.full_name} untuk peran yang Anda "
            f"awasi langsung: {', '.join(sorted(allowed))}")


def may_extend(user: User, official: User, role: str) -> bool:
    """Whether ``user`` may extend a Plt for ``official`` in ``role``: whoever may record
    it (:func:`recordable_roles`)."""
    return role in recordable_roles(user, official)
