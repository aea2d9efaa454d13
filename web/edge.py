"""The edge: rate limits on logging in, security headers, bounded ids, request bodies
without NUL characters and within a size.

Rate limits (Flask-Limiter, one limiter per app so each test starts afresh): failed
attempts at ``POST /masuk`` and ``POST /api/v1/auth/token`` count per account and per
address, together for both routes; past the limit the answer is 429 with
``Retry-After``. Only failures count, so people who log in often are never locked out.
"""

import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, Response, abort, g, make_response, request
from flask_babel import gettext
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import current_user
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.routing import IntegerConverter

from engine.bpmn.bundle import MAX_BUNDLE_BYTES
from engine.people.accounts import normal_username
from engine.text import UNKEPT
from web.errors import error_response, retry_after_seconds
from web.http_exceptions import NumberTooLarge
from web.too_large import MULTIPART_OVERHEAD, OWN_LIMIT_UPLOADS, SOP_UPLOADS

# Where a password is guessed: the login form, the token endpoint, and the current password
# asked before changing it (a session left open must not let anyone try every password).
LIMITED_ENDPOINTS = ("auth.login", "api.token", "account.change_password")

# Only the app's own files; bpmn-js and Chart.js are served from web/static/vendor.
# bpmn-js and Chart.js set element.style from script (CSSOM), which CSP allows.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'none'; "
    "form-action 'self'; frame-ancestors 'none'")

# Ids in URLs are database integers: larger numbers are simply not found (404), instead
# of overflowing the database driver.
MAX_ID = 2**31 - 1


def is_id(number: int) -> bool:
    """Whether ``number`` (a whole number a form sent) can be a row's id: 1..2^31-1.

    A chosen or ticked number outside it names no row, and is not handed to the database,
    whose driver would overflow on it. Raises nothing.
    """
    return 0 < number <= MAX_ID


class BoundedInt(IntegerConverter):
    """``<int:...>``: 0..2^31-1; a larger number is answered 404 at once. (NotFound, not
    Werkzeug's ValidationError: that would make it try the path's other routes and answer
    405 where one has other methods.) Only the digits 0-9: Werkzeug's ``\\d`` also takes
    full-width ``１`` and Arabic-Indic ``١``, which gave one task several addresses."""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > MAX_ID:
            raise NumberTooLarge(value, MAX_ID)
        return number


def install_converters(app: Flask) -> None:
    """Bound ``<int:...>`` before any route is registered."""
    app.url_map.converters["int"] = BoundedInt


def _account_key() -> str:
    """The account an attempt is for: the submitted user name (form or JSON) as login
    looks it up (``normal_username``: lower case, without spaces or invisible characters
    such as U+200B at its ends, so "rudi\u200b" counts against "rudi"); the signed-in
    user's own when changing one's password."""
    if request.endpoint == "account.change_password" and current_user.is_authenticated:
        return "akun:" + current_user.username  # never a name the form sends
    name = request.form.get("username")
    if name is None:
        body = request.get_json(silent=True)
        name = body.get("username") if isinstance(body, dict) else None
    return "akun:" + normal_username(str(name or ""))[:64]


def _address_key() -> str:
    return "alamat:" + (get_remote_address() or "-")


def _failed(response: Response) -> bool:
    """Whether the request was a failed login: a wrong name or password
    (``web.views.auth.authenticate``) or a wrong current password
    (``web.views.account.change_password``), not a refusal of a right one (a disabled
    account, a temporary password to change) or a form sent incomplete."""
    return bool(g.get("login_failed"))


def install_limiter(app: Flask) -> Limiter:
    """Limit failed logins on ``LIMITED_ENDPOINTS`` (after the blueprints are registered).

    Config: ``ALUR_RATELIMIT_STORAGE_URI`` (default ``memory://``, one count per process),
    ``ALUR_LOGIN_LIMIT_ACCOUNT`` and ``ALUR_LOGIN_LIMIT_ADDRESS`` (Flask-Limiter notation).
    A store that cannot be reached (Redis down) limits nothing, logged, rather than refuse
    every login with a 500; ``/readyz`` names it (``limits``).
    """
    limiter = Limiter(key_func=_address_key, storage_uri=app.config["ALUR_RATELIMIT_STORAGE_URI"],
                      strategy="moving-window", headers_enabled=False, swallow_errors=True)
    limiter.init_app(app)
    per_account = limiter.shared_limit(app.config["ALUR_LOGIN_LIMIT_ACCOUNT"],
                                       scope="login-account", key_func=_account_key,
                                       methods=["POST"], deduct_when=_failed)
    per_address = limiter.shared_limit(app.config["ALUR_LOGIN_LIMIT_ADDRESS"],
                                       scope="login-address", key_func=_address_key,
                                       methods=["POST"], deduct_when=_failed)
    for endpoint in LIMITED_ENDPOINTS:
        app.view_functions[endpoint] = per_account(per_address(app.view_functions[endpoint]))
    app.extensions["alur_limiter"] = limiter
    _one_attempt_at_a_time(app, limiter)

    @app.after_request
    def retry_after(response: Response) -> Response:
        # Only a refusal says when to retry (Flask-Limiter's own headers would put
        # Retry-After and the remaining count on every answer of the login form).
        seconds = retry_after_seconds() if response.status_code == 429 else None
        if seconds is not None:
            response.headers["Retry-After"] = str(seconds)
        return response

    return limiter


