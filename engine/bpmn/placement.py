"""Where each element of an uploaded BPMN may stand, and which attributes it may carry.

Part of the upload check (``engine.bpmn.validation``): an allow-list of BPMN children per
parent, the SpiffWorkflow extensions Alur reads, and attributes only from the namespaces
of BPMN, its diagram, SpiffWorkflow and XML Schema instance. Anything else is refused by
name, because Alur would ignore it silently (a Camunda assignee, an asynchronous
continuation) or because it carries code.
"""

from collections.abc import Iterator

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.xml import BPMN_NS, DI_NAMESPACES, NS, XSI_NS, where

# Flow nodes of the process graph. Script tasks are nodes too, but refused unless they
# call a registered function (engine.bpmn.expressions.check_call); there are none yet.
FLOW_NODES = {"startEvent", "endEvent", "userTask", "scriptTask", "exclusiveGateway",
              "parallelGateway", "boundaryEvent"}
REFUSED = {"serviceTask": "service task", "subProcess": "subprocess",
           "callActivity": "call activity", "sendTask": "send task",
           "receiveTask": "receive task", "businessRuleTask": "business rule task",
           "task": "task tanpa jenis", "manualTask": "manual task",
           "intermediateCatchEvent": "intermediate event",
           "intermediateThrowEvent": "intermediate event",
           "inclusiveGateway": "inclusive gateway", "eventBasedGateway": "event-based gateway",
           "complexGateway": "complex gateway", "transaction": "transaction",
           "adHocSubProcess": "subprocess"}

# Where each BPMN element may appear: parent -> allowed BPMN children. Absent parents
# (documentation, conditionExpression, flowNodeRef, ...) allow none. Loops, multi-instance,
# data associations, resource roles, messages and signals are therefore refused.
_COMMON = {"documentation", "extensionElements"}
_NODE = _COMMON | {"incoming", "outgoing"}
_ALLOWED_CHILDREN = {
    "definitions": _COMMON | {"collaboration", "process", "escalation", "category",
                              "itemDefinition"},
    "collaboration": _COMMON | {"participant", "messageFlow", "textAnnotation", "association",
                                "group"},
    "process": _COMMON | FLOW_NODES | {"laneSet", "sequenceFlow", "textAnnotation",
                                       "association", "group"},
    "laneSet": {"lane"},
    "lane": _COMMON | {"flowNodeRef"},
    "category": {"categoryValue"},
    "textAnnotation": _COMMON | {"text"},
    **{name: _COMMON for name in ("participant", "messageFlow", "association", "group",
                                  "escalation", "itemDefinition", "escalationEventDefinition",
                                  "terminateEventDefinition")},
    **{name: _NODE for name in ("startEvent", "userTask", "exclusiveGateway",
                                "parallelGateway")},
    "scriptTask": _NODE | {"script"},
    "endEvent": _NODE | {"escalationEventDefinition", "terminateEventDefinition"},
    "boundaryEvent": _NODE | {"timerEventDefinition"},
    "timerEventDefinition": _COMMON | {"timeDuration", "timeDate", "timeCycle"},
    "sequenceFlow": _COMMON | {"conditionExpression"},
}
# SpiffWorkflow extensions Alur reads; others (preScript, postScript, ...) carry code.
_SPIFF_ALLOWED = {("extensionElements", "properties"), ("properties", "property")}
# Namespaces whose attributes a BPMN element may carry (``xsi:type`` on expressions).
# Any other (camunda:assignee, camunda:asyncBefore, zeebe:..., activiti:...) would be read
# by its own engine only: Alur ignoring it silently would mislead the modeller.
_ATTRIBUTE_NAMESPACES = {BPMN_NS, NS["spiffworkflow"], XSI_NS} | DI_NAMESPACES
_FOREIGN_ATTRIBUTE_HINTS = {
    "assignee": "gunakan lane untuk pelaksana",
    "candidateUsers": "gunakan lane untuk pelaksana",
    "candidateGroups": "gunakan lane untuk pelaksana",
    "asyncBefore": "Alur menjalankan setiap langkah dalam satu transaksi",
    "asyncAfter": "Alur menjalankan setiap langkah dalam satu transaksi",
    "dueDate": "Waktu ditulis sebagai boundary timer non-interrupting",
    "formKey": "formulir dibentuk dari gateway keputusan sesudah langkah",
}


def placement_problems(root: etree._Element) -> Iterator[str]:
    """Every element of the document under ``root`` must be allow-listed where it stands,
    with no attribute of another engine; yields one sentence per refused element (its
    subtree is then skipped)."""
    stack = [root]
    while stack:
        parent = stack.pop()
        kept = []
        for child in parent.iterchildren(tag=etree.Element):
            problem = _misplaced(child, parent)
            if problem:
                yield problem
            else:
                kept.append(child)
        stack.extend(reversed(kept))


def _misplaced(child: etree._Element, parent: etree._Element) -> str | None:
    namespace, tag = etree.QName(child).namespace, etree.QName(child).localname
    parent_namespace, parent_tag = etree.QName(parent).namespace, etree.QName(parent).localname
    if namespace == BPMN_NS and parent_namespace == BPMN_NS:
        if tag in _ALLOWED_CHILDREN.get(parent_tag, ()):
            return _foreign_attribute(child)
        timer = child.find("bpmn:timerEventDefinition", NS)
        if tag == "intermediateCatchEvent" and timer is not None:
            return (f"{where(child)}: timer antara (intermediate timer) tidak didukung; Waktu "
                    "ditulis sebagai boundary timer non-interrupting pada user task.")
        if tag in REFUSED and parent_tag == "process":
            return f"{where(child)}: {REFUSED[tag]} tidak didukung oleh Alur."
        return f"{where(child)}: unsur bpmn:{tag} tidak didukung di dalam {where(parent)}."
    if namespace in DI_NAMESPACES and (parent_namespace in DI_NAMESPACES
                                        or (parent_tag, tag) == ("definitions", "BPMNDiagram")):
        return None
    if namespace == NS["spiffworkflow"]:
        if tag in ("preScript", "postScript") and parent_tag == "extensionElements":
            try:
                expressions.check_call(child.text or "")
            except expressions.UnsafeExpression as error:
                return f"{where(child)}: skrip {tag} tidak diizinkan: {error}."
            return None
        if (parent_tag, tag) in _SPIFF_ALLOWED:
            if tag == "property" and (child.get("name") is None or child.get("value") is None):
                return f"{where(child)}: spiffworkflow:property harus punya name dan value."
            return None
    label = f"{child.prefix}:{tag}" if child.prefix else tag
    return (f"{where(child)}: unsur {label} tidak didukung di dalam {where(parent)} (Alur hanya "
            "membaca unsur BPMN dan spiffworkflow:properties di dalam extensionElements).")


def _foreign_attribute(element: etree._Element) -> str | None:
    """The first attribute of ``element`` in a namespace Alur does not read, as a refusal."""
    for name in element.attrib:
        qualified = etree.QName(name)
        if qualified.namespace is None or qualified.namespace in _ATTRIBUTE_NAMESPACES:
            continue
        prefix = next((key for key, value in element.nsmap.items()
                       if value == qualified.namespace and key), "")
        label = f"{prefix}:{qualified.localname}" if prefix else name
        hint = _FOREIGN_ATTRIBUTE_HINTS.get(
            qualified.localname, "Alur hanya membaca atribut BPMN dan tidak menjalankan "
            "ekstensi mesin lain")
        return f"{where(element)}: {label} tidak didukung: {hint}."
    return None
