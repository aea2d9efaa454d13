"""The administrator's list of accounts ("Pengguna dan Peran"), searched and filtered in
SQL: an office where every employee files tickets has hundreds of accounts."""

from sqlalchemy import Select, exists, func, literal, or_, select

from engine.models import User, UserRole
from engine.search_text import search_forms, stripped

# Account states the list filters on (``status``): ``baru`` is an active account still on
# the temporary password it was given (created, imported or reset), so its owner has not
# yet started to use Alur.
STATES = ("aktif", "nonaktif", "baru")
MAX_SEARCH = 100
_SEPARATOR = literal("\u0001")  # never in a search: no match across the two columns


def accounts_query(search: str | None = None, role: str | None = None,
                   state: str | None = None) -> Select[tuple[User]]:
    """The accounts, by user name: those whose full name or user name holds ``search``
    (its first ``MAX_SEARCH`` characters; case, spaces, punctuation and accents ignored,
    as in Kotak Masuk), holding ``role``, and in ``state`` (one of ``STATES``; ``aktif``
    includes ``baru``); None or empty: no filter. The caller checks ``role`` and ``state`` are known."""
    query = select(User).order_by(User.username)
    needles = search_forms((search or "")[:MAX_SEARCH])
    if needles:
        haystack = stripped(func.coalesce(User.full_name, literal("")) + _SEPARATOR
                            + User.username)
        query = query.where(or_(*(haystack.contains(needle, autoescape=True)
                                   for needle in needles)))
    if role:
        query = query.where(exists().where(UserRole.user_id == User.id, UserRole.role == role))
    if state:
        query = query.where(User.is_disabled.is_(state == "nonaktif"))
    if state == "baru":
        query = query.where(User.must_change_password.is_(True))
    return query
