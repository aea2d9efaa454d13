"""One place that turns errors into responses: JSON under /api/, a page for people.

No stack trace reaches a user: unexpected errors are logged and answered with a
short message in the user's language (Indonesian unless they chose English).
"""

import math
import sqlite3
import time
from typing import Any, NoReturn
from urllib.parse import urlencode

from flask import (
    Flask,
    current_app,
    g,
    jsonify,
    make_response,
    render_template,
    request,
)
from flask_babel import gettext, lazy_gettext
from flask_login import current_user
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from engine.db import (
    database_words,
    is_busy,
    is_lost_connection,
    is_unreachable,
    is_unwritable,
)
from engine.errors import (
    AlurError,
    Conflict,
    InstanceEnded,
    InvalidProcess,
    InvalidTaskData,
    NotFound,
    PermissionDenied,
    ProcessFailure,
    TaskNotOpen,
)
from engine.people.access import requester_only
from web import addresses, too_large
from web.access import employee_refusal
from web.api_address import api_address_error
from web.engine_words import in_reader_language
from web.extensions import db, login_manager
from web.field_labels import field_label
from web.http_exceptions import NumberTooLarge, ParameterRefused
from web.typed_labels import form_labels

# Seconds a client is asked to wait when the database is busy (503): a write waits up to
# engine.db.SQLITE_BUSY_TIMEOUT_MS for the lock first, so the writer ahead has had time.
RETRY_AFTER_SECONDS = 5
# When a client may try again after the database could not be written: an administrator
# has to act, so not in seconds.
UNWRITABLE_RETRY_SECONDS = 60
STATUS = {NotFound: 404, PermissionDenied: 403, TaskNotOpen: 409, InstanceEnded: 409,
          Conflict: 409, InvalidTaskData: 422, InvalidProcess: 422, ProcessFailure: 422}

HTTP_MESSAGES = {
    400: lazy_gettext("Permintaan tidak valid."),
    401: lazy_gettext("Silakan masuk terlebih dahulu."),
    403: lazy_gettext("Anda tidak berwenang membuka halaman ini atau melakukan tindakan ini "
                      "dengan peran Anda sekarang. Bila seharusnya boleh, minta administrator "
                      "memeriksa peran Anda."),
    404: lazy_gettext("Halaman tidak ditemukan."),
    405: lazy_gettext("Metode tidak diizinkan."),
    413: lazy_gettext("Berkas atau permintaan terlalu besar."),
    429: lazy_gettext("Terlalu banyak percobaan masuk yang gagal. Coba lagi beberapa menit lagi."),
    500: lazy_gettext("Terjadi kesalahan pada server. Silakan coba lagi."),
}


# An error page's heading, short on a phone's screen; its message follows in a paragraph.
HEADINGS = {
    400: lazy_gettext("Permintaan tidak dapat diproses"),
    401: lazy_gettext("Silakan masuk"),
    403: lazy_gettext("Tidak dapat dibuka"),
    404: lazy_gettext("Tidak ditemukan"),
    405: lazy_gettext("Alamat untuk tombol"),
    409: lazy_gettext("Tidak dapat dilakukan sekarang"),
    413: lazy_gettext("Terlalu besar"),
    422: lazy_gettext("Periksa isian"),
    429: lazy_gettext("Terlalu banyak percobaan"),
    503: lazy_gettext("Sistem sedang sibuk"),
}


def retry_after_seconds() -> int | None:
    """Seconds until the login limit this request broke lets one more attempt through
    (Flask-Limiter's moving window, ``web.edge``), at least 1; None when none was broken.
    Read once per request."""
    if "alur_retry_after" not in g:  # once: the page's minutes and the header agree
        limiter = current_app.extensions.get("alur_limiter")
        breached = limiter.current_limit if limiter is not None else None
        g.alur_retry_after = (None if breached is None
                              else max(1, int(breached.reset_at - time.time())))
    return g.alur_retry_after


