"""Logging in and out, and the accounts' passwords (werkzeug's salted hashes).

The session cookie carries ``"<user id>:<session version>"`` (``User.get_id``): a cookie
of an older version, or of a disabled account, is no longer a login.
"""

from typing import Any

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import current_user, login_required, login_url, login_user, logout_user
from flask_wtf import FlaskForm
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm import joinedload
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, InputRequired, Length

from engine import audit
from engine.models import User
from engine.people.access import requester_only
from engine.people.accounts import MAX_PASSWORD, end_sessions, find_by_username
from engine.people.issued import as_issued
from engine.text import is_digits
from web import addresses
from web.errors import error_response, http_error, referring_page, sent_csrf_token
from web.extensions import clock, db, login_manager

bp = Blueprint("auth", __name__)

# Where a wrong current password was typed (``record_wrong_password``), as records keep it.
ACCOUNT_PAGE = "Ganti kata sandi"
# Pages a user who must change a generated password may still reach.
OPEN_WHILE_CHANGING = {"account.profile", "account.change_password", "auth.logout", "static"}


TOO_LONG = lazy_gettext("Paling banyak %(max)d karakter.")


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Nama pengguna"),
                           validators=[DataRequired(lazy_gettext("Wajib diisi.")),
                                       Length(max=64, message=TOO_LONG)],
                           # Phones would capitalise the first letter of the name.
                           render_kw={"autocapitalize": "none", "spellcheck": "false"})
    # InputRequired, not DataRequired: a password may be spaces, as the account page allows.
    password = PasswordField(lazy_gettext("Kata sandi"),
                             validators=[InputRequired(lazy_gettext("Wajib diisi.")),
                                         Length(max=MAX_PASSWORD, message=TOO_LONG)])


# Why a session ended, as the login page says it (``load_user`` tells which).
ENDED = {
    "changed": lazy_gettext("Sesi Anda sudah berakhir: kata sandi, peran atau hak akun ini "
                            "diubah, atau akun ini keluar di perangkat lain (Keluar mengakhiri "
                            "sesi di semua perangkat). Silakan masuk lagi."),
    "disabled": lazy_gettext("Sesi Anda sudah berakhir: akun ini dinonaktifkan "
                             "administrator."),
}


@login_manager.unauthorized_handler
def ask_to_log_in() -> Any:
    """A page that needs a login, asked for without one (or after the session ended: a
    password changed or Keluar on another device): the login page, returning afterwards
    to the page asked for, or for a form sent (POST) to the page it was sent from, when
    that is this site's; the form's own address would answer 405 to the GET after login."""
    flash(str(ENDED.get(g.get("session_ended"), login_manager.login_message)),
          login_manager.login_message_category)
    target = request.url if request.method == "GET" else referring_page()
    return redirect(login_url(login_manager.login_view, next_url=target))


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """The user of a session id ``"<id>:<version>"``; None when the version is old or
    the account is disabled."""
    uid, _, version = user_id.partition(":")
    if not (is_digits(uid) and is_digits(version)) or len(uid) > 18:
        return None
    user = db.session.get(User, int(uid), options=[joinedload(User.roles)])
    if user is None or user.is_disabled or user.session_version != int(version):
        # Why, for the login page (an official whose role an administrator changed was
        # only asked to log in: found by the administrator probe).
        g.session_ended = None if user is None else "disabled" if user.is_disabled \
            else "changed"
        return None
    g.username = user.username  # for the request's log line, after a commit expired the user
    return user


def hash_password(password: str) -> str:
    """A salted hash of ``password`` (werkzeug; ``ALUR_PASSWORD_METHOD``, default scrypt)."""
    return generate_password_hash(password, method=current_app.config["ALUR_PASSWORD_METHOD"])


def _dummy_hash() -> str:
    """A hash of nothing in particular, made once per app with the configured method."""
    found = current_app.extensions.get("alur_dummy_hash")
    if found is None:
        found = current_app.extensions["alur_dummy_hash"] = hash_password("alur-dummy")
    return found


def authenticate(username: str, password: str) -> User | None:
    """The user with this name and password, or None.

    An unknown name costs the same one hash check as a known one (against a dummy hash),
    so the answer's timing does not tell which names exist. Names are lower case
    (``accounts.USERNAME``), so "Prakom" (a phone's capital first letter) is "prakom", as
    the login limit counts it.
    """
    user = find_by_username(db.session, username)
    matches = password_matches(user, password)
    if user is None or not matches:
        g.login_failed = True  # what the login limit counts (web.edge)
        record_wrong_password(user)
        return None
    return user


def password_matches(user: User | None, typed: str) -> bool:
    """Whether ``typed`` is ``user``'s password, or his temporary one typed as read out to
    him (``engine.people.issued``: capitals, spaces, no dashes). A typed password of that
    shape costs a second hash check for any name, against a dummy hash unless the account
    holds a temporary password, so the timing tells nothing of the account."""
    matches = check_password_hash(user.password_hash if user else _dummy_hash(), typed)
    issued = as_issued(typed)
    if issued is not None:
        temporary = user is not None and user.must_change_password
        second = check_password_hash(user.password_hash if temporary else _dummy_hash(), issued)
        matches = matches or (temporary and second)
    return matches


