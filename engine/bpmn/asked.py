"""Gateways that test data no form before them asks for, refused at upload (found by the
engine probe, and by the regression probe for a form after the gateway):
a decision gateway reached otherwise than straight from the user task that decides it (after
a parallel join, after another gateway, after the start event) is asked on no form, so every
case stops in Galat there. Part of the upload check (``engine.process.deploy``).

Data a gateway tests comes from a form: the start form, a step's declared form, or the
decision field a step asks for the gateway right after it (``engine.bpmn.catalog``). An SOP
without a start form may also be started through the API with any data (``engine.process.
case.start_data``), so its gateways are not judged; a gateway with a default flow always has
a way on."""

import ast
from collections.abc import Callable
from typing import Any

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.forms import fields
from engine.bpmn.xml import NS, where
from engine.errors import InvalidProcess


def check_asked(process: etree._Element, catalog: dict[str, Any]) -> None:
    """Refuse an exclusive gateway of ``process`` without a default flow whose conditions
    test a name asked neither by the start form nor by a step upstream of the gateway
    (catalog: ``build_catalog``'s), when the SOP has a start form.

    Raises:
        InvalidProcess: one problem per gateway, naming it, its line and the names.
    """
    if catalog.get("start_form") is None:
        return
    started = {field["name"] for field in fields(catalog["start_form"])}
    by_task = {task_id: {field["name"] for field in task["fields"]}
               | {field["name"] for field in fields(task.get("form"))}
               for task_id, task in catalog["tasks"].items()}
    upstream = _upstream(process)
    problems = []
    for gateway in process.iterfind("bpmn:exclusiveGateway", NS):
        if gateway.get("default"):
            continue
        asked = started.union(*(by_task.get(node, set())
                                for node in upstream(gateway.get("id"))))
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
                "ditanyakan formulir mana pun sebelum gateway ini (formulir mulai, formulir "
                "langkah yang mendahuluinya, atau keputusan langkah tepat sebelum gateway), "
                "jadi setiap proses berhenti Galat di sini. Letakkan gateway keputusan tepat "
                "setelah user task yang memutuskannya, tambahkan kolom itu ke formulir, atau "
                "beri gateway alur default.")
    if problems:
        raise InvalidProcess(problems)


def _upstream(process: etree._Element) -> Callable[[str], set[str]]:
    """For an element id, the ids of the elements from which a path of sequence flows leads
    to it, with every element inside an embedded subprocess on such a path: a step after
    the gateway (and not on a loop back to it) has not asked anything yet when the gateway
    is first reached. The flows are read once per process."""
    incoming: dict[str, set[str]] = {}
    for flow in process.iterfind(".//bpmn:sequenceFlow", NS):
        incoming.setdefault(flow.get("targetRef"), set()).add(flow.get("sourceRef"))
    inside = {sub.get("id"): [inner.get("id") for inner in sub.iterfind(".//*[@id]")]
              for sub in process.iterfind(".//bpmn:subProcess", NS)}

    def before(target: str) -> set[str]:
        found: set[str] = set()
        waiting = [target]
        while waiting:
            for source in incoming.get(waiting.pop(), set()) - found:
                for element in (source, *inside.get(source, ())):
                    found.add(element)
                    waiting.append(element)
        return found
    return before
