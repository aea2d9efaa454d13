"""HTTP errors that carry what a page needs to say them: a number too large for any
record (404), and a query parameter refused (400), which a list page may answer itself,
beside its filter form."""

from typing import Any

from werkzeug.exceptions import HTTPException
from werkzeug.exceptions import NotFound as HttpNotFound


class NumberTooLarge(HttpNotFound):
    """A number in an address (``<int:…>``, ``web.edge.BoundedInt``) above the largest any
    record can have: 404, saying so (not that the address does not exist).

    Args:
        number: the digits as written in the address (at most 30 of them are said);
        largest: the largest number an address takes (2^31 - 1)."""

    def __init__(self, number: str, largest: int) -> None:
        super().__init__()
        self.number = number[:30] + ("…" if len(number) > 30 else "")
        self.largest = largest


class ParameterRefused(HTTPException):
    """``web.errors.refuse_parameter``'s 400: ``response`` is the error page (or JSON) that
    answers it when nothing catches it. A list page catches it to show ``message`` in its
    own filter form instead, the form filled in as sent and ``parameter``'s field marked.

    Args:
        parameter: the query parameter refused (``dari``, ``sop`` …);
        message: why, in the reader's language;
        response: the 400 answer built for it;
        without: this page's address without the parameter (a bookmark's way out), or
            None when the parameter was not in the address."""

    def __init__(self, parameter: str, message: str, response: Any,
                 without: str | None = None) -> None:
        super().__init__(response=response)
        self.parameter = parameter
        self.message = message
        self.without = without
