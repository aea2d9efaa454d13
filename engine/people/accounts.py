"""Accounts: create, edit, disable, reset passwords, grant or revoke admin rights.

One set of use cases for the administrators' page "Pengguna dan Peran" and for
``alur user``. Passwords are hashed by the caller's ``hasher`` (the web layer uses
werkzeug's scrypt), so the engine never sees a hashing configuration. Every change is
audited; every change that alters what a user may do (password, disabling, roles, admin
rights) ends the user's sessions and API tokens (:func:`end_sessions`).
"""

import re
import secrets
from collections.abc import Callable, Iterable
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from engine import audit, settings
from engine.clock import Clock
from engine.errors import InvalidTaskData, NotFound, PermissionDenied
from engine.models import ApiToken, Substitution, User, UserRole
from engine.people import alert_accounts, claims
from engine.roles import KNOWN_ROLES, meant_role
from engine.sqlite_writers import begin_writing
from engine.text import LINE_BREAKS, trimmed

Hasher = Callable[[str], str]

USERNAME = re.compile(r"^[a-z][a-z0-9_.]{1,63}$")
USERNAME_WORDS = "huruf kecil, angka, _ atau . (diawali huruf), 2–64 karakter"
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MIN_PASSWORD = 10
MAX_PASSWORD = 200
MAX_NAME = 200
MAX_EMAIL = 320


# Letters and digits no one mistakes when a password is read aloud or copied from paper
# (no l/1/I, 0/O/o, and lower case only): found by the onboarding probe ("VflMwwoVz0xJlzfE").
PASSWORD_LETTERS = "abcdefghjkmnpqrstuvwxyz23456789"


def generate_password() -> str:
    """A one-time password, shown once: four groups of four of ``PASSWORD_LETTERS``
    joined by "-" ("k7wp-3mzt-9qra-h2xd", about 79 bits), to be read out to its owner."""
    groups = ("".join(secrets.choice(PASSWORD_LETTERS) for _ in range(4)) for _ in range(4))
    return "-".join(groups)


def password_problem(password: str) -> str | None:
    """Why ``password`` cannot be used (in Indonesian), or None."""
    if len(password) < MIN_PASSWORD:
        return f"kata sandi paling sedikit {MIN_PASSWORD} karakter"
    if not trimmed(password):
        return "kata sandi tidak boleh hanya berisi spasi"
    if len(password) > MAX_PASSWORD:
        return f"kata sandi paling banyak {MAX_PASSWORD} karakter"
    return None


def normal_username(username: str) -> str:
    """``username`` as names are stored (``USERNAME``: lower case) and looked up: without
    surrounding spaces, in lower case, so "Prakom" (a phone's capital first letter) and
    "PRAKOM" are "prakom"; a zero-width space pasted at an end (``engine.text.trimmed``)
    is no part of a name either."""
    return trimmed(username).lower()


def find_by_username(session: Session, username: str) -> User | None:
    """The user named ``username`` as a person typed it (any case, ``normal_username``),
    or None: the one lookup of a name at login, in the API, in report links and in
    ``alur user``."""
    return session.scalar(select(User).where(User.username == normal_username(username)))


def by_username(session: Session, username: str) -> User:
    """The user named ``username`` (any case, as ``find_by_username``). Raises NotFound."""
    user = find_by_username(session, username)
    if user is None:
        raise NotFound(f"Pengguna {username} tidak ada.")
    return user


def hold_user(session: Session, user: User) -> None:
    """Hold ``user``'s row for this transaction before reading what a change checks against
    (the Plh/Plt standing in for him, his saved filters): of two such changes at once (a
    double submit, two tabs), the second waits for the first to commit and then sees it,
    instead of both finding nothing and both being stored. PostgreSQL: ``FOR NO KEY
    UPDATE`` of the users row (rows referencing it are not held up); SQLite: the writer
    lock, taken now (``begin_writing``), as ``engine.runtime.unit.lock_instance`` does."""
    begin_writing(session)
    session.execute(select(User.id).where(User.id == user.id).with_for_update(key_share=True))


