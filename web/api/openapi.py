"""The API's contract: an OpenAPI 3.1 document built from the marshmallow schemas
(apispec), served at ``GET /api/v1/openapi.json`` and shown at ``/api/v1/docs`` (Swagger UI,
vendored under web/static/vendor/swagger-ui).

Each endpoint declares itself with :func:`doc`; the document is assembled from the
app's URL map, so a route under /api/v1 without :func:`doc` is missing from it (and
tests/web/test_openapi.py fails).
"""

import re
from collections.abc import Callable
from typing import Any

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Flask, current_app, jsonify, render_template
from marshmallow import Schema

from web.api import bp, idempotency
from web.api.schemas_common import Answer, ErrorSchema
from web.edge import MAX_ID
from web.telemetry import ACCEPTED_REQUEST_ID, REQUEST_ID_HEADER

# Answers any authenticated endpoint may give (bad input, no token, no right, not found,
# too large, too many attempts, database busy); each endpoint adds its own.
COMMON_ERRORS = (400, 401, 403, 404, 413, 422, 429, 503)
# The answers that say when to try again (too many attempts, database busy).
RETRY_AFTER = (429, 503)
# What a token's 401 names (``web.api.auth.bearer_refused``, RFC 6750 section 3).
BEARER_CHALLENGE = {"description": "skema yang diterima: Bearer realm=\"alur\"",
                    "schema": {"type": "string", "const": 'Bearer realm="alur"'}}
# Every request may name itself and every answer names it (``web.telemetry``; README "Log").
REQUEST_ID_SCHEMA = {"type": "string", "pattern": ACCEPTED_REQUEST_ID.pattern}
REQUEST_ID_PARAMETER = {
    "in": "header", "name": REQUEST_ID_HEADER, "required": False, "schema": REQUEST_ID_SCHEMA,
    "description": "id permintaan ini di log dan catatan audit; yang tidak cocok pola diganti "
                   "id baru"}
REQUEST_ID_ANSWERED = {"description": "id permintaan: yang dikirim, atau yang dibuat Alur",
                       "required": True, "schema": REQUEST_ID_SCHEMA}
# Examples of path parameters (an SOP of bpmn/ and the first rows), which Swagger UI
# offers and Schemathesis tries first.
EXAMPLES = {"key": "surat_masuk_keluar"}
PUBLIC = ("api.openapi_document", "api.docs", "api.token")
SECURITY_SCHEMES = {
    "bearer": {"type": "http", "scheme": "bearer",
               "description": "token pengguna dari POST /api/v1/auth/token"},
    "alert_source": {"type": "http", "scheme": "bearer",
                     "description": "token sumber peringatan dari `alur alerts add-source`"},
}


