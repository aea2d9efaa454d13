"""An account's history for its administrators (Pengguna dan Peran): the audit records of
what was done to the account (created, roles and admin rights, disabled, password reset,
by whom; failed logins with its name) and by its holder to it (password and e-mail
changed, logins, API tokens), newest first, a page at a time."""

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, joinedload

from engine.models import AuditRecord, User
from engine.paging import Page, paginate

# Done to the account, by an administrator or ``alur user``: the record names it by
# ``username`` in its detail (usernames never change).
DONE_TO = ("user.created", "user.details_changed", "user.roles_changed", "user.admin_granted",
           "user.admin_revoked", "user.auditor_granted", "user.auditor_revoked", "user.disabled",
           "user.enabled", "user.password_reset", "user.login_failed")
# Done by the account's holder to his own account: the record's actor.
DONE_BY = ("user.password_changed", "user.email_changed", "user.language_changed",
           "user.notice_preference_changed", "user.logged_in", "user.logged_out",
           "token.issued", "token.revoked")


def account_history(session: Session, user: User, page: int, per_page: int) -> Page:
    """Page ``page`` of ``user``'s account records (``AuditRecord`` with its ``actor``
    loaded; None for the command line), newest first. Both halves are found through the
    ``(action, at)`` index.

    Raises:
        ValueError: ``page`` or ``per_page`` out of range (``engine.paging.paginate``).
    """
    query = (select(AuditRecord).options(joinedload(AuditRecord.actor))
             .where(or_(and_(AuditRecord.action.in_(DONE_TO),
                             AuditRecord.detail["username"].as_string() == user.username),
                        and_(AuditRecord.action.in_(DONE_BY),
                             AuditRecord.actor_id == user.id)))
             .order_by(AuditRecord.at.desc(), AuditRecord.id.desc()))
    return paginate(session, query, page, per_page)