def create(session: Session, clock: Clock, hasher: Hasher, *, actor: User | None,
           username: str, full_name: str, email: str | None = None,
           roles: Iterable[str] = (), is_admin: bool = False, is_auditor: bool = False,
           password: str | None = None, refresh_notices: bool = True,
           language: str = "id") -> tuple[User, str | None]:
    """Create an account (not committed), asking for "tugas baru" notices when the
    ``accounts`` setting (Pengaturan → Akun baru) says so.

    Args:
        actor: the administrator acting, or None for the command line.
        username: as typed; stored as ``normal_username`` makes it ("GITA" becomes
            "gita"), as every lookup reads it.
        password: the chosen password; None generates one that must be changed at the
            first login.
        is_auditor: a read-only account (``engine.people.access``): no roles, no admin.
        refresh_notices: False when the caller creates many accounts and calls
            ``refresh_notice_roles`` once after the last (a staff import).
        language: the pages' language, one of ``web.i18n.LANGUAGES`` (the caller checks).

    Returns:
        ``(user, generated password or None)``.

    Raises:
        PermissionDenied: ``actor`` is not an administrator.
        InvalidTaskData: naming each bad field (username, full_name, email, roles, password,
            is_auditor); ``username`` also when another transaction created the name
            meanwhile.
    """
    _require_admin(actor)
    roles = list(dict.fromkeys(roles))
    problems = _details_problems(full_name, email, roles, is_admin, is_auditor)
    username = normal_username(username or "")
    if problem := _username_problem(username):
        problems["username"] = problem
    elif session.scalar(select(User.id).where(User.username == username)) is not None:
        problems["username"] = f"pengguna {username} sudah ada"
    generated = None
    if password is None:
        password = generated = generate_password()
    elif problem := password_problem(password):
        problems["password"] = problem
    if problems:
        raise InvalidTaskData(problems)
    user = User(username=username, full_name=trimmed(full_name),
                email=(email or "").strip() or None,
                is_admin=is_admin, is_auditor=is_auditor, created_at=clock.now(), language=language,
                password_hash=hasher(password),
                must_change_password=generated is not None,
                roles=[UserRole(role=role) for role in roles])
    try:
        with session.begin_nested():  # only this insert is undone when the name was taken
            session.add(user)
            session.flush()
    except IntegrityError as error:
        if "username" not in str(error.orig):
            raise
        # Another request created the name after the check above (two at once).
        raise InvalidTaskData({"username": f"pengguna {username} sudah ada"}) from None
    user.notify_new_tasks = settings.get(session, "accounts")["new_task_notices"]
    audit.record(session, clock, "user.created", actor=actor, username=username,
                 roles=sorted(roles), admin=is_admin, auditor=is_auditor, language=language,
                 generated_password=generated is not None, new_tasks=user.notify_new_tasks)
    if user.notify_new_tasks and roles and refresh_notices:
        refresh_notice_roles(session, clock.now())
    return user, generated


def update_details(session: Session, clock: Clock, *, actor: User | None, user: User,
                   full_name: str, email: str | None, roles: Iterable[str],
                   is_admin: bool, is_auditor: bool | None = None) -> list[str]:
    """Set name, e-mail, roles, admin and auditor rights (not committed; ``is_auditor``
    None keeps it); return what changed.

    A change of roles, admin or auditor rights ends the user's sessions and tokens; the steps they
    took in a role they no longer hold go back to its unit (``engine.people.claims``). An
    administrator cannot take their own admin rights away (another must), so an office
    never locks itself out by accident.

    Raises:
        PermissionDenied: ``actor`` is not an administrator, or revokes their own rights,
            or changes the roles or rights of an alert source's account.
        InvalidTaskData: naming each bad field.
    """
    _require_admin(actor)
    roles = list(dict.fromkeys(roles))
    is_auditor = user.is_auditor if is_auditor is None else is_auditor
    problems = _details_problems(full_name, email, roles, is_admin, is_auditor)
    if problems:
        raise InvalidTaskData(problems)
    if actor is not None and actor.id == user.id and not is_admin:
        raise PermissionDenied("Anda tidak dapat mencabut hak admin Anda sendiri.")
    if user.is_admin and not is_admin:
        _keep_an_administrator(session, user)
    if set(roles) != user.role_names or is_admin != user.is_admin or \
            is_auditor != user.is_auditor:
        alert_accounts.refuse_person_changes(session, user)
    changed = []
    email = (email or "").strip() or None
    if trimmed(full_name) != user.full_name or email != user.email:
        before = {"previous_full_name": user.full_name, "previous_email": user.email}
        user.full_name, user.email = trimmed(full_name), email
        changed.append("details")
        audit.record(session, clock, "user.details_changed", actor=actor,
                     username=user.username, full_name=user.full_name, email=email, **before)
    if set(roles) != user.role_names:
        previous = sorted(user.role_names)  # the record says what was taken away, too
        user.roles = [r for r in user.roles if r.role in roles] + [
            UserRole(role=role) for role in roles if role not in user.role_names]
        changed.append("roles")
        audit.record(session, clock, "user.roles_changed", actor=actor, username=user.username,
                     roles=sorted(roles), previous=previous)
    if is_admin != user.is_admin:
        user.is_admin = is_admin
        changed.append("admin")
        audit.record(session, clock, "user.admin_granted" if is_admin else "user.admin_revoked",
                     actor=actor, username=user.username)
    if is_auditor != user.is_auditor:
        user.is_auditor = is_auditor
        changed.append("auditor")
        audit.record(session, clock,
                     "user.auditor_granted" if is_auditor else "user.auditor_revoked",
                     actor=actor, username=user.username)
    if {"roles", "admin", "auditor"} & set(changed):
        end_sessions(session, clock, user)
    if "roles" in changed:
        claims.release_lapsed(session, clock, holders=[user.id], cause="roles", actor=actor)
    if "roles" in changed and user.notify_new_tasks:
        refresh_notice_roles(session, clock.now())
    return changed


