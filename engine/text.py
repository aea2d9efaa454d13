"""What counts as blank in a typed text: the one place every required text field (a step's
Catatan, a form's text, a title, a cancel reason, a comment, a name) decides it."""

import unicodedata

# Characters that show nothing although they are no space to str.strip(): Unicode format
# characters (category Cf: zero-width space U+200B, word joiner U+2060, byte order mark
# U+FEFF, soft hyphen U+00AD, direction marks) and the fillers that render as blank
# (Hangul fillers, the blank Braille pattern). A reason of only these reads as empty.
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def trimmed(text: str | None) -> str:
    """``text`` without the spaces and invisible characters (``_invisible``) at either
    end; ``""`` for None or a text of nothing else. Characters inside are kept (a
    zero-width joiner inside an emoji, a soft hyphen inside a word)."""
    text = text or ""
    start, end = 0, len(text)
    while start < end and _invisible(text[start]):
        start += 1
    while end > start and _invisible(text[end - 1]):
        end -= 1
    return text[start:end]


def _invisible(character: str) -> bool:
    return (character.isspace() or character in BLANK_LOOKING
            or unicodedata.category(character) == "Cf")
