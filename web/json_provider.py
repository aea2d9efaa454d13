"""JSON as Alur reads it: an object that names a key twice is refused, not read as its last
value (``{"title": "a", "title": "b"}`` kept "b" silently, whichever the client meant)."""

from typing import Any

from flask.json.provider import DefaultJSONProvider


class DuplicateKey(ValueError):
    """A JSON object names ``key`` twice. A ``ValueError``, so that a body holding one is
    refused as any unreadable body is (``web.api.common.json_payload`` names the key)."""

    def __init__(self, key: str) -> None:
        super().__init__(f"duplicate key {key!r}")
        self.key = key


def once_each(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """The object of ``pairs``; raises DuplicateKey when a key comes twice."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise DuplicateKey(key)
        found[key] = value
    return found


class AlurJSONProvider(DefaultJSONProvider):
    """Flask's JSON, reading objects with :func:`once_each`."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        kwargs.setdefault("object_pairs_hook", once_each)
        return super().loads(s, **kwargs)