def record_wrong_password(user: User | None, on_account_page: bool = False) -> None:
    """Record a failed login (``user.login_failed``, the address it came from) for Jejak
    audit and, for an existing account (``username``), its history. A name no account has
    is recorded without it: it may be a password typed in the wrong field. Recorded either
    way, so the answer's timing does not tell which names exist; bounded by the login
    limit (a refused attempt, 429, never gets here). ``on_account_page``: a wrong current
    password on Akun → Ganti kata sandi, in the session ``user`` signed in (its actor;
    ``page: "Ganti kata sandi"``), which the same limit counts and which may lock the owner
    out too. Commits."""
    page = {"page": ACCOUNT_PAGE} if on_account_page else {}
    audit.record(db.session, clock(), "user.login_failed",
                 actor=user if on_account_page else None,
                 username=user.username if user else None, address=request.remote_addr,
                 **page)
    db.session.commit()


def _change_first() -> str:
    """What a user with a generated password is told on the account page."""
    return gettext("Ganti kata sandi sementara Anda sebelum melanjutkan.")


@bp.before_app_request
def require_password_change() -> Any:
    """A user with a generated password goes to the account page until they change it."""
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_WHILE_CHANGING
            and not request.path.startswith("/api/")):
        flash(_change_first(), "info")
        return redirect(url_for("account.profile"))
    return None


# The page a login with a temporary password was asked for, opened once it is changed.
AFTER_PASSWORD = "after_password"


def landing(user: User) -> str:
    """Where a login leads ``user`` when no page was asked for: Tiket Saya for an employee
    who only files tickets (``requester_only``), Kotak Masuk for everyone else."""
    return url_for("desk.mine" if requester_only(user) else "inbox.index")


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Any:
    """The login form. A refused login (wrong name or password, a disabled account) shows
    the form again with the reason (200); a form that is not filled in properly (a field
    empty or too long, no CSRF token) answers 400."""
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None or user.is_disabled:
            form.password.errors.append(
                gettext("Nama pengguna atau kata sandi salah.") if user is None
                else gettext("Akun ini dinonaktifkan. Hubungi administrator."))
            return render_template("auth/login.html", form=form)
        audit.record(db.session, clock(), "user.logged_in", actor=user)
        db.session.commit()  # first: a login that cannot be recorded does not happen
        login_user(user)
        # A form token seen before the login (e.g. planted with a cookie) is no good after.
        session.pop(current_app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), None)
        if user.must_change_password:
            flash(_change_first(), "info")  # said at once, not only after another page
            asked = addresses.local_path(request.args.get("next"))
            if asked:  # the page a link led to (a step in an e-mail): after the change
                session[AFTER_PASSWORD] = asked
            return redirect(url_for("account.profile"))
        return redirect(addresses.local_path(request.args.get("next")) or landing(user))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.app_errorhandler(CSRFError)
def stale_form(error: CSRFError) -> Any:
    """A form refused for its CSRF token (``web.errors``' page). The login form so refused
    (the page stayed open while the user logged in or out on another tab, or longer than
    ``ALUR_SESSION_MAX_AGE``) answers 400 too, as README "Masuk" says, but with the form
    again, a token that works and the name filled in, told why; one already logged in is
    told so. Keluar from a tab already logged out (in another tab)
    leads to the login page, as Keluar does. Nothing is checked or recorded."""
    if request.endpoint == "auth.logout" and not current_user.is_authenticated:
        flash(gettext("Anda telah keluar."), "info")  # in another tab: done already
        return redirect(url_for("auth.login"))
    if request.endpoint != "auth.login":
        return http_error(error)
    if current_user.is_authenticated:
        return error_response(400, "bad_request", gettext(
            "Anda sudah masuk (mis. di tab lain); halaman masuk ini tidak diperlukan lagi."))
    form = LoginForm(formdata=None)
    form.username.data = request.form.get("username", "")[:64]
    flash(gettext("Halaman masuk ini sudah kedaluwarsa, mis. karena dibuka terlalu lama "
                  "atau Anda masuk atau keluar di tab lain. Masukkan kata sandi Anda lagi.")
          if sent_csrf_token() else
          gettext("Kiriman masuk tadi tanpa tanda keamanannya (csrf_token), mis. dari skrip "
                  "atau situs lain. Masukkan kata sandi Anda lagi di halaman ini."), "info")
    return render_template("auth/login.html", form=form), 400


@bp.post("/keluar")
@login_required
def logout() -> Any:
    """Log out: ends this session and every other session and API token of the user."""
    user = current_user._get_current_object()
    end_sessions(db.session, clock(), user)
    audit.record(db.session, clock(), "user.logged_out", actor=user)
    db.session.commit()
    logout_user()
    session.clear()
    flash(gettext("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))