def set_disabled(session: Session, clock: Clock, *, actor: User | None, user: User,
                 disabled: bool) -> None:
    """Disable (or enable again) an account (not committed). Disabling ends its sessions
    and tokens and gives the steps it took back to their units (``engine.people.claims``);
    a disabled user cannot log in or get a token.

    Raises:
        PermissionDenied: ``actor`` is not an administrator, or disables themself.
    """
    _require_admin(actor)
    if actor is not None and actor.id == user.id and disabled:
        raise PermissionDenied("Anda tidak dapat menonaktifkan akun Anda sendiri.")
    if user.is_disabled == disabled:
        return
    if disabled and user.is_admin:
        _keep_an_administrator(session, user)
    user.is_disabled = disabled
    audit.record(session, clock, "user.disabled" if disabled else "user.enabled", actor=actor,
                 username=user.username)
    if disabled:
        end_sessions(session, clock, user)
        claims.release_lapsed(session, clock, holders=[user.id], cause="disabled", actor=actor)
    if user.notify_new_tasks:
        refresh_notice_roles(session, clock.now())


def _keep_an_administrator(session: Session, user: User) -> None:
    """Refuse to take the last active administrator away (also from the command line,
    which acts as no one): nobody could then manage accounts or SOPs from the app.

    Two such changes at once (two administrators removing each other) are decided one
    after the other: a no-op UPDATE of every active administrator's row first takes the
    rows' locks (PostgreSQL) or the database's write lock (SQLite), so the second change
    counts after the first has committed.

    Raises:
        PermissionDenied: ``user`` is the only active administrator.
    """
    session.execute(update(User).where(User.is_admin.is_(True), User.is_disabled.is_(False))
                    .values(is_admin=User.is_admin)
                    .execution_options(synchronize_session=False))
    others = session.scalar(select(func.count()).select_from(User).where(
        User.is_admin.is_(True), User.is_disabled.is_(False), User.id != user.id))
    if not others:
        raise PermissionDenied(f"{user.username} adalah administrator aktif terakhir; "
                               "jadikan orang lain administrator lebih dulu.")


def set_new_task_notices(session: Session, clock: Clock, user: User, wanted: bool) -> None:
    """Turn ``user``'s own "tugas baru" notices on or off (account page; audited, not
    committed). Nothing happens when the choice is already so."""
    if wanted == user.notify_new_tasks:
        return
    user.notify_new_tasks = wanted
    audit.record(session, clock, "user.notice_preference_changed", actor=user,
                 new_tasks=wanted)
    refresh_notice_roles(session, clock.now())


def refresh_notice_roles(session: Session, now: datetime) -> None:
    """Store in the ``new_task_notice_roles`` setting the roles in which enabled people who
    asked for "tugas baru" notices may get steps: those they hold, and those they stand in
    for by a Plh/Plt not over at ``now`` (aware) — engine.escalation.task_notices reads
    it, so a step of any other role costs no query. A substitution that ends later leaves
    its role here until the next refresh: it then costs a query, never a lost notice.
    Called after every change to who asked, what they hold or whom they stand in for.
    Not committed."""
    session.flush()
    asking = User.notify_new_tasks.is_(True) & User.is_disabled.is_(False)
    held = select(UserRole.role).join(User).where(asking)
    standing_in = select(Substitution.role).join(User, User.id == Substitution.substitute_id
                                                 ).where(asking, Substitution.ends_at > now)
    settings.put(session, "new_task_notice_roles",
                 sorted(set(session.scalars(held.union(standing_in)))))


