"""Schemas every API module shares: the one error shape and pagination."""

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate

from engine.paging import MAX_PAGE, MAX_PER_PAGE
from engine.text import is_digits, trimmed
from web.list_filters import known_sop


def not_blank(value: str) -> None:
    """Refuse a text of spaces and invisible characters only (``engine.text.trimmed``),
    under the request's own field name: the engine trims a message or a comment and would
    refuse it under its web form's field. An empty text is left to the field's
    ``validate.Length(min=1, ...)``, which every user of this pairs it with: one message."""
    if value and not trimmed(value):
        raise ValidationError("wajib diisi, tidak hanya spasi")


def deployed_sop(value: str) -> None:
    """Refuse a list filter's ``process_key`` that no version of any SOP has (a typo would
    answer an empty list, as if nothing were there); empty is no filter."""
    if value and not known_sop(value):
        raise ValidationError("SOP dengan kunci ini tidak ada; lihat GET /api/v1/processes")


# What an answer's ``status`` of a process and ``state`` of a step can be (the document's
# enums): a client can switch on them without guessing.
INSTANCE_STATUS = {"enum": ["running", "completed", "cancelled", "error"]}
TASK_STATE = {"enum": ["open", "completed", "cancelled"]}


class Username(fields.String):
    """The username of the user an object's ``relation`` names, or null when it names
    none: the key is always in the answer (a dotted ``attribute`` would drop it)."""

    def __init__(self, relation: str, **kwargs: Any) -> None:
        super().__init__(attribute=relation, allow_none=True, **kwargs)

    def _serialize(self, value: Any, attr: str | None, obj: Any, **kwargs: Any) -> Any:
        return None if value is None else value.username


class QueryWhole(fields.Integer):
    """A whole number in the query string, written in the digits 0-9 (as the pages read
    ``halaman``), a minus sign before them left for the range check to refuse: Python's
    ``int`` also reads full-width ``１``, Arabic-Indic ``١``, ``+5``, `` 5`` and ``1_0``, so
    one page would have many addresses."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Any:
        if isinstance(value, str) and not is_digits(value.removeprefix("-")):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class Answer(Schema):
    """The schema of an answer the server writes: each of its fields is in every answer
    (null where the field allows it), so the OpenAPI document marks them ``required``
    (``web.api.openapi.build``) and a client generated from it need not guess; the
    names in ``OPTIONAL`` are the keys some answers leave out (README, "API JSON")."""

    OPTIONAL: tuple[str, ...] = ()


class ErrorBodySchema(Schema):
    """``code`` (machine-readable), ``message`` (Indonesian), and per error e.g. ``fields``
    (name -> message), ``problems``, ``claimed_by``, ``max_bytes``, ``max_parts``."""

    class Meta:
        unknown = "include"

    code = fields.Str(required=True)
    message = fields.Str(required=True)
    problems = fields.List(fields.Str(), metadata={
        "description": "masalah BPMN atau tabel SOP yang ditolak, satu kalimat masing-masing"})
    field_messages = fields.Dict(keys=fields.Str(), data_key="fields", metadata={
        "description": "per kolom: daftar pesan (invalid_request), satu pesan teks "
                       "(invalid_data, bad_request), atau objek bersarang seperti badannya "
                       "(README, \"Bentuk fields\")",
        "additionalProperties": {"anyOf": [
            {"type": "string"}, {"type": "array", "items": {"type": "string"}},
            {"type": "object"}]}})
    claimed_by = fields.Str()
    max_bytes = fields.Int(metadata={"description": "batas ukuran (byte) yang dilampaui (413)"})
    max_parts = fields.Int(metadata={
        "description": "batas jumlah bagian multipart yang dilampaui (413)"})


class ErrorSchema(Schema):
    """Every error: ``{"error": {"code", "message", ...}}``."""

    error = fields.Nested(ErrorBodySchema, required=True)


class PageQuery(Schema):
    """``page`` from 1; ``per_page`` 1..100 (more is refused with 422 naming it)."""

    page = QueryWhole(load_default=1, validate=validate.Range(min=1, max=MAX_PAGE))
    per_page = QueryWhole(load_default=20, validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ArrayPageQuery(PageQuery):
    """The pages of a list answered as a JSON array (it was unpaginated before): up to
    100 rows each, 100 by default, so that a client that never asks sees what it saw."""

    per_page = QueryWhole(load_default=MAX_PER_PAGE,
                          validate=validate.Range(min=1, max=MAX_PER_PAGE))


class ProcessListQuery(ArrayPageQuery):
    """``GET /api/v1/processes``: ``startable`` 1/true (only the SOPs the caller may
    start) or 0/false (all, the default); another value is a 422 naming it."""

    startable = fields.Bool(load_default=False, truthy={"1", "true"}, falsy={"0", "false"},
                            error_messages={"invalid": "harus 1/true atau 0/false"})


# A list answered as a JSON array carries its page in headers (README, "Halaman dan batas").
LIST_HEADERS = {"X-Total-Count": {"schema": {"type": "integer"}},
                "X-Page": {"schema": {"type": "integer"}},
                "X-Per-Page": {"schema": {"type": "integer"}}}


class PageSchema(Schema):
    total = fields.Int(required=True)
    page = fields.Int(required=True)
    per_page = fields.Int(required=True)