def _locked_out() -> str:
    """The 429 sentence, with the minutes ``Retry-After`` gives, rounded up, naming the
    limit: for the address's that it is the network address that waits (a new password
    would not help); on Ganti kata sandi that wrong current passwords count as failed
    logins; else the account's, on the login page with who can help one who forgot the
    password."""
    seconds = retry_after_seconds()
    if seconds is None:
        return str(HTTP_MESSAGES[429])
    minutes = math.ceil(seconds / 60)
    limiter = current_app.extensions.get("alur_limiter")
    breached = limiter.current_limit if limiter is not None else None
    if breached is not None and "login-address" in breached.request_args:
        return gettext("Terlalu banyak percobaan masuk yang gagal dari alamat jaringan ini "
                       "(semua akun bersama-sama). Coba lagi dalam %(minutes)d menit.",
                       minutes=minutes)
    if request.endpoint == "account.change_password":
        return gettext("Terlalu banyak kata sandi salah untuk akun ini (saat masuk atau pada "
                       "Ganti kata sandi). Coba lagi dalam %(minutes)d menit.", minutes=minutes)
    if request.endpoint == "auth.login":  # the page's only way on, besides waiting
        return gettext("Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi "
                       "dalam %(minutes)d menit. Lupa kata sandi? Minta administrator "
                       "menggantinya dengan kata sandi sementara.", minutes=minutes)
    return gettext("Terlalu banyak percobaan masuk yang gagal untuk akun ini. Coba lagi dalam "
                   "%(minutes)d menit.", minutes=minutes)


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    """The error as ``{"error": {"code", "message", ...}}`` or as an HTML page; a page
    refusing a form (403, 409: a step taken from the official meanwhile, released by a
    revised SOP) shows what was typed into it, to copy rather than type again."""
    if wants_json():
        return jsonify(error={"code": code, "message": message, **extra}), status
    if status in (403, 409) and request.method == "POST" and "typed" not in extra and (
            typed := typed_fields()):
        extra = {**extra, "typed": typed}
    heading = HEADINGS.get(status, lazy_gettext("Terjadi kesalahan"))
    if status == 403 and request.method == "POST":  # an action refused, on a page that opened
        heading = lazy_gettext("Tidak dapat dilakukan")
        extra = {**_back(with_query=True), **extra}
    return render_template("error.html", status=status, message=in_reader_language(message),
                           heading=heading, extra=extra), status


def refuse_parameter(name: str, message: str, expected: str | None = None,
                     keep_first: bool = False) -> NoReturn:
    """Answer 400 ``invalid_request`` with ``message``, naming the query parameter
    ``name`` in ``fields`` (with ``expected``, the shape it should have, else the
    message); raised before anything is read or changed. The page leads back to the one
    the address was typed or filtered on (its Referer, when this site's), where the
    filters chosen before are still filled in, and to this page without the parameter (a
    bookmarked or shared address has no page before it), or, ``keep_first`` (a parameter
    sent twice, which the page may need), with its first value only.

    Raises:
        ParameterRefused: always; a list page may answer it in its filter form."""
    links = {} if wants_json() else {**_back(with_query=True), **_without(name, keep_first)}
    raise ParameterRefused(name, message, make_response(error_response(
        400, "invalid_request", message, fields={name: expected or message}, **links)),
        None if keep_first else links.get("without"))


# A page's address asking for its download instead (web.views.reports.downloads).
DOWNLOAD_PARAMETERS = frozenset({"format", "sep", "tabel", "bagian", "hingga"})


def _without(name: str, keep_first: bool = False) -> dict[str, str]:
    """``{"without": address, "without_name": name}``: the page asked for (GET) with its
    query string but ``name`` and what asks for a download (``DOWNLOAD_PARAMETERS``: the
    link opens the page) (``keep_first``: but its values after the first, and
    ``"kept_value"``, that value); else nothing, also when ``name`` is not in the address
    or blank (a parameter missing: the link led to the same refusal)."""
    if request.method != "GET" or not request.args.get(name, "").strip():
        return {}  # missing or blank: refused as missing, which its absence is too
    first, pairs = request.args[name], list(request.args.items(multi=True))
    at = pairs.index((name, first)) if keep_first else -1
    # The page, never its download: a refused filter of a CSV address led to the whole list.
    kept = [pair for index, pair in enumerate(pairs) if index == at or (
        pair[0] != name and (pair[0] not in DOWNLOAD_PARAMETERS or keep_first))]
    query = f"?{urlencode(kept)}" if kept else ""
    return {"without": f"{request.script_root}{request.path}{query}", "without_name": name,
            **({"kept_value": first[:40]} if keep_first else {})}


