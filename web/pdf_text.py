"""Text for fpdf2's core fonts, when the embedded DejaVu Sans is not installed."""

import unicodedata
from typing import Any

_LATIN1 = str.maketrans({"—": "-", "–": "-", "→": "->", "←": "<-", "“": '"', "”": '"',
                         "‘": "'", "’": "'", "…": "...", "•": "-", "≤": "<=", "≥": ">=",
                         "\u00a0": " "})


def latin1(text: str) -> str:
    """``text`` in Latin-1 for fpdf2's core fonts: dashes, arrows and quotes are spelled
    out, accented letters lose their accent, anything else becomes "?"."""
    out = []
    for char in str(text).translate(_LATIN1):
        if ord(char) < 256:
            out.append(char)
        else:
            plain = unicodedata.normalize("NFKD", char).encode("latin-1", "ignore").decode()
            out.append(plain or "?")
    return "".join(out)


def printable(pdf: Any, text: str) -> str:
    """``text`` as ``pdf`` (an fpdf2 document with a ``unicode`` flag: True when the
    embedded DejaVu Sans is set) can print it: as written, or in Latin-1 (``latin1``)."""
    return str(text) if pdf.unicode else latin1(text)
