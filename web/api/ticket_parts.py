"""A ticket message sent as ``multipart/form-data`` (``POST /api/v1/tickets/<id>/messages``
with a file, as the ticket's page sends it): its parts read and checked as strictly as the
JSON body, before anything is stored."""

from typing import Any

from flask import request

from engine.desk.tickets import MAX_MESSAGE
from web.api.common import RequestError, invalid_request, load_values
from web.api.schemas_servicedesk import TicketMessageCreate

MESSAGE_MULTIPART = {
    "type": "object", "additionalProperties": False,
    "properties": {
        "text": {"type": "string", "maxLength": MAX_MESSAGE,
                 "description": "pesan, 1-2000 karakter; boleh kosong atau tidak dikirim "
                                "bila ada berkas"},
        "asks": {"type": "string", "enum": ["false", "true"], "default": "false",
                 "description": "true: menunggu pemohon (hanya petugas)"},
        "lampiran": {"type": "string", "format": "binary",
                     "description": "satu berkas, dengan nama berkasnya (filename); bagian "
                                    "lampiran kedua ditolak (422), tidak ada yang disimpan"}},
}
TEXT_PARTS = ("text", "asks")


def message() -> tuple[dict[str, Any], tuple[str, bytes] | None]:
    """The message's ``text`` and ``asks`` (``true``/``false``), and its file (name,
    content; None without one). With a file the text may be empty, as on the ticket's page.
    An empty file part without a name (a form with no file chosen) is no file.

    Raises:
        RequestError: 422 naming the part: sent twice; a text part sent as a file or the
            file as a text; a file without a name; ``asks`` neither ``true`` nor ``false``;
            a text over ``MAX_MESSAGE`` characters or, without a file, empty. 400 naming
            ``text`` when it was not UTF-8 (Werkzeug reads it with U+FFFD in its place).
    """
    _refuse(_misplaced())
    files = [part for part in request.files.getlist("lampiran") if part.filename]
    text = request.form.get("text", "")
    if "\ufffd" in text:
        raise RequestError(400, "bad_request", "Teks pesan bukan UTF-8.",
                           fields={"text": "bukan teks UTF-8"})
    asks = request.form.get("asks", "false")
    if asks not in ("true", "false"):
        _refuse({"asks": ["harus true atau false"]})
    if not files:
        values = {"text": text} if "text" in request.form else {}
        return load_values(TicketMessageCreate(), {**values, "asks": asks == "true"}), None
    if len(text) > MAX_MESSAGE:
        _refuse({"text": [f"paling banyak {MAX_MESSAGE} karakter"]})
    return {"text": text, "asks": asks == "true"}, (files[0].filename, files[0].read())


def _misplaced() -> dict[str, list[str]]:
    """Each part sent twice or in the wrong form, with why."""
    problems = {}
    for name in TEXT_PARTS:
        if name in request.files:
            problems[name] = ["harus teks, bukan berkas"]
        elif len(request.form.getlist(name)) > 1:
            problems[name] = [f"paling banyak 1 bagian {name}; "
                              f"{len(request.form.getlist(name))} dikirim"]
    files = request.files.getlist("lampiran")
    if "lampiran" in request.form:
        problems["lampiran"] = ["harus berkas (bagian dengan filename), bukan teks"]
    elif any(not part.filename and _size(part) for part in files):
        problems["lampiran"] = ['berkas tanpa nama: kirim nama berkasnya (filename="foto.jpg")']
    elif len(files) > 1:
        problems["lampiran"] = [f"paling banyak 1 berkas per permintaan; {len(files)} "
                                "dikirim, tidak ada yang disimpan"]
    return problems


def _size(part: Any) -> int:
    """The bytes of an uploaded part, its stream left at the start."""
    size = part.stream.seek(0, 2)
    part.stream.seek(0)
    return size


def _refuse(problems: dict[str, list[str]]) -> None:
    if problems:
        raise invalid_request(problems)
