"""The user's own account: the e-mail address escalations are sent to."""

import re
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from engine import audit

from .extensions import clock, db

bp = Blueprint("account", __name__, url_prefix="/akun")

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@bp.route("/", methods=["GET", "POST"])
@login_required
def profile() -> Any:
    error = None
    if request.method == "POST":
        email = request.form.get("email", "").strip()
        if email and (not EMAIL.match(email) or len(email) > 320):
            error = "Alamat surel tidak valid (contoh: nama@pa-bima.go.id)."
        else:
            current_user.email = email or None
            audit.record(db.session, clock(), "user.email_changed", actor=current_user,
                         email=current_user.email)
            db.session.commit()
            flash("Alamat surel disimpan.", "success")
            return redirect(url_for("account.profile"))
    return render_template("account/profile.html", error=error,
                           value=request.form.get("email", current_user.email or "")), \
        422 if error else 200