def register(app: Flask) -> None:
    """Install the error handlers on ``app``."""

    @app.errorhandler(AlurError)
    def domain_error(error: AlurError) -> Any:
        db.session.rollback()
        extra = {}
        if isinstance(error, InvalidTaskData):
            extra["fields"] = error.fields
        if isinstance(error, InvalidProcess):
            extra["problems"] = error.problems
        if isinstance(error, TaskNotOpen) and error.claimed_by:
            extra["claimed_by"] = error.claimed_by
        return error_response(STATUS.get(type(error), 400), error.code, error.message, **extra)

    @app.errorhandler(StaleDataError)
    def concurrent_change(error: StaleDataError) -> Any:
        db.session.rollback()
        return error_response(409, "conflict", gettext(
            "Proses ini baru saja diubah oleh pengguna lain; muat ulang halaman lalu coba lagi."))

    @app.errorhandler(DBAPIError)
    def database_error(error: DBAPIError) -> Any:
        db.session.rollback()
        if is_duplicate(error):
            app.logger.warning("duplicate on %s: %s", request.path, error.orig)
            return error_response(409, "conflict", gettext(
                "Data yang sama baru saja disimpan oleh permintaan lain (mis. tombol diklik "
                "dua kali); muat ulang halaman lalu periksa."))
        return busy(error)

    # The writer lock taken on the raw SQLite connection (engine.sqlite_writers.begin_writing,
    # before a completion reads its instance) fails with the driver's own error, unwrapped.
    @app.errorhandler(sqlite3.OperationalError)
    def busy(error: DBAPIError | sqlite3.OperationalError) -> Any:
        db.session.rollback()
        if is_unwritable(error):
            return unwritable(error)
        if is_unreachable(error):
            return unreachable(error)
        if not (is_busy(error) or is_lost_connection(error)):
            return unexpected(error)
        app.logger.warning("database busy or its connection lost on %s: %s", request.path,
                           getattr(error, "orig", error))
        if wants_json():
            answer = error_response(503, "busy", gettext(
                "Sistem sedang sibuk, coba lagi sebentar lagi."))
        else:
            answer = error_response(503, "busy", gettext(
                "Sistem sedang sibuk: permintaan ini belum dijalankan dan tidak ada yang "
                "tersimpan. Kirim lagi sebentar lagi."), **_back())
        response = make_response(answer)
        response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response

    def unreachable(error: DBAPIError) -> Any:
        app.logger.warning("the database cannot be reached on %s: %s", request.path,
                           database_words(error))
        return _for_no_one("database_unreachable", lazy_gettext(
            "Basis data Alur tidak dapat dihubungi saat ini (mis. sedang dimulai ulang): "
            "permintaan ini belum dijalankan dan tidak ada yang tersimpan. Coba lagi sebentar "
            "lagi."), RETRY_AFTER_SECONDS)

    def unwritable(error: DBAPIError | sqlite3.OperationalError) -> Any:
        app.logger.error("the database cannot be written on %s: %s", request.path,
                         database_words(error))
        # SQLite opens a file it cannot write read-only, and such a connection stays so:
        # the pool's are dropped, so that writes work again as soon as the file can be
        # written, without a restart.
        db.engine.dispose()
        return _for_no_one("database_unwritable", lazy_gettext(
            "Basis data Alur tidak dapat ditulis saat ini (mis. disk penuh atau hanya-baca): "
            "tidak ada yang tersimpan. Beri tahu administrator; coba lagi setelah ia "
            "memperbaikinya."), UNWRITABLE_RETRY_SECONDS)

    def _for_no_one(code: str, message: Any, retry_after: int) -> Any:
        """A 503 about the database written for no one: loading the user (or his expired
        attributes, or his language for ``message``, a lazy text read only here) would
        read the database that just failed, and fail inside this answer."""
        g._login_user = login_manager.anonymous_user()
        back = {} if wants_json() else _back()
        response = make_response(error_response(503, code, str(message), **back))
        response.headers["Retry-After"] = str(retry_after)
        return response

    app.register_error_handler(HTTPException, http_error)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        db.session.rollback()
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal_error", str(HTTP_MESSAGES[500]))


def http_error(error: HTTPException) -> Any:
    """An HTTP error (404, 405, 413, 429, a refused CSRF token …) as ``error_response``,
    in words the reader can act on, with Werkzeug's own headers of the error."""
    message = str(HTTP_MESSAGES.get(error.code or 500, error.description or ""))
    extra = {}
    if error.code == 400 and "CSRF" in (error.description or ""):
        message, extra = _stale_form()
    if error.code == 429:
        message = _locked_out()
    if error.code == 403 and current_user.is_authenticated and requester_only(current_user):
        message = employee_refusal()
    if error.code == 403 and getattr(current_user, "is_auditor", False):
        message = gettext("Akun auditor hanya membaca: halaman atau tindakan ini bukan untuk "
                          "auditor. Semua proses, laporan dan Jejak audit terbuka untuk Anda.")
    if error.code in (404, 405) and request.path.startswith("/api/") and request.url_rule is None:
        message = api_address_error(error)
    if isinstance(error, NumberTooLarge):  # the address exists; no record has that number
        message = gettext("Tidak ada yang bernomor %(number)s: nomor di alamat ini paling "
                          "besar %(max)s.", number=error.number, max=error.largest)
    if error.code == 405 and not wants_json():  # a form's address opened as a page
        message = gettext("Alamat ini hanya dipakai tombol atau formulir di halamannya; buka "
                          "halaman itu lalu tekan tombolnya.")
    if error.code == 413:
        message, extra = too_large.api_message() if wants_json() else (
            too_large.page_message(), _back())
        too_large.drain_body()
    body, status = error_response(error.code or 500, error.name.lower().replace(" ", "_"),
                                  message, **extra)
    # Werkzeug's own headers of the error: 405's Allow (RFC 9110), 429's Retry-After.
    kept = [(name, value) for name, value in error.get_headers()
            if name.lower() != "content-type"]
    return body, status, kept


