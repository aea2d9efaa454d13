"""The JSON Schema validator of Alur's forms: jsonschema's draft 2020-12 with ``multipleOf``
checked in decimal.

jsonschema divides floats, so 0.3 is no multiple of 0.1 to it (0.3 / 0.1 is
2.9999999999999996) and a form with a step of 0.1 refused most of the values it offers;
here both numbers are read as the shortest decimals that write them (what the form and
the user wrote) and divided exactly.
"""

from collections.abc import Iterator
from decimal import Context, Decimal, DecimalException, localcontext
from typing import Any

from jsonschema import Draft202012Validator, ValidationError, validators

# Enough digits for the quotient of the largest number a form keeps (2^53) by the smallest
# step a float can write (about 5e-324).
EXACT = Context(prec=400)


def _multiple_of(validator: Any, step: Any, instance: Any, schema: Any) -> Iterator[
        ValidationError]:
    if not validator.is_type(instance, "number"):
        return
    try:
        with localcontext(EXACT):
            exact = Decimal(repr(instance)) % Decimal(repr(step)) == 0
    except (DecimalException, ValueError):  # NaN, infinity, a zero step
        exact = False
    if not exact:
        yield ValidationError(f"{instance!r} is not a multiple of {step!r}")


FormValidator = validators.extend(Draft202012Validator, {"multipleOf": _multiple_of})
