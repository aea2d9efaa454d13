"""The refusal of an API address no route matches (404) or of a method it does not take
(405), in the words of an API: Indonesian, as every API message (README, "API JSON")."""

from flask import request
from werkzeug.exceptions import HTTPException

# The methods a 405 lists, in the order the README writes them: reads, writes, OPTIONS.
_METHOD_ORDER = ("GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS")


def api_address_error(error: HTTPException) -> str:
    """An API address no route matches (404; a record that does not exist says so
    itself), or a method it does not take (405), in the words of an API (Indonesian, as
    every API message): the method and path asked for, and where the addresses are listed,
    or the methods it takes (``Allow``)."""
    asked = f"{request.method} {request.path[:200]}"
    if error.code == 404:
        return (f"Alamat API tidak ditemukan: {asked}. Daftar alamatnya ada di /api/v1/docs "
                "(OpenAPI: /api/v1/openapi.json).")
    allowed = [method.strip() for method in dict(error.get_headers()).get("Allow", "").split(",")]
    allowed.sort(key=lambda method: (_METHOD_ORDER.index(method) if method in _METHOD_ORDER
                                     else len(_METHOD_ORDER), method))
    return (f"Metode {request.method} tidak diizinkan di alamat ini; yang diizinkan: "
            f"{', '.join(allowed)}.")
