"""One place that turns errors into responses: JSON under /api/, a page for people.

No stack trace reaches a user: unexpected errors are logged and answered with a
short message in the user's language (Indonesian unless they chose English).
"""

from typing import Any

from flask import Flask, jsonify, render_template, request
from flask_babel import gettext, lazy_gettext
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from engine.errors import (
    AlurError,
    InstanceEnded,
    InvalidProcess,
    InvalidTaskData,
    NotFound,
    PermissionDenied,
    TaskNotOpen,
)
from web.extensions import db

STATUS = {NotFound: 404, PermissionDenied: 403, TaskNotOpen: 409, InstanceEnded: 409,
          InvalidTaskData: 422, InvalidProcess: 422}

HTTP_MESSAGES = {
    400: lazy_gettext("Permintaan tidak valid."),
    401: lazy_gettext("Silakan masuk terlebih dahulu."),
    403: lazy_gettext("Anda tidak berwenang melakukan ini."),
    404: lazy_gettext("Halaman tidak ditemukan."),
    405: lazy_gettext("Metode tidak diizinkan."),
    413: lazy_gettext("Berkas terlalu besar."),
    500: lazy_gettext("Terjadi kesalahan pada server. Silakan coba lagi."),
}


def wants_json() -> bool:
    """API paths and clients that ask for JSON get JSON errors."""
    return request.path.startswith("/api/") or (
        request.accept_mimetypes.best == "application/json")


def error_response(status: int, code: str, message: str, **extra: Any) -> Any:
    """The error as ``{"error": {"code", "message", ...}}`` or as an HTML page."""
    if wants_json():
        return jsonify(error={"code": code, "message": message, **extra}), status
    return render_template("error.html", status=status, message=message, extra=extra), status


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
        return error_response(STATUS.get(type(error), 400), error.code, error.message, **extra)

    @app.errorhandler(StaleDataError)
    def concurrent_change(error: StaleDataError) -> Any:
        db.session.rollback()
        return error_response(409, "conflict", gettext(
            "Proses ini baru saja diubah oleh pengguna lain; muat ulang halaman lalu coba lagi."))

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException) -> Any:
        message = str(HTTP_MESSAGES.get(error.code or 500, error.description or ""))
        if error.code == 400 and "CSRF" in (error.description or ""):
            message = gettext(
                "Sesi formulir kedaluwarsa atau tidak sah (CSRF). Muat ulang halaman.")
        return error_response(error.code or 500, error.name.lower().replace(" ", "_"), message)

    @app.errorhandler(Exception)
    def unexpected(error: Exception) -> Any:
        db.session.rollback()
        app.logger.exception("unexpected error on %s", request.path)
        return error_response(500, "internal_error", str(HTTP_MESSAGES[500]))
