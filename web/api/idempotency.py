"""``Idempotency-Key`` on the API's requests that make something new (a process, a
comment, a ticket message): a client that lost the answer on a slow intranet sends the
request again with the same key and gets what the first one made instead of a second one
(IETF draft "The Idempotency-Key HTTP Header Field"; kept as the pages' forms are, by
``engine.process.receipts``, a day). Only what was made is remembered: a refused request
(4xx) keeps nothing, so the same key may be sent again once the request is mended.
"""

import hashlib
import json
import re
from typing import Any

from flask import Response, g, jsonify, request

from engine.models import FormReceipt
from engine.process import receipts
from web.api.common import RequestError, invalid_request
from web.extensions import clock, db

HEADER = "Idempotency-Key"
KEY = re.compile(r"[!-~]{1,100}")
PARAMETER = {"in": "header", "name": HEADER, "required": False,
             "description": "kunci pilihan klien (1–100 karakter ASCII terlihat): permintaan "
                            "yang sama dengan kunci yang sama dalam 24 jam dijawab dengan "
                            "yang dibuat permintaan pertama, bukan membuat lagi",
             "schema": {"type": "string", "pattern": "^[!-~]{1,100}$"}}
REPLAYED_HEADER = {"description": "true: jawaban atas permintaan yang sama dengan kunci yang "
                                  "sama; tidak ada yang dibuat lagi (422 "
                                  "idempotency_key_reused: kunci itu dengan permintaan lain; "
                                  "409 in_progress: yang pertama masih dikerjakan)",
                   "schema": {"type": "string", "enum": ["true"]}}
BAD_KEY = "harus 1–100 karakter ASCII terlihat (tanpa spasi)"
REUSED = "kunci ini sudah dipakai untuk permintaan lain; pakai kunci baru"


class Replay(Exception):
    """The request was made before with its key: ``made`` is the id of what it made."""

    def __init__(self, made: int) -> None:
        super().__init__(made)
        self.made = made


def claim() -> FormReceipt | None:
    """Remember this request's ``Idempotency-Key`` for ``g.user`` (not committed), before
    its change is made; None without the header. Call after the body is checked.

    Raises:
        Replay: the same request was made with this key in the last 24 hours.
        RequestError: 422 ``invalid_request`` for a key that is not 1–100 visible ASCII
            characters, 422 ``idempotency_key_reused`` for a key sent before with another
            address or body, 409 ``in_progress`` while the first request is still made
            (``fields`` under ``Idempotency-Key``); nothing is stored.
    """
    key = request.headers.get(HEADER)
    if key is None:
        return None
    if not KEY.fullmatch(key):
        raise invalid_request({HEADER: [BAD_KEY]})
    try:
        return receipts.claim_request(db.session, clock(), g.user, key, _request_hash())
    except receipts.KeyReused:
        db.session.rollback()
        raise RequestError(422, "idempotency_key_reused", f"{HEADER}: {REUSED}.",
                           fields={HEADER: [REUSED]}) from None
    except receipts.DuplicateForm as duplicate:
        db.session.rollback()
        if not duplicate.location:
            raise RequestError(409, "in_progress", f"Permintaan dengan {HEADER} ini masih "
                               "dikerjakan; kirim lagi sebentar lagi.") from None
        raise Replay(int(duplicate.location.rsplit("/", 1)[1])) from None


def made(receipt: FormReceipt | None, location: str) -> None:
    """Note what the request of ``receipt`` made: an API path ending in its id."""
    if receipt is not None:
        receipt.location = location


def replayed(answer: dict[str, Any], status: int = 201) -> Response:
    """The answer to a request made again: what the first one made, as it is now, with
    ``Idempotent-Replayed: true``."""
    response = jsonify(answer)
    response.status_code = status
    response.headers["Idempotent-Replayed"] = "true"
    return response


def _request_hash() -> str:
    """The request's method, path and body (JSON read as data: the same body sent with
    other spacing or key order is the same request; a multipart body as its fields and
    each file's name and SHA-256, whatever its boundary)."""
    payload = request.get_json(silent=True)
    if request.mimetype == "multipart/form-data":
        payload = {"form": sorted(request.form.items(multi=True)),
                   "files": sorted((name, part.filename or "", _digest(part))
                                   for name, part in request.files.items(multi=True))}
    body = (json.dumps(payload, sort_keys=True, ensure_ascii=False).encode()
            if payload is not None else request.get_data())
    return hashlib.sha256(f"{request.method} {request.path}\n".encode() + body).hexdigest()


def _digest(part: Any) -> str:
    """The SHA-256 of an uploaded file part, read from its start and put back there for
    the view that stores it."""
    part.stream.seek(0)
    digest = hashlib.file_digest(part.stream, "sha256").hexdigest()
    part.stream.seek(0)
    return digest
