"""Languages of the interface: Bahasa Indonesia for everyone, English for those who choose it.

Officials expect Indonesian, so the browser's Accept-Language is not consulted: the locale is
the logged-in user's ``User.language`` (set on the account page), else Indonesian. The
English messages live in ``web/translations/en/LC_MESSAGES/messages.po``; ``make install``
compiles them to the ``.mo`` that is read at run time. Without that file every text stays in
Indonesian, the source language of the messages.
"""

from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

from babel.support import NullTranslations
from flask import Flask, g, has_request_context, request
from flask_babel import get_locale, get_translations
from flask_login import current_user

DEFAULT_LANGUAGE = "id"
# Each language named in itself: the choice must be readable whatever is shown now.
LANGUAGES = {"id": "Bahasa Indonesia", "en": "English"}
TRANSLATIONS = str(Path(__file__).resolve().parent / "translations")
T = TypeVar("T")


def N_(text: str) -> str:
    """Mark ``text`` for ``make messages`` (pybabel's default ``N_`` keyword) and keep it
    untranslated: a report table or a refusal's pattern holds Indonesian texts, translated
    where it is shown."""
    return text


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


def per_language(name: str, build: Callable[[], T]) -> T:
    """``build()``, made once per request and language: kept in ``g`` under ``name`` with
    the locale it was made in, and made again when the language changes (after
    ``flask_babel.refresh``, inside ``force_locale``). For what a list page would otherwise
    look up per row."""
    locale = get_locale()
    kept = g.get(name)
    if kept is None or kept[0] is not locale:
        kept = (locale, build())
        setattr(g, name, kept)
    return kept[1]


def translations() -> NullTranslations:
    """The message catalogue of this request's language (``per_language``).

    Flask-Babel looks it up again on every text (about 10 µs: its context, the locale, the
    domain), and a list page translates a few texts per row: the Kotak Masuk's 50 rows
    spent about a fifth of its time there (issue 13)."""
    return per_language("alur_translations", get_translations)


def text(message: str, **variables: object) -> str:
    """``gettext`` through :func:`translations`: ``message`` in this request's language,
    with ``variables`` put in (``%(name)s``)."""
    translated = translations().ugettext(message)
    return translated % variables if variables else translated


def plural_text(singular: str, plural: str, num: int, **variables: object) -> str:
    """``ngettext`` through :func:`translations` (``num`` is also ``%(num)d``)."""
    variables.setdefault("num", num)
    return translations().ungettext(singular, plural, num) % variables


def install(app: Flask) -> None:
    """Templates translate through :func:`translations` (``_``, ``ngettext``,
    ``pgettext``), as Flask-Babel's own callables would, once per request."""
    app.jinja_env.install_gettext_callables(
        gettext=lambda message: translations().ugettext(message),
        ngettext=lambda singular, plural, num: translations().ungettext(singular, plural, num),
        pgettext=lambda context, message: translations().upgettext(context, message),
        npgettext=lambda context, singular, plural, num: translations().unpgettext(
            context, singular, plural, num),
        newstyle=True)