def doc(summary: str, *, body: type[Schema] | dict[str, Any] | None = None,
        query: type[Schema] | None = None, multipart: dict[str, Any] | None = None,
        responses: dict[int, type[Schema] | dict[str, Any] | None],
        tag: str = "umum", security: str = "bearer", idempotent: bool = False
        ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Describe an endpoint for the document.

    Args:
        body: the JSON request body's schema (a schema class, or a JSON Schema such as
            ``{"oneOf": [A, B]}``); ``query``: the query parameters' schema;
        multipart: a JSON Schema of a ``multipart/form-data`` body;
        responses: status -> schema of the JSON answer, a raw OpenAPI response object,
            or None for an error answer (``ErrorSchema``);
        security: the security scheme of the endpoint's token (``SECURITY_SCHEMES``);
        idempotent: the endpoint takes an ``Idempotency-Key`` header (``web.api.idempotency``).
    """

    def remember(view: Callable[..., Any]) -> Callable[..., Any]:
        view.openapi = {"summary": summary, "body": body, "query": query,  # type: ignore
                        "multipart": multipart, "responses": responses, "tag": tag,
                        "security": security, "idempotent": idempotent}
        return view

    return remember


def _path(rule: str) -> str:
    return re.sub(r"<(?:[a-z]+:)?([a-z_]+)>", r"{\1}", rule)


def _parameters(rule: str) -> list[dict[str, Any]]:
    found = []
    for converter, name in re.findall(r"<(?:([a-z]+):)?([a-z_]+)>", rule):
        schema = ({"type": "integer", "minimum": 0, "maximum": MAX_ID}
                  if converter == "int" else {"type": "string", "minLength": 1})
        found.append({"in": "path", "name": name, "required": True, "schema": schema,
                      "example": EXAMPLES.get(name, 1)})
    return found


def _response(status: int, answer: Any) -> dict[str, Any]:
    if isinstance(answer, dict):
        return answer
    schema = answer or ErrorSchema
    response = {"description": str(status), "content": {"application/json": {"schema": schema}}}
    if status in RETRY_AFTER:
        response["headers"] = {"Retry-After": {
            "description": "detik sebelum mencoba lagi", "schema": {"type": "integer"}}}
    return response


def _operation(endpoint: str, rule: str, meta: dict[str, Any]) -> dict[str, Any]:
    responses = {str(status): _response(status, answer)
                 for status, answer in meta["responses"].items()}
    if endpoint not in PUBLIC:
        for status in COMMON_ERRORS:
            responses.setdefault(str(status), _response(status, None))
        responses["401"] = {**responses["401"], "headers": {"WWW-Authenticate": BEARER_CHALLENGE}}
    operation: dict[str, Any] = {"summary": meta["summary"], "operationId": endpoint,
                                 "tags": [meta["tag"]], "responses": responses,
                                 "parameters": [*_parameters(rule), REQUEST_ID_PARAMETER]}
    if meta["query"] is not None:
        operation["parameters"].append({"in": "query", "schema": meta["query"]})
    if meta["idempotent"]:
        operation["parameters"].append(idempotency.PARAMETER)
        responses["201"]["headers"] = {"Idempotent-Replayed": idempotency.REPLAYED_HEADER}
        responses.setdefault("409", _response(409, None))
    for status, response in responses.items():
        responses[status] = {**response, "headers": {
            **response.get("headers", {}), REQUEST_ID_HEADER: REQUEST_ID_ANSWERED}}
    content: dict[str, Any] = {}
    if meta["body"] is not None:
        content["application/json"] = {"schema": meta["body"]}
    if meta["multipart"] is not None:
        content["multipart/form-data"] = {"schema": meta["multipart"]}
    if content:
        operation["requestBody"] = {"required": True, "content": content}
    if endpoint not in PUBLIC:
        operation["security"] = [{meta["security"]: []}]
    return operation


def build(app: Flask) -> dict[str, Any]:
    """The OpenAPI 3.1 document of every documented route under /api/v1 of ``app``."""
    marshmallow = MarshmallowPlugin()
    spec = APISpec(title="Alur API", version="1", openapi_version="3.1.0",
                   plugins=[marshmallow],
                   info={"description": "README, bagian \"API JSON\"."})
    for name, scheme in SECURITY_SCHEMES.items():
        spec.components.security_scheme(name, scheme)
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions[rule.endpoint]
        meta = getattr(view, "openapi", None)
        if not rule.rule.startswith("/api/v1/") or meta is None:
            continue
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(_path(rule.rule), {})[method.lower()] = _operation(
                rule.endpoint, rule.rule, meta)
    for path, operations in paths.items():
        spec.path(path=path, operations=operations)
    document = spec.to_dict()
    _mark_answers_required(document, marshmallow.converter.refs)
    return document


def _mark_answers_required(document: dict[str, Any], refs: dict[tuple, str]) -> None:
    """Mark the fields of each answer schema (``Answer``) ``required`` but its
    ``OPTIONAL`` ones; ``refs``: apispec's schema key (class first) -> component name."""
    schemas = document["components"]["schemas"]
    for key, name in refs.items():
        if issubclass(key[0], Answer):
            shown = schemas[name].get("properties", {})
            schemas[name]["required"] = sorted(set(shown) - set(key[0].OPTIONAL))


@bp.get("/openapi.json")
@doc("Dokumen OpenAPI 3.1 ini", responses={200: {
    "description": "dokumen OpenAPI", "content": {"application/json": {
        "schema": {"type": "object"}}}}})
def openapi_document() -> Any:
    if "alur_openapi" not in current_app.extensions:
        current_app.extensions["alur_openapi"] = build(current_app)
    return jsonify(current_app.extensions["alur_openapi"])


@bp.get("/docs")
@doc("Dokumentasi API (Swagger UI, halaman HTML)", responses={200: {
    "description": "halaman HTML", "content": {"text/html": {"schema": {"type": "string"}}}}})
def docs() -> Any:
    return render_template("api/docs.html")
