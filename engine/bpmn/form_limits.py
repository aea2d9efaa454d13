"""Form fields no submission could satisfy, refused at upload (README "Formulir": keywords
"yang dapat membuat langkah tak pernah dapat diselesaikan"): a lower bound above the upper
one, strict bounds that leave nothing between them, a fixed value outside the choices,
more choices to tick than a page offers, and numbers JSON cannot carry (``1e400`` is read
as infinity, then written back as ``Infinity``, which is no JSON).

Each check takes one field's property schema (``engine.bpmn.forms``); the messages name the
field and the keyword, as ``FormProblem`` is raised with them.
"""

import json
import math
from decimal import ROUND_CEILING, Decimal, localcontext
from typing import Any

from engine.bpmn.form_validator import EXACT, FormValidator

# The pairs of lower and upper bounds a field may give (README "Formulir").
_LENGTHS = ("minLength", "maxLength")
_ITEMS = ("minItems", "maxItems")
# What a choice is checked against: the field's rules other than the choices themselves.
_CHOICE_KEYWORDS = {"enum", "const", "oneOf", "title", "description", "default", "examples"}


def infinite_number(value: Any) -> str | None:
    """Where ``value`` (parsed JSON: a schema or a UI schema) holds a number that is not
    finite (NaN, ``Infinity``, ``1e400``), as ``properties.a.minimum``; None when none."""
    stack = [(value, "")]
    while stack:
        item, where = stack.pop()
        if isinstance(item, float) and not math.isfinite(item):
            return where or "akar skema"
        if isinstance(item, dict):
            stack.extend((child, f"{where}.{key}".lstrip(".")) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, f"{where}[{i}]") for i, child in enumerate(item))
    return None


def unsatisfiable(name: str, prop: dict[str, Any], multi: bool,
                  required: bool = False) -> str | None:
    """Why no value of field ``name`` (its property schema ``prop``; ``multi``: a many-of
    field, whose choices are its ``items``'; ``required``: named in the form's
    ``required``) can ever be accepted, in Indonesian naming the field and the keyword;
    None when some value can."""
    empty_only = _empty_only(prop, multi)
    if required and empty_only:
        return (f'kolom "{name}": wajib diisi, tetapi {empty_only} 0 hanya menerima isian '
                "kosong; tidak ada nilai yang dapat diterima")
    for low, high in (_LENGTHS, _ITEMS):
        if isinstance(prop.get(low), int) and isinstance(prop.get(high), int) and \
                prop[low] > prop[high]:
            return _bounds(name, low, prop[low], high, prop[high])
    problem = _number_bounds(name, prop)
    if problem:
        return problem
    choices = _choice_problem(name, prop["items"] if multi else prop, required and not multi)
    if choices:
        return choices
    if multi:
        return _too_many_to_tick(name, prop)
    return None


def _empty_only(prop: dict[str, Any], multi: bool) -> str | None:
    """The keyword (``maxLength``, ``maxItems``) that lets a field hold nothing but an
    empty value, which a required field refuses (``engine.process.forms``: ``""`` and
    ``[]`` count as not given); None when it can hold more."""
    keyword = "maxItems" if multi else "maxLength"
    return keyword if prop.get(keyword) == 0 and not isinstance(prop.get(keyword), bool) \
        else None


def _number_bounds(name: str, prop: dict[str, Any]) -> str | None:
    """A lower bound (``minimum`` or, strict, ``exclusiveMinimum``) at or above an upper
    one with nothing left between them; for ``"type": "integer"`` no whole number between."""
    lows = [(prop[k], k) for k in ("minimum", "exclusiveMinimum") if _is_number(prop.get(k))]
    highs = [(prop[k], k) for k in ("maximum", "exclusiveMaximum") if _is_number(prop.get(k))]
    for low, low_word in lows:
        for high, high_word in highs:
            strict = "exclusive" in low_word or "exclusive" in high_word
            empty = low > high or (low == high and strict)
            if prop.get("type") == "integer" and not empty:
                first = math.floor(low) + 1 if "exclusive" in low_word else math.ceil(low)
                last = math.ceil(high) - 1 if "exclusive" in high_word else math.floor(high)
                empty = first > last
            if empty:
                return _bounds(name, low_word, low, high_word, high)
            if _no_multiple_between(prop, low, low_word, high, high_word):
                return (f'kolom "{name}": tidak ada kelipatan multipleOf {prop["multipleOf"]} '
                        f"dari {low_word} {low} sampai {high_word} {high}; tidak ada nilai "
                        "yang dapat diterima")
    return None


