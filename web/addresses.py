"""Web addresses as users and browsers send them, split without a 500.

``urllib.parse.urlsplit`` raises ValueError on a malformed host ("http://[::1",
"http://[abc]/x"); a form field, a Referer header or a link may carry one.
"""

from urllib.parse import SplitResult, urlsplit


def split(address: str) -> SplitResult | None:
    """``address`` split into scheme, host, path, query and fragment; None when it cannot be
    read as an address (a bracketed host that is not an IPv6 address, an unclosed bracket)."""
    try:
        parts = urlsplit(address)
        parts.port
    except ValueError:
        return None
    return parts


def web_address(address: str) -> bool:
    """Whether ``address`` is an absolute http:// or https:// address with a host
    ("https://alur.pn-contoh.go.id", not "alur.pn-contoh.go.id" or "ftp://…")."""
    parts = split(address)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
