"""Logging in and out, and the accounts' passwords (werkzeug's salted hashes)."""

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext, lazy_gettext
from flask_login import login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from engine import audit
from engine.models import User
from web.extensions import clock, db, login_manager

bp = Blueprint("auth", __name__)


class LoginForm(FlaskForm):
    username = StringField(lazy_gettext("Nama pengguna"),
                           validators=[DataRequired(lazy_gettext("Wajib diisi.")),
                                       Length(max=64)])
    password = PasswordField(lazy_gettext("Kata sandi"),
                             validators=[DataRequired(lazy_gettext("Wajib diisi."))])


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    return db.session.get(User, int(user_id))


def set_password(user: User, password: str) -> None:
    """Store a salted hash of ``password`` (werkzeug; ``ALUR_PASSWORD_METHOD``, default scrypt)."""
    user.password_hash = generate_password_hash(
        password, method=current_app.config["ALUR_PASSWORD_METHOD"])


def authenticate(username: str, password: str) -> User | None:
    """The user with this name and password, or None."""
    user = db.session.scalar(select(User).where(User.username == username.strip()))
    if user is not None and check_password_hash(user.password_hash, password):
        return user
    return None


@bp.route("/masuk", methods=["GET", "POST"])
def login() -> Any:
    form = LoginForm()
    if form.validate_on_submit():
        user = authenticate(form.username.data, form.password.data)
        if user is None:
            form.password.errors.append(gettext("Nama pengguna atau kata sandi salah."))
        else:
            audit.record(db.session, clock(), "user.logged_in", actor=user)
            db.session.commit()  # first: a login that cannot be recorded does not happen
            login_user(user)
            target = request.args.get("next", "")
            return redirect(target if target.startswith("/") and not target.startswith("//")
                            else url_for("inbox.index"))
    return render_template("auth/login.html", form=form), 200 if not form.errors else 400


@bp.post("/keluar")
@login_required
def logout() -> Any:
    logout_user()
    flash(gettext("Anda telah keluar."), "info")
    return redirect(url_for("auth.login"))