# How long an account's attempt holds its turn at most (a process that died in it), how
# long another attempt waits for its turn, and how often it looks, seconds.
ATTEMPT_SECONDS = 60
TURN_WAIT_SECONDS = 3.0
TURN_POLL_SECONDS = 0.05


def _one_attempt_at_a_time(app: Flask, limiter: Limiter) -> None:
    """One login attempt per account at a time, in all web processes sharing the limits'
    store: the account limit tests its count before the password is checked and adds to
    it only after a failure, so attempts sent together all passed the test (20 at once
    were 20 guesses, not 10). Another attempt for the account waits for its turn (a
    double click on Masuk without JavaScript then logs in too), at most
    ``TURN_WAIT_SECONDS``; then it is answered 429 (``Retry-After: 1``), uncounted."""

    @app.before_request
    def take_turn() -> Any:
        if request.method != "POST" or request.endpoint not in LIMITED_ENDPOINTS:
            return None
        key = f"alur-percobaan-masuk/{_account_key()}"
        deadline = time.monotonic() + TURN_WAIT_SECONDS
        try:
            while limiter.storage.incr(key, ATTEMPT_SECONDS) > 1:
                if time.monotonic() >= deadline:
                    response = make_response(error_response(429, "too_many_requests", gettext(
                        "Percobaan masuk lain untuk akun ini sedang diperiksa; coba lagi "
                        "sebentar.")))
                    response.headers["Retry-After"] = "1"
                    return response
                time.sleep(TURN_POLL_SECONDS)
        except Exception:  # the store's client raises its own errors (redis)
            app.logger.warning("login limits store unreachable: attempts not serialized",
                               exc_info=True)
            return None
        g.login_turn = key
        return None

    @app.teardown_request
    def end_turn(error: BaseException | None) -> None:
        key = g.pop("login_turn", None)
        if key is not None:  # after the limit's deduction (an after_request)
            try:
                limiter.storage.clear(key)
            except Exception:  # as in take_turn; the turn ends by its expiry
                app.logger.warning("login limits store unreachable: turn not ended",
                                   exc_info=True)


# What a response that holds no case data may ask instead of "no-store": kept by this
# browser only, asked again each time with its ETag (a 304 when unchanged): an SOP's
# diagram, which every process page of the SOP fetches.
REVALIDATED = "private, no-cache"


def install_headers(app: Flask) -> None:
    """Security headers on every response (``Cache-Control: no-store`` on all but the
    app's static files and those marked ``REVALIDATED``); HSTS when ``ALUR_HTTPS`` is
    on."""
    https = app.config["ALUR_HTTPS"]

    @app.after_request
    def security_headers(response: Response) -> Response:
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        if request.endpoint != "static" and headers.get("Cache-Control") != REVALIDATED:
            # Case data is not kept by the browser: after Keluar on a shared computer, Back
            # shows no task, form or attachment (the app's own files are still cached). Set,
            # not defaulted: send_file has put its own "no-cache" on every download.
            headers["Cache-Control"] = "no-store"
        if https:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response




EVERY_FIELD = "*"


def checks_own_text(*names: str) -> Callable[[Any], Any]:
    """Mark a view that answers an ``UNKEPT`` character in its form fields ``names``
    (``EVERY_FIELD``: all of them) itself, instead of the door's 400: a long text typed on
    a page is not lost to an invisible character pasted into it. The door takes such
    characters out of those fields' values (``request.form`` then holds the values
    without them, as the page shows them again) and names the fields in
    ``unkept_fields``; the view refuses the form with 422 beside them, storing nothing."""
    def mark(view: Any) -> Any:
        view.checks_own_text = frozenset(names)
        return view
    return mark


def unkept_fields() -> dict[str, str]:
    """``{form field name: message}`` for the fields of this request from which the door
    took ``UNKEPT`` characters (a view marked ``checks_own_text``); empty when none."""
    return g.get("unkept_fields", {})


def _keep_own_text(own: frozenset[str]) -> list[tuple[str, str]]:
    """Take ``UNKEPT`` characters out of the form fields ``own`` (``EVERY_FIELD``: all),
    noting them in ``g.unkept_fields``; return the other fields as (name, value)."""
    others, kept, unkept = [], [], {}
    for name, value in request.form.items(multi=True):
        if EVERY_FIELD not in own and name not in own:
            others.append((name, value))
        elif UNKEPT.search(value):
            unkept[name] = gettext(
                "Memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari "
                "dokumen lain); karakter itu sudah dihapus dari isian ini. Periksa lalu "
                "kirim lagi.")
            value = UNKEPT.sub("", value)
        kept.append((name, value))
    if unkept:
        g.unkept_fields = unkept
        request.form = ImmutableMultiDict(kept)
    return others


