"""What every API module shares: reading a request through a schema, one error shape,
pagination (``page``, ``per_page`` up to ``MAX_PER_PAGE``, ``total``)."""

import functools
import json
from typing import Any

from flask import current_app, jsonify, request
from marshmallow import RAISE, Schema, ValidationError
from werkzeug.exceptions import BadRequest

from engine.paging import MAX_PER_PAGE, Page
from web.api import bp
from web.api.field_messages import indonesian
from web.errors import error_response
from web.json_provider import DuplicateKey, once_each

__all__ = ["MAX_PER_PAGE", "RequestError", "load_body", "load_query",
           "page_json", "page_list", "page_of", "refuse_unexpected_input"]


class RequestError(Exception):
    """A refused request, answered with ``{"error": {"code", "message", ...}}``."""

    def __init__(self, status: int, code: str, message: str, **extra: Any) -> None:
        super().__init__(message)
        self.response = error_response(status, code, message, **extra)


def invalid_request(fields: dict[str, Any]) -> RequestError:
    """422 ``invalid_request`` with ``fields`` (name -> messages), its message naming them
    (``said_fields``) for a client that shows only ``message`` (README "API JSON")."""
    return RequestError(422, "invalid_request",
                        f"Permintaan tidak valid: {said_fields(fields).rstrip('.')}.",
                        fields=fields)


# Fields a refusal's message names; ``fields`` holds them all.
MAX_NAMED = 5
# What a field or part the request should not have sent is told: named after the others.
UNKNOWN = ("kolom ini tidak dikenal", "parameter ini tidak dikenal")


def said_fields(fields: dict[str, Any], prefix: str = "") -> str:
    """``fields`` (name -> messages, or a nested field's own ``fields``) as one line naming
    each field and its first message, for a client that shows only ``message``: "text:
    harus teks; data.kelengkapan: harus daftar pilihan"; at most ``MAX_NAMED``, then how
    many more. Fields sent but not known come last: six unknown keys hid that ``title``
    was missing."""
    parts = []
    for name, said in sorted(fields.items(), key=lambda item: (_unknown(item[1]), str(item[0]))):
        if isinstance(said, dict):
            parts.append(said_fields(said, f"{prefix}{name}."))
        else:
            parts.append(f"{prefix}{name}: {_first(said)}")
    more = f"; dan {len(parts) - MAX_NAMED} lainnya" if len(parts) > MAX_NAMED else ""
    return "; ".join(parts[:MAX_NAMED]) + more


def _first(said: Any) -> Any:
    return said[0] if isinstance(said, list) and said else said


def _unknown(said: Any) -> bool:
    return not isinstance(said, dict) and _first(said) in UNKNOWN


@bp.errorhandler(RequestError)
def _request_error(error: RequestError) -> Any:
    return error.response


def _invalid(invalid: ValidationError) -> RequestError:
    return invalid_request(indonesian(invalid.messages))


def json_payload() -> Any:
    """The request's body as parsed JSON: any JSON value, ``null`` (None) included, for the
    caller's schema to refuse what is no object (``fields._schema``, README "API JSON").

    Raises:
        RequestError: 400 when the body is not sent as JSON (the message names the
            Content-Type sent), does not parse, or an object in it names a key twice
            (named in the message).
    """
    if request.is_json:
        try:
            return request.get_json()
        except BadRequest:
            twice = _key_twice(request.get_data(cache=True))
            if twice is not None:
                raise RequestError(400, "bad_request", f'Kunci "{twice[:60]}" muncul dua kali '
                                   "dalam satu objek JSON; tidak ada yang diubah.") from None
        raise RequestError(400, "bad_request", "Badan permintaan harus JSON yang sah.")
    sent = (f"bukan {request.mimetype[:80]}" if request.mimetype
            else "permintaan ini tanpa Content-Type")
    meta = getattr(current_app.view_functions.get(request.endpoint or ""), "openapi", None)
    files = " atau multipart/form-data (dengan berkas)" if meta and meta["multipart"] else ""
    raise RequestError(400, "bad_request", "Badan permintaan harus dikirim sebagai JSON "
                       f"(Content-Type: application/json){files}; {sent}.")


def _key_twice(body: bytes) -> str | None:
    """The key a refused JSON body names twice in one object (``web.json_provider``), or
    None when it was refused for another reason."""
    try:
        json.loads(body, object_pairs_hook=once_each)
    except DuplicateKey as twice:
        return twice.key
    except (ValueError, RecursionError):
        return None
    return None


def load_body(schema: Schema) -> dict[str, Any]:
    """The JSON body checked by ``schema``.

    Raises:
        RequestError: 400 when the body is not JSON, 422 naming each bad field (a body
            that is no JSON object under ``_schema``).
    """
    return load_values(schema, json_payload())


def load_values(schema: Schema, values: Any) -> dict[str, Any]:
    """``values`` (parsed JSON, or a multipart request's fields) checked by ``schema``.

    Raises:
        RequestError: 422 naming each bad field.
    """
    try:
        return schema.load(values)
    except ValidationError as invalid:
        raise _invalid(invalid) from None


