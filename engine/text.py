"""What counts as blank in a typed text: the one place every required text field (a step's
Catatan, a form's text, a title, a cancel reason, a comment, a name) decides it; and what
counts as a number or a date typed in a URL's parameter or a form."""

import re
import unicodedata
from datetime import date

# Characters that show nothing although they are no space to str.strip(): the fillers that
# render as blank (Hangul fillers, the blank Braille pattern).
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# What is taken off the ends of a text besides spaces: the blank-looking fillers and the
# format characters that carry nothing at an end (zero-width space and non-joiner, word
# joiner, byte order mark, soft hyphen). Other format characters end texts meaningfully:
# the tag characters closing a subdivision flag emoji, a right-to-left mark after Arabic.
TRIMMED = BLANK_LOOKING | frozenset("\u200b\u200c\u2060\ufeff\u00ad")

# Characters no text Alur keeps may hold: NUL (PostgreSQL refuses it), the other C0
# controls but tab and line breaks (a spreadsheet export refuses them), lone UTF-16
# surrogates (no page or file can be encoded with one) and the direction embeddings,
# overrides and isolates (U+202A–U+202E, U+2066–U+2069): "abc\u202eexe.pdf" shows as
# "abcfdp.exe" in a title, a name in the history or the office's name on the SOP
# document (the "Trojan Source" spoofing, CVE-2021-42574). Attachment names refuse them
# too (``engine.process.attachments``); ``web.edge`` refuses them in every
# form field, ``engine.people.account_import`` in an account file.
UNKEPT = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


# What starts a new line in a text: line feed, carriage return, vertical tab, form feed,
# NEL (U+0085) and Unicode's line and paragraph separators.
LINE_BREAKS = re.compile("[\n\r\x0b\x0c\x85\u2028\u2029]")

def trimmed(text: str | None) -> str:
    """``text`` without the spaces and ``TRIMMED`` characters at either end; ``""`` for
    None or a text of nothing but spaces and invisible characters (any Unicode format
    character, category Cf, counts then: a reason of only direction marks reads as empty).
    Characters inside are kept (a zero-width joiner inside an emoji, a soft hyphen inside
    a word)."""
    text = text or ""
    if all(_invisible(character) for character in text):
        return ""
    start, end = 0, len(text)
    while start < end and (text[start].isspace() or text[start] in TRIMMED):
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] in TRIMMED):
        end -= 1
    return text[start:end]


def shortened(text: str, limit: int) -> str:
    """``text`` as a page shows it in ``limit`` characters at most: cut, with "…" as its
    last character, when longer."""
    return text if len(text) <= limit else text[:limit - 1] + "…"


def one_period(sentence: str) -> str:
    """``sentence`` with one full stop where it ends with a name that has its own (an
    academic title: "… kepada Budi Santoso, S.Kom.." reads "… kepada Budi Santoso, S.Kom.");
    an ellipsis stays."""
    if sentence.endswith("..") and not sentence.endswith("..."):
        return sentence[:-1]
    return sentence


def _invisible(character: str) -> bool:
    return (character.isspace() or character in BLANK_LOOKING
            or unicodedata.category(character) == "Cf")


def is_digits(text: str) -> bool:
    """Whether ``text`` is one or more of the digits 0–9 and nothing else. ``str.isdecimal``
    also takes other scripts' digits ("١٢", fullwidth "１２"), which ``int()`` reads: a page,
    year or table number in a URL is written in 0–9 only."""
    return text.isascii() and text.isdecimal()


# A date as forms and URLs write it (TTTT-BB-HH): ``date.fromisoformat`` alone also reads
# "20261220" and week dates ("2026W513", "2026-W51-3"), which nobody typing a date meant.
WRITTEN_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def written_date(text: str) -> date:
    """``text`` (``"2026-12-24"``) as the date it writes.

    Raises:
        ValueError: any other form, or a day the calendar does not have (2026-02-30).
    """
    if not WRITTEN_DATE.fullmatch(text):
        raise ValueError(f"bukan tanggal TTTT-BB-HH: {text[:20]!r}")
    return date.fromisoformat(text)
