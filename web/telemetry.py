"""Structured logs and request ids.

Every request gets an id: the caller's ``X-Request-ID`` when it is a short token, else a new
one; it is answered in ``X-Request-ID``, written on every audit record the request adds
(``engine.audit.REQUEST_ID``) and on its log line. Log lines are JSON objects, one per line
(``ALUR_LOG_FORMAT=json``, the default) or plain text (``text``), on standard error.
"""

import json
import logging
import re
import sys
import uuid
from datetime import UTC, datetime
from time import perf_counter
from typing import Any

from flask import Flask, Response, g, request

from engine import audit
from web import metrics

REQUEST_ID_HEADER = "X-Request-ID"
ACCEPTED_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")
REQUEST_LOGGER = "alur.request"
_HANDLER_NAME = "alur-stderr"


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time (UTC, ISO 8601), level, logger, message, the current
    request id, the record's ``fields`` (``extra={"fields": {...}}``) and any exception."""

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = audit.REQUEST_ID.get()
        if request_id:
            entry["request_id"] = request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


class TextFormatter(logging.Formatter):
    """``time level logger: message``, then what the JSON line carries besides: the
    request id and the record's ``fields`` as ``name=value`` (``duration_ms=7.96
    user=prakom``), so a text log can be followed per request as the JSON one can."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        line = super().format(record)
        more = {"request_id": audit.REQUEST_ID.get(), **getattr(record, "fields", {})}
        words = " ".join(f"{name}={json.dumps(value, ensure_ascii=False, default=str)}"
                         if isinstance(value, str) and (" " in value or not value)
                         else f"{name}={value}" for name, value in more.items()
                         if value is not None)
        if not words:
            return line
        head, newline, rest = line.partition("\n")  # after the message, before a traceback
        return f"{head} {words}{newline}{rest}"


def formatter(kind: str) -> logging.Formatter:
    """The formatter for ``ALUR_LOG_FORMAT``: ``json`` or ``text``."""
    return TextFormatter() if kind == "text" else JsonFormatter()


def configure_logging(kind: str, level: str) -> None:
    """Send the ``alur`` and ``web`` loggers to standard error in ``kind`` (json or text)
    at ``level`` (e.g. ``INFO``). Idempotent: apps created again reuse the handler."""
    for name in ("alur", "web"):
        logger = logging.getLogger(name)
        logger.setLevel(level.upper())
        logger.propagate = False
        if not any(h.get_name() == _HANDLER_NAME for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)
            handler.set_name(_HANDLER_NAME)
            logger.addHandler(handler)
        for handler in logger.handlers:
            if handler.get_name() == _HANDLER_NAME:
                handler.setFormatter(formatter(kind))


def init_app(app: Flask) -> None:
    """Give every request an id, log one line per request, and count it in the metrics.
    Call it after every other ``before_request`` is registered (``web.create_app``)."""
    configure_logging(app.config["ALUR_LOG_FORMAT"], app.config["ALUR_LOG_LEVEL"])
    log = logging.getLogger(REQUEST_LOGGER)

    def start() -> None:
        given = request.headers.get(REQUEST_ID_HEADER, "")
        g.request_id = given if ACCEPTED_REQUEST_ID.match(given) else uuid.uuid4().hex
        g.request_id_token = audit.REQUEST_ID.set(g.request_id)
        g.request_started = perf_counter()

    # Before every other check (input guards, CSRF, login limit): a request they refuse
    # is answered with its id, logged and counted too. Called after they are installed.
    app.before_request_funcs.setdefault(None, []).insert(0, start)

    @app.after_request
    def finish(response: Response) -> Response:
        started = g.get("request_started")
        if started is None:  # a request that failed before ``start`` ran
            return response
        seconds = perf_counter() - started
        route = request.url_rule.rule if request.url_rule else "<unmatched>"
        response.headers[REQUEST_ID_HEADER] = g.request_id
        metrics.observe(app, route, request.method, response.status_code, seconds)
        log.info("%s %s %s", request.method, route, response.status_code, extra={"fields": {
            "method": request.method, "route": route, "path": request.path,
            "status": response.status_code, "duration_ms": round(seconds * 1000, 2),
            "user": _username(), "remote": request.remote_addr}})
        return response

    @app.teardown_request
    def forget(error: BaseException | None) -> None:
        token = g.pop("request_id_token", None)
        if token is not None:
            audit.REQUEST_ID.reset(token)


def _username() -> str | None:
    """The user the request ran as, if one was already loaded (no extra query: the name
    as authentication read it, since a commit expires the user)."""
    if g.get("username"):
        return g.username
    for user in (g.get("user"), g.get("_login_user")):  # the API's token user first
        if getattr(user, "is_authenticated", False):
            return user.username
    return None
