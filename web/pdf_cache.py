"""The SOP PDFs already drawn, kept per app process: drawing one takes from a fraction of a
second to half a minute for the largest SOP the upload limits allow, and a version's
document never changes (only the office's identity, its time zone or the page language,
which are part of the key).

One PDF is drawn at a time per process; a request for a PDF being drawn waits for it and
gets the same bytes, instead of four readers drawing it four times at once past gunicorn's
timeout. At most ``KEPT`` PDFs are kept, the least recently read dropped first.
"""

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable

from flask import current_app

KEPT = 16
_LOCK = threading.Lock()


def cached_pdf(key: Hashable, draw: Callable[[], bytes]) -> bytes:
    """The PDF kept under ``key`` in this app, else ``draw()``'s, kept for next time."""
    kept: OrderedDict[Hashable, bytes] = current_app.extensions.setdefault(
        "alur_sop_pdfs", OrderedDict())
    with _LOCK:
        if key in kept:
            kept.move_to_end(key)
            return kept[key]
        data = draw()
        kept[key] = data
        while len(kept) > KEPT:
            kept.popitem(last=False)
        return data
