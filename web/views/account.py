"""The user's own account: the e-mail address escalations are sent to, the language of
the interface, the password, and the API tokens (listed with their last use, revocable)."""

import re
from typing import Any

from flask import Blueprint, flash, g, redirect, render_template, request, session, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_required, login_user

from engine import audit, settings
from engine.people import accounts, tokens
from engine.text import trimmed
from web.extensions import clock, db
from web.i18n import LANGUAGES
from web.paging import page_request
from web.views.auth import (
    AFTER_PASSWORD,
    hash_password,
    landing,
    password_matches,
    record_wrong_password,
)

bp = Blueprint("account", __name__, url_prefix="/akun")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    errors: dict[str, str] = {}
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        language = request.form.get("language", current_user.language)
        if len(email) > accounts.MAX_EMAIL:
            errors["email"] = gettext("Alamat surel paling banyak %(n)d karakter.",
                                      n=accounts.MAX_EMAIL)
        elif email and not EMAIL.match(email):
            errors["email"] = gettext("Alamat surel tidak valid (contoh: nama@pa-bima.go.id).")
        if language not in LANGUAGES:
            errors["language"] = gettext("Pilih Bahasa Indonesia atau English.")
        if not errors:
            if (email or None) != current_user.email:
                previous, current_user.email = current_user.email, email or None
                audit.record(db.session, clock(), "user.email_changed", actor=current_user,
                             email=current_user.email, previous=previous)
            language_changed = language != current_user.language
            if language_changed:
                current_user.language = language
                audit.record(db.session, clock(), "user.language_changed", actor=current_user,
                             language=language)
            db.session.commit()
            refresh()  # the message below is already in the newly chosen language
            flash(gettext("Pengaturan akun disimpan.") if language_changed
                  else gettext("Alamat surel disimpan."), "success")
            return redirect(url_for("account.profile"))
    return _page(errors, request.form.get("email", current_user.email or ""),
                 request.form.get("language", current_user.language))


def _page(errors: dict[str, str], email: str, language: str) -> Any:
    found = tokens.active(db.session, current_user, clock().now(), *page_request())
    return render_template(
        "account/profile.html", errors=errors, languages=LANGUAGES, value=email,
        language=language, tokens=found.items, page=found, max_email=accounts.MAX_EMAIL,
        max_password=accounts.MAX_PASSWORD, mails=settings.mails(db.session),
    ), 422 if errors else 200


MIN_PASSWORD = accounts.MIN_PASSWORD


@bp.post("/kata-sandi")
@login_required
def change_password() -> Any:
    """Change one's own password: the current one, then the new one twice."""
    errors: dict[str, str] = {}
    new = request.form.get("new_password", "")
    current = request.form.get("current_password", "")
    if not current:
        errors["current_password"] = gettext("Kata sandi sekarang wajib diisi.")
    elif not password_matches(current_user, current):
        errors["current_password"] = gettext("Kata sandi sekarang salah.")
        g.login_failed = True  # counted as a failed login of this account (web.edge)
        record_wrong_password(current_user._get_current_object(), on_account_page=True)
    if len(new) < MIN_PASSWORD:
        errors["new_password"] = gettext("Kata sandi baru paling sedikit %(n)s karakter.",
                                         n=MIN_PASSWORD)
    elif not trimmed(new):
        errors["new_password"] = gettext("Kata sandi baru tidak boleh hanya berisi spasi.")
    elif len(new) > accounts.MAX_PASSWORD:
        errors["new_password"] = gettext("Kata sandi baru paling banyak %(n)s karakter.",
                                         n=accounts.MAX_PASSWORD)
    elif new != request.form.get("confirm_password", ""):
        errors["confirm_password"] = gettext("Ulangan kata sandi tidak sama.")
    # Compared with the stored one too, in every reading login takes: a temporary password
    # typed as it was read out was accepted as current, and its issued form, then any other
    # reading of it, kept as the new one (regression probes).
    elif new == current or password_matches(current_user, new):
        errors["new_password"] = gettext("Kata sandi baru harus berbeda dari yang sekarang.")
    if errors:
        return _page(errors, current_user.email or "", current_user.language)
    user = current_user._get_current_object()
    first = user.must_change_password  # a temporary one: the user came to start work
    accounts.change_own_password(db.session, clock(), hash_password, user=user, new_password=new)
    db.session.commit()
    login_user(user)  # this session continues under the new session version; others end
    flash(gettext("Kata sandi diganti. Sesi dan token API lain telah diakhiri."), "success")
    if first:  # on to the page the login was asked for, else where a login leads
        return redirect(session.pop(AFTER_PASSWORD, None) or landing(user))
    return redirect(url_for("account.profile"))


@bp.post("/token/<int:token_id>/cabut")
@login_required
def revoke_token(token_id: int) -> Any:
    """Revoke one of one's own API tokens: the one the page listed (``prefix``)."""
    if not tokens.revoke(db.session, clock(), current_user, token_id, request.form.get("prefix")):
        flash(gettext("Token ini sudah dicabut sebelumnya; tidak ada yang berubah."), "info")
        return redirect(url_for("account.profile"))
    db.session.commit()
    flash(gettext("Token dicabut."), "success")
    return redirect(url_for("account.profile"))