class _NoBody(Schema):
    """What an endpoint without a request body takes: nothing, or ``{}``."""

    class Meta:
        unknown = RAISE


def refuse_unexpected_input() -> None:
    """Refuse a body sent to an endpoint whose document declares none (``doc`` without
    ``body`` or ``multipart``), as every endpoint refuses a bad one (README "API JSON"):
    a client that sends ``{"kind": "tiket"}`` to ``POST /notifications/read`` meant a
    filter the endpoint does not have, and every notification was marked read. No body,
    or ``{}``, is taken. A change (any method but GET) whose document declares no query
    parameters refuses them too (``?kind=tiket`` is the same mistake), and one that
    declares some refuses any other. A multipart
    request's parts are checked against the document's (``_refuse_unknown_parts``).

    Raises:
        RequestError: 400 when the body is not JSON that parses, 422 naming each key
            (``kolom ini tidak dikenal``) or a body that is no object (``_schema``), 422
            naming each query parameter (``parameter ini tidak dikenal``) or multipart part
            (``bagian ini tidak dikenal``).
    """
    meta = getattr(current_app.view_functions.get(request.endpoint or ""), "openapi", None)
    if request.method in ("GET", "HEAD", "OPTIONS") or meta is None:
        return
    declared = _parameters(meta["query"]) if meta["query"] is not None else frozenset()
    unknown = set(request.args) - declared
    if unknown:
        # The same mistake written in the address: ``POST /notifications/read?kind=tiket``,
        # or a typo beside what the change does take (``complete?includes=history``).
        raise invalid_request({name[:64]: ["parameter ini tidak dikenal"]
                               for name in sorted(unknown)})
    if meta["multipart"] and request.mimetype == "multipart/form-data":
        _refuse_unknown_parts(meta["multipart"])
        return
    if meta["body"] or meta["multipart"]:
        return
    if request.form or request.files:  # parsed as a form: get_data() below reads nothing
        raise invalid_request({name[:64]: ["kolom ini tidak dikenal"]
                               for name in sorted(set(request.form) | set(request.files))})
    if request.get_data(cache=True):
        load_body(_NoBody())


def _refuse_unknown_parts(schema: dict[str, Any]) -> None:
    """Refuse a multipart part the endpoint's document (``schema``) does not name, as
    JSON refuses an unknown key: a second file under another name was thrown away while
    the first was stored. An endpoint whose parts depend on the request (its schema's
    ``additionalProperties``, a step's file fields) checks them itself."""
    if schema.get("additionalProperties"):
        return
    unknown = (set(request.form) | set(request.files)) - set(schema["properties"])
    if unknown:
        raise invalid_request({name[:64]: ["bagian ini tidak dikenal"]
                               for name in sorted(unknown)})


@functools.cache
def _parameters(query: type[Schema]) -> frozenset[str]:
    """The names of the query parameters ``query`` declares, read once per schema (the
    check runs on every change, ``complete`` among them)."""
    return frozenset(query().fields)


def load_query(schema: Schema) -> dict[str, Any]:
    """The query string checked by ``schema`` (unknown parameters are ignored).

    Raises:
        RequestError: 422 naming each bad parameter (e.g. ``per_page`` above 100), and
            each one ``schema`` knows that is given twice (``per_page=2&per_page=3``: which
            one was meant is not for Alur to guess, as on the pages).
    """
    twice = {name: [f"hanya satu nilai; {len(values)} dikirim"]
             for name, values in request.args.lists()
             if len(values) > 1 and name in schema.fields}
    if twice:
        raise invalid_request(twice)
    try:
        return schema.load(request.args.to_dict(), unknown="exclude")
    except ValidationError as invalid:
        raise _invalid(invalid) from None


def page_of(items: list[Any], page: int, per_page: int) -> list[Any]:
    """The ``page``-th slice (from 1) of ``per_page`` items."""
    start = (page - 1) * per_page
    return items[start:start + per_page]


def page_json(found: Page, schema: Schema, **more: Any) -> Any:
    """The answer of a list: ``{"items", "total", "page", "per_page"}`` (and ``more``),
    the items dumped with ``schema`` (``many=True``)."""
    return page_answer(found, schema.dump(found.items), **more)


def page_answer(found: Page, items: list[Any], **more: Any) -> Any:
    """``page_json`` with the page's ``items`` already dumped (and changed where the
    caller must, e.g. case data cut to what the caller may see)."""
    return jsonify(items=items, total=found.total, page=found.page, per_page=found.per_page,
                   **more)


def page_list(found: Page, items: list[Any]) -> Any:
    """The answer of a list that is a JSON array (as it was before pages): ``items``, with
    the count in ``X-Total-Count`` and the page in ``X-Page`` and ``X-Per-Page``."""
    response = jsonify(items)
    response.headers.update({"X-Total-Count": str(found.total), "X-Page": str(found.page),
                             "X-Per-Page": str(found.per_page)})
    return response
