"""Forms and API bodies read as their users typed them.

A browser sends every line break of a ``<textarea>`` as CR LF (the HTML form encoding),
while the textarea's ``maxlength`` counts it as one character: a 1,995-character Catatan
with 15 line breaks was allowed by the browser and refused by the server as over 2,000
characters, and stored with CR LF. ``FormRequest`` reads each CR LF of a form value as one
LF, so the limits count what the user sees and the stored text has one kind of line break;
the texts of a JSON body too, so that the API takes what the page takes.
"""

from typing import IO, Any

from flask import Request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.formparser import FormDataParser


def lines_as_typed(value: Any) -> Any:
    """A parsed JSON value with each CR LF in its texts (not its keys) read as one LF."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, dict):
        return {key: lines_as_typed(item) for key, item in value.items()}
    if isinstance(value, list):
        return [lines_as_typed(item) for item in value]
    return value


class FormRequest(Request):
    """Flask's request, its ``form`` values and JSON texts with CR LF read as LF
    (``app.request_class``); ``unreadable_form`` is True when the body was a form Werkzeug
    could not read (a multipart part without ``Content-Disposition``, a name that is no
    UTF-8): Werkzeug then silently reads no field at all, and a step was completed without
    its data (``web.edge`` answers 400); ``file_parts_begun``, of a multipart body refused
    while it was read (413), how many of its file parts had begun."""

    unreadable_form = False
    file_parts_begun = 0

    def make_form_data_parser(self) -> FormDataParser:
        parser = super().make_form_data_parser()
        parser.silent = False  # a ValueError reaches _load_form_data instead of an empty form
        return parser

    def _get_file_stream(self, *args: Any, **kwargs: Any) -> IO[bytes]:
        """Werkzeug's stream for a file part, kept to be closed if the body is refused."""
        stream = super()._get_file_stream(*args, **kwargs)
        self.__dict__.setdefault("_file_streams", []).append(stream)
        return stream

    def _load_form_data(self) -> None:
        try:
            super()._load_form_data()
        except RequestEntityTooLarge:  # too many parts, or a text part too long
            begun = self.__dict__.pop("_file_streams", [])
            self.file_parts_begun = len(begun)  # which of the two it was (web.too_large)
            for stream in begun:  # the files read so far, closed now
                stream.close()
            raise
        except ValueError:
            self.unreadable_form = True
            self.__dict__["form"] = self.parameter_storage_class()
            self.__dict__["files"] = self.parameter_storage_class()
        form: Any = self.__dict__.get("form")
        if form is not None and any("\r\n" in value for _, value in form.items(multi=True)):
            self.__dict__["form"] = ImmutableMultiDict(
                [(key, value.replace("\r\n", "\n")) for key, value in form.items(multi=True)])

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The parsed JSON body (as Flask's), its texts with CR LF read as LF: worked out once
        per parsed body, however often the edge, the rate limiter and the view ask.

        Raises:
            RecursionError: a body nested deeper than Python reads (the edge answers 400).
        """
        parsed = super().get_json(force=force, silent=silent, cache=cache)
        known = self.__dict__.get("_typed_json")
        if known is None or known[0] is not parsed:
            known = (parsed, lines_as_typed(parsed))
            self.__dict__["_typed_json"] = known
        return known[1]
