"""What a new SOP version changes in its forms and decisions, for the version page's list
of differences (``engine.process.versions.diff_versions``): a start form's new required
field is what an administrator must know before activating, since every start must then
give it (the authoring probe: the list named steps only)."""

from dataclasses import dataclass
from typing import Any

from engine.bpmn.forms import fields

# The generated fields of every step; a step's other generated choice is its decision.
_GENERATED = ("catatan", "kelengkapan")


@dataclass(frozen=True)
class FormChange:
    """The fields a form gained, lost and changed (their labels), ``where``: ``None`` for
    the start form, else the step's name."""

    where: str | None
    added: list[str]
    removed: list[str]
    changed: list[str]


def form_change(where: str | None, before: dict[str, Any] | None,
                after: dict[str, Any] | None) -> FormChange | None:
    """How the declared form ``after`` (``{"schema", "ui"}`` or None) differs from
    ``before``, field by field (type, label, choices, required, help); None when alike."""
    old = {field["name"]: field for field in fields(before)}
    new = {field["name"]: field for field in fields(after)}
    change = FormChange(
        where, [field["label"] for name, field in new.items() if name not in old],
        [field["label"] for name, field in old.items() if name not in new],
        [field["label"] for name, field in new.items() if name in old and old[name] != field])
    return change if change.added or change.removed or change.changed else None


def decision_of(step: dict[str, Any]) -> list[str]:
    """The labels of a step's decision (the choice of the gateway after it), [] without."""
    return next((
        [choice["label"] for choice in field.get("choices", [])]
        for field in step.get("fields", [])
        if field.get("type") == "choice" and field["name"] not in _GENERATED), [])
