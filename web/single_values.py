"""Each query parameter of a page is read once: the same one sent twice with different
values (``status=berjalan&status=selesai``, from a hand-edited or merged link) is refused
with a 400 naming it, as the API refuses it (README, "API"), instead of the page following
the first value without a word; the same value twice is that value.

Kotak Masuk's ``urut`` takes several values (sort keys, in order) and its ``pilih`` the
steps ticked again after a refused bulk action; Mulai Proses and Ajukan Tiket take a start
form's fields from the address, where a checkbox group has several."""

from typing import Any

from flask import Flask, request
from flask_babel import gettext

from web.errors import refuse_parameter

MANY_VALUES = frozenset({"urut", "pilih"})
FORM_PAGES = frozenset({"instances.new", "desk.submit"})


def register(app: Flask) -> None:
    """Refuse, before any page reads its query string, a parameter given more than once."""

    @app.before_request
    def one_value_each() -> Any:
        if (request.method not in ("GET", "HEAD") or request.blueprint == "api"
                or request.endpoint in FORM_PAGES):
            return None
        for name, values in request.args.lists():
            if len(set(values)) > 1 and name not in MANY_VALUES:  # the same twice is one
                refuse_parameter(name, gettext('"%(name)s" hanya satu nilai; %(count)d dikirim.',
                                               name=name[:40], count=len(values)),
                                 keep_first=True)
        return None
