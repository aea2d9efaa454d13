"""Gateways that test data no form asks for, refused at upload (found by the engine probe):
a decision gateway reached otherwise than straight from the user task that decides it (after
a parallel join, after another gateway, after the start event) is asked on no form, so every
case stops in Galat there. Part of the upload check (``engine.process.deploy``).

Data a gateway tests comes from a form: the start form, a step's declared form, or the
decision field a step asks for the gateway right after it (``engine.bpmn.catalog``). An SOP
without a start form may also be started through the API with any data (``engine.process.
case.start_data``), so its gateways are not judged; a gateway with a default flow always has
a way on."""

import ast
from typing import Any

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.forms import fields
from engine.bpmn.xml import NS, where
from engine.errors import InvalidProcess


def check_asked(process: etree._Element, catalog: dict[str, Any]) -> None:
    """Refuse an exclusive gateway of ``process`` without a default flow whose conditions
    test a name no form of the SOP asks for (catalog: ``build_catalog``'s), when the SOP
    has a start form.

    Raises:
        InvalidProcess: one problem per gateway, naming it, its line and the names.
    """
    if catalog.get("start_form") is None:
        return
    asked = {field["name"] for field in fields(catalog["start_form"])}
    for task in catalog["tasks"].values():
        asked |= {field["name"] for field in task["fields"]}
        asked |= {field["name"] for field in fields(task.get("form"))}
    problems = []
    for gateway in process.iterfind("bpmn:exclusiveGateway", NS):
        if gateway.get("default"):
            continue
        tested = set()
        for flow in process.iterfind(f'bpmn:sequenceFlow[@sourceRef="{gateway.get("id")}"]', NS):
            condition = flow.find("bpmn:conditionExpression", NS)
            if condition is not None:
                tested |= {node.id for node in ast.walk(expressions.check(condition.text or ""))
                           if isinstance(node, ast.Name)}
        unasked = sorted(tested - asked)
        if unasked:
            problems.append(
                f"{where(gateway)}: kondisinya menguji {', '.join(unasked)}, yang tidak "
                "ditanyakan formulir mana pun (formulir mulai, formulir langkah, atau "
                "keputusan langkah tepat sebelum gateway), jadi setiap proses berhenti Galat "
                "di sini. Letakkan gateway keputusan tepat setelah user task yang "
                "memutuskannya, tambahkan kolom itu ke formulir, atau beri gateway alur "
                "default.")
    if problems:
        raise InvalidProcess(problems)