def sent_csrf_token() -> bool:
    """Whether the refused form carried a CSRF token at all (blank is none): a token that
    no longer holds is a page left open; none is a script's or another site's form."""
    return bool((request.form.get("csrf_token") or request.headers.get("X-CSRFToken")
                 or "").strip())


def _stale_form() -> tuple[str, dict[str, Any]]:
    """A form refused for its CSRF token, in words that lead on: open its page again (a
    reload would send the same token again), or send it from its page when it came without
    one, with a link to it when it is this site's;
    when the session has ended too, log in first. A page shows what was typed into the
    form (``typed_fields``), for the official to copy rather than type it all again, and
    that a file chosen for it has to be chosen again."""
    if sent_csrf_token():
        message = gettext("Formulir ini sudah kedaluwarsa: halamannya dibuka sebelum "
                          "seseorang masuk atau keluar di peramban ini, atau terlalu lama "
                          "terbuka. Buka lagi halaman formulirnya, lalu kirim lagi.")
    else:  # never had one: sent by a script or a page of another site (the permission probe)
        message = gettext("Formulir ini dikirim tanpa tanda keamanannya (csrf_token), mis. "
                          "oleh skrip atau dari situs lain, jadi tidak ada yang diubah. Kirim "
                          "dari halaman formulirnya di Alur.")
    if any(part.filename for part in request.files.values()):
        message += " " + gettext("Berkas yang tadi dipilih perlu dipilih ulang.")
    if not current_user.is_authenticated:
        message += " " + gettext("Sesi Anda juga sudah berakhir: masuk lagi lebih dulu.")
    extra: dict[str, Any] = _back()
    if not wants_json() and (typed := typed_fields()):
        extra["typed"] = typed
    return message, extra


# Fields of a form that are no typing of the official's: its tokens, the SOP or service
# chosen, and what a page fills in itself.
# Not typed: the form's own tokens and hidden fields, and choices made from a list (an
# assignee is sent as an account id, "Kepada 1", which the official never saw).
_NOT_TYPED = {"csrf_token", "sekali", "next", "kembali", "process_key", "tampilkan", "dari",
              "disabled", "assignee"}


def typed_fields() -> list[tuple[str, str]]:
    """``[(label, text), ...]`` of what this request's form holds that the official typed:
    every non-empty field by its label on the page (a step's or start form's own,
    ``typed_labels``; the others', ``field_labels``) but passwords and the form's own
    tokens; a ticked box (``on``) as "ya"."""
    labels = form_labels()
    return [(labels.get(name) or field_label(name), gettext("ya") if value == "on" else value)
            for name, value in request.form.items(multi=True)
            if value.strip() and name not in _NOT_TYPED and "password" not in name]


def _back(with_query: bool = False) -> dict[str, str]:
    """``{"back": path}`` of the page a form was sent from, for a link back to it (with its
    query string: a list's filters as they were); else nothing."""
    page = referring_page(with_query)
    return {"back": page} if page else {}


def referring_page(with_query: bool = False) -> str | None:
    """The path of the page a form was sent from (its Referer) when it is this site's,
    with its query string when ``with_query``."""
    referrer = addresses.split(request.referrer or "")
    same_site = (referrer is not None and referrer.netloc == request.host
                 and addresses.local_path(referrer.path) is not None)
    if not same_site:
        return None
    return f"{referrer.path}?{referrer.query}" if with_query and referrer.query \
        else referrer.path


def is_duplicate(error: DBAPIError) -> bool:
    """Whether ``error`` is a unique constraint another transaction won a moment before
    (two submits of one form at once): SQLite's "UNIQUE constraint failed", PostgreSQL's
    SQLSTATE 23505."""
    return isinstance(error, IntegrityError) and (
        getattr(error.orig, "sqlstate", None) == "23505"
        or "UNIQUE constraint failed" in str(error.orig))
