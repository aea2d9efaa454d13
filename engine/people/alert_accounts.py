"""An alert source's account (``pantau.<name>``, ``engine.desk.alerts``) is no person: it
never logs in, holds no role and has no admin or auditor rights; it is stopped and started
again by disabling and enabling it (README "Peringatan pemantauan"). Found by the
administrator probe: its page offered roles and a password reset, after which the machine
account logged in as a person."""

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import PermissionDenied
from engine.models import AlertSource, User


def source_named_for(session: Session, user: User) -> str | None:
    """The name of the alert source whose account ``user`` is, or None (one statement)."""
    return session.scalar(select(AlertSource.name).where(AlertSource.user_id == user.id))


def refuse_person_changes(session: Session, user: User) -> None:
    """Refuse a change only a person's account takes (roles, admin or auditor rights, a
    password) on an alert source's account.

    Raises:
        PermissionDenied: ``user`` is an alert source's account, naming the source.
    """
    name = source_named_for(session, user)
    if name is not None:
        raise PermissionDenied(
            f"Akun {user.username} milik sumber peringatan {name}: ia tidak masuk ke Alur, "
            "tidak memegang peran dan tidak punya hak admin atau auditor. Hentikan "
            "kirimannya dengan menonaktifkan akunnya; token yang bocor diganti di Sumber "
            "peringatan.")
