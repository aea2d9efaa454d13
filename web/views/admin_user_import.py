"""Administration: "Impor akun" — every employee's account from one CSV file, all or none
(``engine.people.account_import``, shared with ``alur user import``), the temporary
passwords shown once on the answer."""

import base64
from typing import Any

from flask import Response, render_template, request
from flask_login import current_user

from engine.errors import InvalidTaskData
from engine.models import User
from engine.numbers import file_too_large
from engine.people import account_import
from web.account_form_words import cell_words
from web.engine_words import in_reader_language
from web.extensions import clock, db
from web.views.admin import admin_required, bp
from web.views.auth import hash_password
from web.views.reports.export import Table, csv_bytes

EXAMPLE = ("nama_pengguna;nama_lengkap;surel;peran;bahasa\r\n"
           "budi.santoso;Budi Santoso, S.Kom.;budi@pa-contoh.go.id;Prakom;\r\n"
           "rina;Rina Wati, S.H.;;;English\r\n")


@bp.route("/pengguna/impor", methods=["GET", "POST"])
@admin_required
def import_users() -> Any:
    """The form (GET); the accounts of the uploaded ``berkas`` (POST): 201 with each user
    name and temporary password (``Cache-Control: no-store``), or 422 listing every
    problem by row and column, nothing stored."""
    if request.method == "GET":
        return render_template("admin/user_import.html", problems=[],
                               max_accounts=account_import.MAX_ACCOUNTS)
    try:
        rows = account_import.read_rows(_uploaded())
        made = account_import.create_all(db.session, clock(), hash_password,
                                         actor=current_user, rows=rows)
    except InvalidTaskData as invalid:
        db.session.rollback()
        # The file as a whole ("berkas": not CSV, too large) is no row to correct.
        whole_file = list(invalid.fields) == ["berkas"]
        problems = [in_reader_language(why) if whole_file
                    else f"{cell_words(where)}: {in_reader_language(why)}"
                    for where, why in invalid.fields.items()]
        shown = account_import.MAX_LISTED_PROBLEMS
        return render_template("admin/user_import.html", problems=problems[:shown],
                               more=len(problems) - shown, whole_file=whole_file,
                               max_accounts=account_import.MAX_ACCOUNTS), 422
    db.session.commit()
    # Shown in this answer only: never in a flash message (the session cookie) or a log.
    return (render_template("admin/user_import_done.html", made=made,
                            passwords_csv=_passwords_csv(made)), 201,
            {"Cache-Control": "no-store"})


def _passwords_csv(made: list[tuple[User, str]]) -> str:
    """The table of temporary passwords as a ``data:`` address of a CSV file (Excel's form,
    ``;``), which the page's link downloads: it lives in this answer only, as the table
    does, never stored or sent again (the administrator probe: 217 passwords could be
    printed but not saved to hand out)."""
    table = Table("Kata sandi sementara", ["Nama pengguna", "Nama lengkap", "Peran",
                                           "Kata sandi sementara"])
    for user, password in made:
        table.add([user.username, user.full_name, ", ".join(sorted(user.role_names)),
                   password])
    return "data:text/csv;charset=utf-8;base64," + base64.b64encode(csv_bytes(table)).decode()


def _uploaded() -> bytes:
    """The chosen file's bytes, at most ``account_import.MAX_FILE_BYTES``.

    Raises:
        InvalidTaskData: ``berkas`` when no file was chosen or it is larger.
    """
    upload = request.files.get("berkas")
    if upload is None or not upload.filename:
        raise InvalidTaskData({"berkas": "pilih berkas CSV daftar akun"})
    try:
        size = upload.stream.seek(0, 2)
        upload.stream.seek(0)
        if size > account_import.MAX_FILE_BYTES:
            raise InvalidTaskData({"berkas": file_too_large(size,
                                                            account_import.MAX_FILE_BYTES)})
        return upload.stream.read()
    finally:
        upload.close()  # its spooled temporary file closed now, not when collected


@bp.get("/pengguna/contoh-impor-akun.csv")
@admin_required
def import_example_csv() -> Any:
    """A file to fill in: the title row and two example accounts (semicolons, as Excel
    writes CSV in the Indonesian locale, with a BOM so that it opens as UTF-8)."""
    return Response(("\ufeff" + EXAMPLE).encode("utf-8"), mimetype="text/csv", headers={
        "Content-Disposition": 'attachment; filename="contoh-impor-akun.csv"'})
