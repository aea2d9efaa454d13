"""Walking a form's JSON Schema (``engine.bpmn.forms``): the keywords it uses and where, and
how deeply a parsed JSON value nests."""

from collections.abc import Iterator
from typing import Any

# Keywords whose values are data, not schemas (their keys are not keywords).
_DATA_KEYWORDS = {"enum", "const", "default", "examples", "title", "description"}


def keywords(schema: Any) -> Iterator[str]:
    """Every keyword used anywhere in ``schema`` (the keys of ``properties`` are field
    names, not keywords; data such as ``enum`` is not read)."""
    if isinstance(schema, list):
        for item in schema:
            yield from keywords(item)
    elif isinstance(schema, dict):
        for key, value in schema.items():
            yield key
            if key in ("properties", "$defs", "dependentSchemas") and isinstance(value, dict):
                for sub in value.values():
                    yield from keywords(sub)
            elif key not in _DATA_KEYWORDS:
                yield from keywords(value)


def depth(value: Any) -> int:
    """How deeply ``value`` (parsed JSON) nests lists and objects, counted without
    recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, level)
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, level + 1) for child in children)
    return deepest


def used_in(keyword: str, schema: dict[str, Any]) -> str:
    """`` (kolom a, b)``: the fields whose schema uses ``keyword`` (in a form of 30 fields
    the author looked for them), or "" for none (a keyword of the form itself)."""
    properties = schema.get("properties")
    names = [name for name, prop in (properties.items() if isinstance(properties, dict) else ())
             if keyword in set(keywords(prop))]
    return f" (kolom {', '.join(names)[:120]})" if names else ""
