"""Conditions checked against the forms that fill their data, at upload: a gateway that
compares a text field with a number (``jumlah > 5`` where the form says ``jumlah: teks``),
a number field with a text, or a choice field with a value it does not offer, can never
decide as its modeller meant. Evaluated, the first stops every case in Galat (text and
number cannot be ordered, ``engine.bpmn.expressions.ConditionMismatch``); the others are
silently false on every case. Part of the upload check (``engine.process.deploy``)."""

import ast
from collections.abc import Iterator
from typing import Any

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.catalog import task_properties
from engine.bpmn.conventions import ROUND_THE_CLOCK_PROPERTY
from engine.bpmn.forms import fields
from engine.bpmn.xml import NS, where
from engine.errors import InvalidProcess

_TEXT_KINDS = ("text", "textarea", "date", "datetime")
_KIND_WORDS = {"text": "teks", "textarea": "teks panjang", "date": "tanggal",
               "datetime": "tanggal dan jam", "number": "angka", "choice": "pilihan"}


def check_condition_kinds(process: etree._Element, catalog: dict[str, Any]) -> None:
    """Refuse the conditions of ``process`` that compare a declared form field with a
    value of another kind (catalog: ``engine.bpmn.catalog.build_catalog``'s). A name no
    form declares, or declares with two kinds, is not judged: its data may come from the
    API.

    Raises:
        InvalidProcess: one problem per condition, naming its flow, line and field.
    """
    declared = _declared(catalog)
    problems = []
    for element, what, text, conditional in _conditions(process):
        for name, value in _compared(expressions.check(text, conditional=conditional)):
            said = _mismatch(declared.get(name), name, value)
            if said:
                problems.append(f"{where(element)}: {what} {said}.")
    if problems:
        raise InvalidProcess(problems)


def _conditions(process: etree._Element) -> Iterator[tuple[etree._Element, str, str, bool]]:
    """``(element, what it is in words, expression, conditional)`` of every expression that
    compares data: a gateway's conditions, a timer's duration chosen by case data, and a
    step's ``sepanjang_waktu`` when it is a condition (BPMN probe: the last two were not
    checked, and every case reaching them stopped in Galat). Each was checked safe before
    (``engine.bpmn.validation``)."""
    for flow in process.iter(f"{{{NS['bpmn']}}}sequenceFlow"):
        condition = flow.find("bpmn:conditionExpression", NS)
        if condition is not None:
            yield flow, "kondisi", condition.text or "", False
    for timer in process.iter(f"{{{NS['bpmn']}}}boundaryEvent"):
        duration = timer.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
        if duration is not None:
            yield timer, "durasi timernya", duration.text or "", True
    for task in process.iter(f"{{{NS['bpmn']}}}userTask"):
        rule = task_properties(task).get(ROUND_THE_CLOCK_PROPERTY, "").strip()
        if rule.lower() not in ("", "ya", "tidak"):
            yield task, f"properti {ROUND_THE_CLOCK_PROPERTY}", rule, False


def _declared(catalog: dict[str, Any]) -> dict[str, dict[str, Any]]:
    forms = [catalog.get("start_form"), *(task.get("form") for task in catalog["tasks"].values())]
    found: dict[str, dict[str, Any]] = {}
    twice: set[str] = set()
    for field in (field for form in forms for field in fields(form)):
        known = found.setdefault(field["name"], field)
        if known["kind"] != field["kind"]:
            twice.add(field["name"])
    return {name: field for name, field in found.items() if name not in twice}


def _compared(tree: ast.AST) -> Iterator[tuple[str, Any]]:
    """``(name, constant)`` of each comparison of a data name with a fixed value."""
    for node in ast.walk(tree):
        if not isinstance(node, ast.Compare):
            continue
        sides = [node.left, *node.comparators]
        for left, op, right in zip(sides, node.ops, sides[1:]):
            if isinstance(op, (ast.In, ast.NotIn)):
                continue
            for name, value in ((left, right), (right, left)):
                if isinstance(name, ast.Name) and isinstance(value, ast.Constant) \
                        and value.value is not None:
                    yield name.id, value.value


def _mismatch(field: dict[str, Any] | None, name: str, value: Any) -> str | None:
    if field is None:
        return None
    kind, label = field["kind"], f'"{field["label"]}" ({name})'
    number = isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind in _TEXT_KINDS and number:
        return (f"membandingkan kolom {_KIND_WORDS[kind]} {label} dengan angka {value}, yang "
                f"tidak pernah cocok; jadikan kolomnya angka ({name}: angka) atau tulis "
                f'nilainya dalam tanda kutip ("{value}")')
    if kind == "number" and isinstance(value, str):
        return (f'membandingkan kolom angka {label} dengan teks "{value[:40]}", yang tidak '
                "pernah cocok; tulis angkanya tanpa tanda kutip")
    offered = [choice["value"] for choice in field["choices"]]
    if kind == "choice" and number:  # its values are texts (regression probe: Galat)
        return (f"membandingkan kolom pilihan {label} dengan angka {value}, yang tidak pernah "
                f"cocok; bandingkan dengan salah satu pilihannya dalam tanda kutip "
                f'({", ".join(offered[:10])})')
    if kind == "choice" and isinstance(value, str) and offered and value not in offered:
        return (f'menguji kolom pilihan {label} dengan "{value[:40]}", yang tidak ada di '
                f"pilihannya ({', '.join(offered[:10])})")
    return None
