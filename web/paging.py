"""Pages of the HTML lists: ``halaman`` (from 1; ``page`` is read too, as the API names
it) and ``per_page`` (1..``engine.paging.MAX_PER_PAGE``) from the query string. A value out
of range is refused with a 400 page naming the parameter; nothing else changes. The pager
(``templates/_pager.html``) links the neighbouring pages, keeping every other query
parameter."""

from typing import Any

from flask import Flask, request, url_for
from flask_babel import gettext

from engine.paging import DEFAULT_PER_PAGE, MAX_PAGE, MAX_PER_PAGE
from engine.text import is_digits
from web.errors import refuse_parameter

PAGE_NAMES = ("halaman", "page")


def page_request(default: int = DEFAULT_PER_PAGE, maximum: int = MAX_PER_PAGE
                 ) -> tuple[int, int]:
    """``(page, per_page)`` asked by the query string: page from 1, per_page ``default``
    unless given, at most ``maximum``.

    Raises:
        werkzeug.exceptions.HTTPException: 400 naming ``halaman`` or ``per_page`` when one
            is not a whole number in range.
    """
    name = next((n for n in PAGE_NAMES if n in request.args), "halaman")
    page = _number(name, request.args.get(name, "1"), MAX_PAGE, gettext(
        "Nomor halaman (%(name)s) harus bilangan bulat mulai 1.", name=name))
    per_page = _number("per_page", request.args.get("per_page", str(default)), maximum,
                       gettext("Jumlah baris per halaman (per_page) harus 1–%(maximum)d.",
                               maximum=maximum))
    return page, per_page


def _number(name: str, text: str, maximum: int, message: str) -> int:
    value = int(text) if is_digits(text) and len(text) <= 10 else 0  # " 5", "+5": no
    if not 1 <= value <= maximum:
        refuse_parameter(name, message, gettext("bilangan bulat 1–%(maximum)d", maximum=maximum))
    return value


def page_url(number: int) -> str:
    """This page's URL with ``halaman=number`` and every other query parameter kept."""
    return this_page_url(PAGE_NAMES, halaman=number)


def this_page_url(dropped: tuple[str, ...] = (), **more: Any) -> str:
    """This page's URL with its query parameters (each with all its values) but those
    named in ``dropped``, and ``more`` set. A query parameter named as a part of the path
    (``?username=`` on a person's report) is left out: the path's own value is the page's,
    and url_for would be given the name twice (a 500)."""
    path = request.view_args or {}
    args = {key: values for key, values in request.args.lists()
            if key not in dropped and key not in path and key not in more}
    return url_for(request.endpoint or "", **path, **args, **more)


def register(app: Flask) -> None:
    """Make ``page_url`` available to templates (the pager macro uses it)."""
    app.add_template_global(page_url)

