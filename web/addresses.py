"""Web addresses as users and browsers send them, split without a 500.

``urllib.parse.urlsplit`` raises ValueError on a malformed host ("http://[::1",
"http://[abc]/x"); a form field, a Referer header or a link may carry one.
"""

import ipaddress
import re
from urllib.parse import SplitResult, urlsplit

# One label of a host name (RFC 1123; "_" too, as some intranet names have it), in ASCII.
_LABEL = re.compile(r"(?!-)[a-z0-9_-]{1,63}(?<!-)")


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
    """Whether ``address`` is an absolute http:// or https:// address with a host a
    resolver can read ("https://alur.pn-contoh.go.id", not "alur.pn-contoh.go.id",
    "ftp://…" or "http://a b/": a webhook there would be retried without end)."""
    parts = split(address)
    return parts is not None and parts.scheme in ("http", "https") and bool(parts.hostname) \
        and readable_host(parts.hostname)


def readable_host(host: str) -> bool:
    """Whether ``host`` (lower case, brackets removed) is an IP address or a DNS name:
    labels of letters, digits and hyphens, an internationalised name as IDNA writes it;
    digits and dots alone must make an IP address (``999.1.1.1`` is neither)."""
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        pass
    try:
        name = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = name.removesuffix(".").split(".")
    if all(label.isdigit() for label in labels):  # "999.1.1.1": no address, and no name
        return False
    return all(_LABEL.fullmatch(label) for label in labels)


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site, else None.

    Refused: anything with a scheme or host, ``//`` or ``/\\`` at the start, and any
    whitespace or control character (browsers drop tabs and newlines, so
    ``/\\t/evil.example`` would become ``//evil.example``).
    """
    if not target or len(target) > 500 or not target.startswith("/"):
        return None
    if any(ch <= " " or ch in "\\\x7f" for ch in target) or target.startswith("//"):
        return None
    parts = split(target)
    return target if parts is not None and not parts.scheme and not parts.netloc else None
