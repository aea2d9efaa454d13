"""Searching typed words in stored text as people type them: case, spaces and common
punctuation ignored on both sides, so "Wifi" finds "Wi-Fi", "LTI2026" finds
"LTI-2026-0042", a NIP typed without its spaces finds "19850312 201001 1 003" (and the
other way round), and "Nurul 'Aini" finds "Nurul ‘Aini" as Word or a phone keyboard wrote
it. The Kotak Masuk (``engine.process.inbox``), Daftar Proses
(``engine.process.lists``) and the administrator's list of accounts
(``engine.people.directory``) search alike.
"""

import unicodedata

from sqlalchemy import ColumnElement, func

# Characters the search ignores in the stored text; the typed text loses every
# non-alphanumeric. Replaced in SQL one by one, the same on SQLite and PostgreSQL; SQLite's
# parser allows only so many nested calls, hence the common ones only: spaces (also the
# tab and the no-break space Word pastes), dashes, the soft hyphen, straight and curly
# quotes and apostrophes, and the ellipsis.
IGNORED = " \t\u00a0\u00ad-_.,/()'\":&+–—‘’“”…"


def normalise(text: str) -> str:
    """Search text as compared: case-folded, accents dropped (NFKD), only letters and
    digits kept (``"Wi-Fi Gedung B"`` -> ``"wifigedungb"``)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(char for char in decomposed
                   if char.isalnum() and not unicodedata.combining(char))


def search_forms(text: str, ignored: str = IGNORED, folded: bool = True) -> list[str]:
    """The forms of typed search text a stored text may match, as ``stripped`` lowers
    it: the text without ``ignored`` characters and spaces, lowered as Python lowers it
    and as SQLite's ``lower()`` does (ASCII letters only), so that a title's other
    punctuation ("Rapat #3") and accented letters ("Ümlaut") are found when typed as
    written; and, when ``folded``, ``normalise``d (letters and digits only, accents
    dropped: "wifi" finds "Wi-Fi"). Empty when nothing is left to search for."""
    kept = "".join(char for char in text if char not in ignored and not char.isspace())
    ascii_lowered = "".join(char.lower() if char.isascii() else char for char in kept)
    forms = (normalise(text),) if folded else ()
    return [form for form in dict.fromkeys((*forms, kept.lower(), ascii_lowered)) if form]


def searches_nothing(text: str, ignored: str = IGNORED) -> bool:
    """True when typed ``text`` holds something but nothing to look for: only spaces and
    ``ignored`` punctuation ("_", "--"), which ``search_forms`` leaves empty, so that a list
    says its search did not filter instead of quietly showing every row."""
    return bool(text.strip()) and not search_forms(text, ignored)


def stripped(text: ColumnElement[str], ignored: str = IGNORED) -> ColumnElement[str]:
    """``text`` lower-cased (SQLite: ASCII letters only) without ``ignored`` characters,
    in SQL: what ``search_forms`` are looked for in."""
    text = func.lower(text)
    for char in ignored:
        text = func.replace(text, char, "")
    return text
