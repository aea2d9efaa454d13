"""Web addresses as users and browsers send them, split without a 500.

``urllib.parse.urlsplit`` raises ValueError on a malformed host ("http://[::1",
"http://[abc]/x"); a form field, a Referer header or a link may carry one.
"""

from urllib.parse import SplitResult, urlsplit


def split(address: str) -> SplitResult | None:
    """``address`` split into scheme, host, path, query and fragment; None when it cannot be
    read as an address (a bracketed host that is not an IPv6 address, an unclosed bracket,
    a port that is not 1–65535)."""
    try:
        parts = urlsplit(address)
        if parts.port == 0:  # reading the port also refuses ":99999" and ":x"
            return None
    except ValueError:
        return None
    return parts


def web_address(address: str) -> bool:
    """Whether ``address`` is an absolute http:// or https:// address with a host
    ("https://alur.pn-contoh.go.id", not "alur.pn-contoh.go.id" or "ftp://…")."""
    parts = split(address)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname)
