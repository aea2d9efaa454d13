"""HTML forms read as their users typed them.

A browser sends every line break of a ``<textarea>`` as CR LF (the HTML form encoding),
while the textarea's ``maxlength`` counts it as one character: a 1,995-character Catatan
with 15 line breaks was allowed by the browser and refused by the server as over 2,000
characters, and stored with CR LF. ``FormRequest`` reads each CR LF of a form value as one
LF, so the limits count what the user sees and the stored text has one kind of line break.
"""

from typing import Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict


class FormRequest(Request):
    """Flask's request, its ``form`` values with CR LF read as LF (``app.request_class``)."""

    def _load_form_data(self) -> None:
        super()._load_form_data()
        form: Any = self.__dict__.get("form")
        if form is not None and any("\r\n" in value for _, value in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, value.replace("\r\n", "\n")) for key, value in form.items(multi=True)])
