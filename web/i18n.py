"""Languages of the interface: Bahasa Indonesia for everyone, English for those who choose it.

Officials expect Indonesian, so the browser's Accept-Language is not consulted: the locale is
the logged-in user's ``User.language`` (set on the account page), else Indonesian. The
English messages live in ``web/translations/en/LC_MESSAGES/messages.po``; ``make install``
compiles them to the ``.mo`` that is read at run time. Without that file every text stays in
Indonesian, the source language of the messages.
"""

from pathlib import Path

from flask import has_request_context, request
from flask_babel import get_locale
from flask_login import current_user

DEFAULT_LANGUAGE = "id"
# Each language named in itself: the choice must be readable whatever is shown now.
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
TRANSLATIONS = str(Path(__file__).resolve().parent / "translations")


def select_locale() -> str:
    """The locale of this request: the user's ``language`` if it is one we have, else "id".

    Outside a request (CLI commands, the timer worker) there is no user: Indonesian. The
    JSON API is Indonesian for every caller (README "API JSON"): a browser session that
    chose English, sent along with a token (Swagger UI while logged in), does not count.
    """
    if (has_request_context() and not request.path.startswith("/api/")
            and current_user.is_authenticated and current_user.language in LANGUAGES):
        return current_user.language
    return DEFAULT_LANGUAGE


def template_locale() -> dict[str, str]:
    """``current_locale`` for templates (``<html lang>``)."""
    return {"current_locale": str(get_locale() or DEFAULT_LANGUAGE)}
