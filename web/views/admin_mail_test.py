"""Administration: "Kirim surel uji" on Pengaturan — one e-mail to the administrator's own
address over the SMTP settings as saved, answered at once with what the server said."""

from typing import Any

from flask import current_app, flash, redirect, url_for
from flask_babel import gettext
from flask_login import current_user

from engine import settings
from engine.escalation.trial_mail import send_trial
from web.extensions import clock, db
from web.failure_words import failure_in_reader_language
from web.views.admin import admin_required, bp


@bp.post("/pengaturan/surel-uji")
@admin_required
def trial_mail() -> Any:
    """Send the trial message (``engine.escalation.trial_mail``) to the signed-in
    administrator's address and say on Pengaturan whether the server took it and, if not,
    why. Nothing is stored or queued; without an address of his own, an SMTP server or a
    readable password, nothing is sent and the page says what to fill in first."""
    back = redirect(url_for("admin.office_settings"), code=303)
    if not current_user.email and not settings.get(db.session, "smtp").get("host"):
        flash(gettext("Akun Anda belum punya alamat surel dan server SMTP belum diisi: isi "
                      "alamat Anda di Akun dan pengaturan surel di sini, lalu kirim surel uji "
                      "lagi."), "error")
        return back
    if not current_user.email:
        flash(gettext("Akun Anda belum punya alamat surel: isi dulu di Akun, lalu kirim surel "
                      "uji lagi."), "error")
        return back
    try:
        smtp = settings.smtp_for_sending(db.session, current_app.secret_key,
                                         current_app.config["ALUR_SMTP_PASSWORD"])
    except settings.SealedUnderAnotherKey:
        flash(gettext("Kata sandi SMTP yang tersimpan tidak dapat dibaca (ALUR_SECRET_KEY "
                      "berubah): isi ulang kata sandinya, simpan, lalu kirim surel uji lagi."),
              "error")
        return back
    if not smtp.get("host"):
        flash(gettext("Server SMTP belum diisi: isi dan simpan pengaturan surel dulu."), "error")
        return back
    why = send_trial(smtp, clock(), current_user.email, current_user.full_name)
    if why is None:
        flash(gettext("Surel uji diterima server %(host)s untuk %(email)s; periksa kotak surel "
                      "itu (juga folder spam).", host=smtp["host"], email=current_user.email),
              "success")
    else:
        flash(gettext("Surel uji tidak terkirim: %(why)s",
                      why=failure_in_reader_language(why)), "error")
    return back
