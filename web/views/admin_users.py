"""Administration: "Pengguna dan Peran" — create accounts, edit name, e-mail, roles,
admin and auditor rights, disable or enable, reset passwords. The use cases (and their audit
records) are ``engine.people.accounts``, shared with ``alur user``."""

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext, ngettext
from flask_login import current_user, login_user

from engine.errors import InvalidTaskData, NotFound
from engine.models import User
from engine.paging import paginate
from engine.people import accounts, alert_accounts, directory
from engine.people.account_history import account_history
from engine.people.departure import departure, held_steps
from engine.roles import KNOWN_ROLES, role_named
from web.account_words import account_detail, account_event
from web.engine_words import fields_in_reader_language
from web.errors import refuse_parameter
from web.extensions import clock, db
from web.i18n import DEFAULT_LANGUAGE, LANGUAGES
from web.paging import page_request
from web.views.admin import admin_required, bp
from web.views.auth import hash_password

HISTORY_PER_PAGE = 20


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None:
        raise NotFound(f"Pengguna #{user_id} tidak ditemukan.")
    return user


def _list_page(errors: dict[str, str], status: int = 200) -> Any:
    """The accounts filtered by ``cari``, ``peran`` and ``status`` (an unknown role or
    state: 400 naming it), a page at a time, with the form that adds one."""
    role = (request.args.get("peran") or "").strip() or None
    state = (request.args.get("status") or "").strip().lower() or None
    # A typed or bookmarked "prakom" or "bidang_terkait" is the role, as user names ignore case.
    role = role and (role_named(role) or role)
    if role and role not in KNOWN_ROLES:
        refuse_parameter("peran", gettext('Peran "%(value)s" tidak dikenal; pilih %(roles)s.',
                                          value=role[:40], roles=", ".join(KNOWN_ROLES)))
    if state and state not in directory.STATES:
        refuse_parameter("status", gettext('Status "%(value)s" tidak dikenal; pilih aktif, '
                                           "nonaktif atau baru.", value=state[:40]))
    search = request.args.get("cari", "").strip()
    found = paginate(db.session, directory.accounts_query(search, role, state), *page_request())
    return render_template("admin/users.html", errors=errors, form=request.form,
                           languages=LANGUAGES,
                           roles=KNOWN_ROLES, users=found.items, page=found,
                           search=search[:directory.MAX_SEARCH], role=role, state=state), status


@bp.route("/pengguna", methods=["GET", "POST"])
@admin_required
def users() -> Any:
    """The accounts, and the form that creates one with a generated temporary password."""
    if request.method == "GET":
        return _list_page({})
    language = request.form.get("language") or DEFAULT_LANGUAGE
    if language not in LANGUAGES:  # a hand-made form: never stored as a language we lack
        return _list_page({"language": gettext("Pilih Bahasa Indonesia atau English.")}, 422)
    try:
        user, password = accounts.create(
            db.session, clock(), hash_password, actor=current_user,
            username=request.form.get("username", ""),
            full_name=request.form.get("full_name", ""), email=request.form.get("email"),
            roles=request.form.getlist("roles"), is_admin=request.form.get("is_admin") == "on",
            is_auditor=request.form.get("is_auditor") == "on", language=language)
    except InvalidTaskData as invalid:
        db.session.rollback()
        return _list_page(fields_in_reader_language(invalid.fields), 422)
    db.session.commit()
    return _password_page(user, password, created=True)


def _password_page(user: User, password: str | None, created: bool) -> Any:
    # Shown in this answer only: never in a flash message (the session cookie) or a log.
    response = render_template("admin/user_password.html", user=user, password=password,
                               created=created)
    return response, 201 if created else 200, {"Cache-Control": "no-store"}


@bp.route("/pengguna/<int:user_id>", methods=["GET", "POST"])
@admin_required
def edit_user(user_id: int) -> Any:
    """Name, e-mail, roles and admin rights of one account, and its history (who did
    what to it, newest first, ``HISTORY_PER_PAGE`` a page: ``halaman``)."""
    user = _user(user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        held = held_steps(db.session, user)
        try:
            changed = accounts.update_details(
                db.session, clock(), actor=current_user, user=user,
                full_name=request.form.get("full_name", ""), email=request.form.get("email"),
                roles=request.form.getlist("roles"),
                is_admin=request.form.get("is_admin") == "on",
                is_auditor=request.form.get("is_auditor") == "on")
        except InvalidTaskData as invalid:
            db.session.rollback()
            errors = fields_in_reader_language(invalid.fields)
        else:
            db.session.commit()
            if user.id == current_user.id:
                login_user(user)  # one's own roles changed: this session goes on, others end
            flash(gettext("Akun %(username)s disimpan.", username=user.username) if changed
                  else gettext("Tidak ada yang berubah."), "success")
            released = held - held_steps(db.session, user)
            if released:
                flash(ngettext("%(num)d langkah yang ia pegang pada peran yang dicabut kembali ke "
                               "Tugas Unit peran itu.", "%(num)d langkah yang ia pegang pada peran "
                               "yang dicabut kembali ke Tugas Unit peran itu.", released),
                      "warning")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    history = account_history(db.session, user, *page_request(HISTORY_PER_PAGE))
    leaves = (departure(db.session, user)
              if not user.is_disabled and user.id != current_user.id else None)
    held = leaves.held if leaves is not None else held_steps(db.session, user)
    return render_template("admin/user_edit.html", user=user, errors=errors, roles=KNOWN_ROLES,
                           form=request.form if errors else None, history=history,
                           leaves=leaves, held=held,
                           alert_source=alert_accounts.source_named_for(db.session, user),
                           event=account_event, detail=account_detail
                           ), 422 if errors else 200


@bp.post("/pengguna/<int:user_id>/status")
@admin_required
def set_user_status(user_id: int) -> Any:
    """Disable (``disabled=1``) or enable (``disabled=0``) an account; one already so (a
    second click, a page open in another tab) is said to be so, with nothing changed."""
    user = _user(user_id)
    if request.form.get("disabled") not in ("0", "1"):
        abort(400)
    disabled = request.form["disabled"] == "1"
    unchanged = user.is_disabled == disabled
    accounts.set_disabled(db.session, clock(), actor=current_user, user=user, disabled=disabled)
    db.session.commit()
    if unchanged:
        flash(gettext("Akun %(username)s sudah nonaktif; tidak ada yang berubah.",
                      username=user.username) if disabled
              else gettext("Akun %(username)s sudah aktif; tidak ada yang berubah.",
                           username=user.username), "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    source = alert_accounts.source_named_for(db.session, user)
    if source is not None:  # its token stays: refused while disabled, taken again after
        flash(gettext("Sumber peringatan %(name)s dihentikan: kirimannya ditolak (403) sampai "
                      "akun %(username)s diaktifkan kembali; tokennya tetap.", name=source,
                      username=user.username) if disabled
              else gettext("Sumber peringatan %(name)s aktif kembali dengan tokennya yang "
                           "lama.", name=source), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    flash(gettext("Akun %(username)s dinonaktifkan; sesi dan tokennya diakhiri.",
                  username=user.username) if disabled
          else gettext("Akun %(username)s aktif kembali.", username=user.username), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.post("/pengguna/<int:user_id>/kata-sandi")
@admin_required
def reset_user_password(user_id: int) -> Any:
    """A temporary password, shown once, to be changed at the next login."""
    user = _user(user_id)
    password = accounts.reset_password(db.session, clock(), hash_password, actor=current_user,
                                       user=user)
    db.session.commit()
    return _password_page(user, password, created=False)