def _no_multiple_between(prop: dict[str, Any], low: Any, low_word: str, high: Any,
                         high_word: str) -> bool:
    """Whether no multiple of the field's ``multipleOf`` (whole, for an integer field)
    lies within the bounds, counted in decimal as the form's values are checked
    (``engine.bpmn.form_validator``)."""
    step = prop.get("multipleOf")
    if not _is_number(step) or step <= 0:
        return False
    with localcontext(EXACT):
        step, first, last = Decimal(repr(step)), Decimal(repr(low)), Decimal(repr(high))
        if prop.get("type") == "integer" and step != step.to_integral_value():
            return False  # its whole multiples are not simply counted here
        least = (first / step).to_integral_value(ROUND_CEILING) * step
        if least == first and "exclusive" in low_word:
            least += step
        return least > last or (least == last and "exclusive" in high_word)


def _bounds(name: str, low_word: str, low: Any, high_word: str, high: Any) -> str:
    return (f'kolom "{name}": batas bawah melebihi batas atas ({low_word} {low}, {high_word} '
            f"{high}); tidak ada nilai yang dapat diterima")


def _choice_problem(name: str, prop: dict[str, Any], required: bool) -> str | None:
    """A ``const`` outside the ``enum`` or the ``oneOf`` choices, a ``oneOf`` offering one
    value twice (jsonschema's ``oneOf`` then refuses it: it matches two entries), only
    empty choices on a ``required`` field (an empty value counts as not given), or no
    choice meeting the field's other rules (``minLength``, ``maximum``, ``type``...)."""
    offered = [_values(prop, key) for key in ("enum", "oneOf", "const") if key in prop]
    if not offered:
        return None
    if "oneOf" in prop:
        consts = [json.dumps(value, sort_keys=True) for value in _values(prop, "oneOf")]
        twice = sorted({value for value in consts if consts.count(value) > 1})
        if twice:
            return (f'kolom "{name}": oneOf menawarkan nilai yang sama lebih dari sekali '
                    f"({', '.join(twice)[:200]}); pilihan itu tidak akan pernah diterima")
    common = [value for value in offered[0] if all(value in other for other in offered[1:])]
    keywords = " dan ".join(key for key in ("const", "enum", "oneOf") if key in prop)
    if not common:
        return (f'kolom "{name}": {keywords} tidak punya nilai bersama; tidak ada pilihan '
                "yang dapat diterima")
    if required and all(value is None or (isinstance(value, str) and not value.strip())
                        for value in common):
        return (f'kolom "{name}": wajib diisi, tetapi setiap pilihan {keywords} kosong; '
                "tidak ada nilai yang dapat diterima")
    rules = FormValidator({k: v for k, v in prop.items() if k not in _CHOICE_KEYWORDS})
    if not any(rules.is_valid(value) for value in common):
        return (f'kolom "{name}": tidak ada nilai {keywords} yang memenuhi aturan lain kolom '
                "ini (mis. minLength, maximum); tidak ada pilihan yang dapat diterima")
    return None


def _too_many_to_tick(name: str, prop: dict[str, Any]) -> str | None:
    # A page offers each choice once (one checkbox each), so a many-of field can never
    # hold more distinct choices than it lists.
    offered = prop["items"].get("enum") or prop["items"].get("oneOf") or []
    least = prop.get("minItems")
    if isinstance(least, int) and least > len(offered):
        return (f'kolom "{name}": minItems {least} melebihi jumlah pilihan ({len(offered)}); '
                "setiap pilihan hanya dapat dipilih sekali")
    return None


def _values(prop: dict[str, Any], key: str) -> list[Any]:
    if key == "const":
        return [prop["const"]]
    if key == "oneOf":
        return [o.get("const") for o in prop["oneOf"] or [] if isinstance(o, dict)]
    return list(prop["enum"] or [])


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)