# An administrator resetting his own password (a page open from before, a script).
OWN_RESET = ("Ini akun Anda sendiri: ganti kata sandi Anda di Akun → Ganti kata sandi; "
             "mengatur ulangnya di sini akan mengakhiri sesi Anda.")


def reset_password(session: Session, clock: Clock, hasher: Hasher, *, actor: User | None,
                   user: User) -> str:
    """Give ``user`` a generated temporary password (not committed), to be changed at the
    next login; ends their sessions and tokens. Returns the password, shown once.

    Raises:
        PermissionDenied: ``actor`` is not an administrator, or resets his own password
            (it would end the session he acts in; his own is changed on Akun), or that of
            an alert source's account (it never logs in).
    """
    _require_admin(actor)
    if actor is not None and actor.id == user.id:
        raise PermissionDenied(OWN_RESET)
    alert_accounts.refuse_person_changes(session, user)
    password = generate_password()
    user.password_hash = hasher(password)
    user.must_change_password = True
    audit.record(session, clock, "user.password_reset", actor=actor, username=user.username)
    end_sessions(session, clock, user)
    return password


def change_own_password(session: Session, clock: Clock, hasher: Hasher, *, user: User,
                        new_password: str) -> None:
    """The user's own new password (not committed); ends their other sessions and tokens.

    Raises:
        InvalidTaskData: ``new_password`` too short or too long (field ``new_password``).
    """
    if problem := password_problem(new_password):
        raise InvalidTaskData({"new_password": problem})
    user.password_hash = hasher(new_password)
    user.must_change_password = False
    audit.record(session, clock, "user.password_changed", actor=user)
    end_sessions(session, clock, user)


def end_sessions(session: Session, clock: Clock, user: User) -> None:
    """End every session and API token of ``user`` (not committed): the session version
    moves on, so cookies and tokens carrying the old one are refused."""
    user.session_version += 1
    session.execute(update(ApiToken).where(ApiToken.user_id == user.id,
                                           ApiToken.revoked_at.is_(None))
                    .values(revoked_at=clock.now()))


def account_problems(username: str, full_name: str, email: str | None, roles: list[str]
                     ) -> dict[str, str]:
    """What ``create`` would refuse in these values without asking the database (whether
    the user name is taken): ``{field: why}``, empty when they are fine."""
    problems = _details_problems(full_name, email, roles, False, False)
    if problem := _username_problem(normal_username(username or "")):
        problems["username"] = problem
    return problems


def _username_problem(username: str) -> str | None:
    """Why ``username`` (normalised) is refused, missing or of another form; None if not."""
    return None if USERNAME.match(username) else "nama pengguna wajib diisi" if not username \
        else USERNAME_WORDS


def _require_admin(actor: User | None) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied("Hanya administrator yang dapat mengelola akun.")


def _details_problems(full_name: str, email: str | None, roles: list[str], is_admin: bool,
                      is_auditor: bool) -> dict[str, str]:
    problems = {}
    if not trimmed(full_name):
        problems["full_name"] = "nama lengkap wajib diisi"
    elif len(trimmed(full_name)) > MAX_NAME:
        problems["full_name"] = f"nama lengkap paling banyak {MAX_NAME} karakter"
    elif LINE_BREAKS.search(trimmed(full_name)):
        # A name is one line on every page, list and printed report; in an imported file
        # a quote left open ran on over the next rows (the regression probe).
        problems["full_name"] = ("nama lengkap memuat pindah baris; tulis dalam satu baris (di "
                                 "berkas CSV: tanda kutip yang dibuka harus ditutup)")
    email = (email or "").strip()
    if len(email) > MAX_EMAIL:
        problems["email"] = f"alamat surel paling banyak {MAX_EMAIL} karakter"
    elif email and not EMAIL.match(email):
        problems["email"] = "alamat surel tidak valid (contoh: nama@pa-bima.go.id)"
    unknown = [role for role in roles if role not in KNOWN_ROLES]
    if unknown:
        meant = list(dict.fromkeys(filter(None, map(meant_role, unknown))))
        problems["roles"] = f"peran tidak dikenal: {', '.join(unknown)}" + (
            f" (maksud Anda {', '.join(meant)}?)" if meant else "")
    if is_auditor and (roles or is_admin):
        problems["is_auditor"] = ("auditor hanya membaca: akun auditor tidak memegang peran "
                                  "dan bukan administrator")
    return problems