def install_input_guards(app: Flask) -> None:
    """Bodies other than file uploads (multipart) are limited to ``ALUR_MAX_BODY_BYTES``
    (larger ones are answered 413 before they are read), uploads to the attachments'
    limit (``ALUR_ATTACHMENT_MAX_BYTES``, at least a BPMN file's, all files of a request
    together: ``refuse_files_together``) and an SOP upload at least to a bundle's
    (``MAX_BUNDLE_BYTES``), each with ``MULTIPART_OVERHEAD``, and an ``UNKEPT`` character
    anywhere in the path, the query, the form or a JSON body is answered 400 in words,
    naming where in ``fields`` (``path``, a parameter, a form field, a JSON member as
    ``data.gejala`` or ``items[0]``), before anything is stored; but in the form fields a
    view checks itself (``checks_own_text``). A form body Werkzeug cannot read, or a
    multipart part without a readable name, is answered 400 too."""
    limit = app.config["ALUR_MAX_BODY_BYTES"]

    def guard_input() -> None:
        if request.mimetype != "multipart/form-data":
            request.max_content_length = limit
        elif request.endpoint in SOP_UPLOADS:  # an SOP's .zip, whatever the attachments'
            request.max_content_length = max(app.config["MAX_CONTENT_LENGTH"],
                                             MAX_BUNDLE_BYTES + MULTIPART_OVERHEAD)
        texts = [("path", request.path), *request.args.items(multi=True),
                 *((name, name) for name in request.args)]
        if request.method in ("POST", "PUT", "PATCH"):
            # A multipart part whose name Werkzeug cannot read is a field named None; one
            # named "" no browser sends (it leaves out a field without a name).
            if (None in request.form or None in request.files or "" in request.form
                    or "" in request.files or getattr(request, "unreadable_form", False)):
                abort(make_response(error_response(400, "bad_request", gettext(
                    "Formulir tidak terbaca: badan multipart/form-data harus utuh (boundary "
                    "seperti di Content-Type, diakhiri --boundary--) dan setiap bagiannya harus "
                    "bernama (Content-Disposition: form-data; name=\"…\", UTF-8).")
                    if request.mimetype == "multipart/form-data" else gettext(
                    "Formulir tidak terbaca: setiap nama dan nilai badan "
                    "application/x-www-form-urlencoded harus teks UTF-8."))))
            if request.endpoint not in OWN_LIMIT_UPLOADS:
                refuse_files_together(app.config["ALUR_ATTACHMENT_MAX_BYTES"])
            own = getattr(app.view_functions.get(request.endpoint or ""), "checks_own_text",
                          frozenset())
            texts += [*((name, name) for name in request.form),
                      *(_keep_own_text(own) if own else request.form.items(multi=True))]
            if request.is_json:
                try:
                    texts += list(json_texts(request.get_json(silent=True), ""))
                except RecursionError:  # nested deeper than Python parses: said as such
                    abort(make_response(error_response(400, "bad_request", gettext(
                        "Badan JSON bersarang terlalu dalam untuk dibaca; tidak ada yang "
                        "diubah."))))
        refuse_unkept(texts)

    # First of all: the CSRF check (Flask-WTF) reads the form too, and must not read a body
    # larger than the limit before the limit is set.
    app.before_request_funcs.setdefault(None, []).insert(0, guard_input)


def refuse_files_together(limit: int) -> None:
    """Answer 413 when the request's files, each at most ``limit`` bytes, are together
    larger: one request takes ``limit`` of attachments in all (README "Halaman tugas").
    The coarse request limit (``MAX_CONTENT_LENGTH``) is at least a BPMN file's, so under a
    smaller attachment limit it let several files through. A single file over ``limit``
    is left to its view, which refuses it by name (422)."""
    sizes = []
    for parts in request.files.listvalues():
        for part in parts:
            part.stream.seek(0, 2)
            sizes.append(part.stream.tell())
            part.stream.seek(0)
    if sizes and max(sizes) <= limit < sum(sizes):
        g.files_together = True
        abort(413)


def refuse_unkept(texts: Iterable[tuple[str, str]]) -> None:
    """Answer 400 ``bad_request`` when a text of ``texts`` (``(where, text)``) holds an
    ``UNKEPT`` character, naming each such place in ``fields``; raised before anything is
    stored. Also for JSON a view parses itself (a multipart ``data`` part)."""
    where = {UNKEPT.sub("?", name[:100]) or "body": gettext(
        "memuat karakter kendali yang tidak dapat disimpan")
        for name, text in texts if UNKEPT.search(text)}
    if where:
        abort(make_response(error_response(400, "bad_request", gettext(
            "Teks memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari "
            "dokumen lain); hapus karakter itu lalu kirim lagi."), fields=where)))


def json_texts(value: Any, path: str) -> Iterator[tuple[str, str]]:
    """Every string (keys included) in a parsed JSON value, with where it is (``path``:
    ``""`` for the whole body, ``data.gejala``, ``items[0]``)."""
    if isinstance(value, str):
        yield path, value
    elif isinstance(value, dict):
        for key, item in value.items():
            member = f"{path}.{key}" if path else str(key)
            yield member, str(key)
            yield from json_texts(item, member)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from json_texts(item, f"{path}[{index}]")
