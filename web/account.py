"""The user's own account: the e-mail address escalations are sent to, and the language of
the interface."""

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext, refresh
from flask_login import current_user, login_required

from engine import audit

from .extensions import clock, db
from .i18n import LANGUAGES

bp = Blueprint("account", __name__, url_prefix="/akun")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    errors: dict[str, str] = {}
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        language = request.form.get("language", current_user.language)
        if email and (not EMAIL.match(email) or len(email) > 320):
            errors["email"] = gettext("Alamat surel tidak valid (contoh: nama@pa-bima.go.id).")
        if language not in LANGUAGES:
            errors["language"] = gettext("Pilih Bahasa Indonesia atau English.")
        if not errors:
            current_user.email = email or None
            audit.record(db.session, clock(), "user.email_changed", actor=current_user,
                         email=current_user.email)
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
    return render_template(
        "account/profile.html", errors=errors, languages=LANGUAGES,
        value=request.form.get("email", current_user.email or ""),
        language=request.form.get("language", current_user.language),
    ), 422 if errors else 200
