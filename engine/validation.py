"""Checks an uploaded BPMN file before anything is stored.

The XML is parsed with a hardened parser (no DOCTYPE, no entities, no network, a size
limit); then the structure is checked against Alur's conventions (README, "Konvensi
BPMN"). Every problem names the BPMN element id and its line.
"""

import re
from collections.abc import Iterable

from lxml import etree

from . import expressions
from .calendar import InvalidDuration, parse_duration
from .errors import InvalidProcess
from .roles import KNOWN_ROLES

MAX_BPMN_BYTES = 2 * 1024 * 1024

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
NS = {"bpmn": BPMN_NS, "spiffworkflow": "http://spiffworkflow.org/bpmn/schema/1.0/core"}
KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
DECISION_PATTERN = re.compile(r"""^\s*([a-z_][a-z0-9_]*)\s*==\s*(["'])([^"']+)\2\s*$""")

_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True)

# Elements a bundled or uploaded SOP may use; anything else executable is refused.
_FLOW_NODES = {"startEvent", "endEvent", "userTask", "exclusiveGateway", "parallelGateway",
               "boundaryEvent"}
_REFUSED = {"scriptTask": "script task", "serviceTask": "service task",
            "subProcess": "subprocess", "callActivity": "call activity",
            "sendTask": "send task", "receiveTask": "receive task",
            "businessRuleTask": "business rule task", "task": "task tanpa jenis",
            "manualTask": "manual task", "intermediateCatchEvent": "intermediate event",
            "intermediateThrowEvent": "intermediate event",
            "inclusiveGateway": "inclusive gateway", "eventBasedGateway": "event-based gateway",
            "complexGateway": "complex gateway", "transaction": "transaction"}


def read_xml(data: bytes) -> etree._Element:
    """Parse ``data`` as XML with the hardened parser and return the root element.

    Raises:
        InvalidProcess: too large, a DOCTYPE, or not well-formed XML.
    """
    if len(data) > MAX_BPMN_BYTES:
        raise InvalidProcess([f"Berkas terlalu besar ({len(data):,} bita); batasnya "
                              f"{MAX_BPMN_BYTES:,} bita."])
    if re.search(rb"<!DOCTYPE|<!ENTITY", data, re.IGNORECASE):
        raise InvalidProcess(["Berkas memuat DOCTYPE atau ENTITY; BPMN tidak memerlukannya "
                              "dan Alur menolaknya demi keamanan."])
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        raise InvalidProcess([f"Berkas bukan XML yang sah (baris {error.lineno}): {error.msg}"]
                             ) from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        raise InvalidProcess(["Berkas bukan BPMN 2.0: elemen akarnya harus bpmn:definitions."])
    return root


def executable_process(root: etree._Element) -> etree._Element:
    """Return the file's single executable ``bpmn:process``.

    Raises:
        InvalidProcess: none, or more than one.
    """
    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"] or processes
    if len(executable) != 1:
        raise InvalidProcess([f"Berkas harus memuat tepat satu bpmn:process yang dapat "
                              f"dijalankan; ditemukan {len(executable)}."])
    return executable[0]


def check_structure(process: etree._Element) -> None:
    """Check ``process`` against Alur's BPMN conventions.

    Raises:
        InvalidProcess: listing every problem found, each naming element id and line.
    """
    problems = list(_problems(process))
    if problems:
        raise InvalidProcess(problems)


def where(element: etree._Element) -> str:
    """``'<tag> "<id>" (baris N)'``, to name an element in a message."""
    tag = etree.QName(element).localname
    return f'{tag} "{element.get("id", "?")}" (baris {element.sourceline})'


def _problems(process: etree._Element) -> Iterable[str]:
    key = process.get("id", "")
    if not KEY_PATTERN.match(key):
        yield (f"{where(process)}: id proses harus huruf, angka, _ atau -, diawali huruf "
               "(misalnya penanganan_gangguan_server).")
    nodes = {}
    for child in process:
        if not isinstance(child.tag, str):
            continue
        tag = etree.QName(child).localname
        if tag in _REFUSED:
            yield f"{where(child)}: {_REFUSED[tag]} tidak didukung oleh Alur."
        elif tag in _FLOW_NODES:
            nodes[child.get("id")] = child
    yield from _check_events(process, nodes)
    yield from _check_lanes(process, nodes)
    yield from _check_flows(process, nodes)
    yield from _check_timers(process)


def _check_events(process: etree._Element, nodes: dict) -> Iterable[str]:
    starts = process.findall("bpmn:startEvent", NS)
    if len(starts) != 1:
        yield f"{where(process)}: proses harus punya tepat satu start event; ada {len(starts)}."
    for start in starts:
        if len(start):
            definitions = [etree.QName(c).localname for c in start
                           if isinstance(c.tag, str) and c.tag.endswith("EventDefinition")]
            if definitions:
                yield f"{where(start)}: start event harus start event biasa (tanpa {definitions[0]})."
    if not process.findall("bpmn:endEvent", NS):
        yield f"{where(process)}: proses tidak punya end event, sehingga tidak akan pernah selesai."


def _check_lanes(process: etree._Element, nodes: dict) -> Iterable[str]:
    in_lane = set()
    for lane in process.iterfind(".//bpmn:lane", NS):
        name = (lane.get("name") or "").strip()
        if name not in KNOWN_ROLES:
            yield (f'{where(lane)}: nama lane "{name}" bukan peran yang dikenal '
                   f"({', '.join(KNOWN_ROLES)}).")
        in_lane.update(ref.text for ref in lane.findall("bpmn:flowNodeRef", NS))
    for task in process.findall("bpmn:userTask", NS):
        if task.get("id") not in in_lane:
            yield f"{where(task)}: user task harus berada di dalam lane (lane = peran Pelaksana)."


def _check_flows(process: etree._Element, nodes: dict) -> Iterable[str]:
    successors: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        for end in (source, target):
            if end not in nodes:
                yield f'{where(flow)}: merujuk elemen "{end}" yang tidak ada.'
        if source in nodes and target in nodes:
            successors[source].add(target)
        condition = flow.find("bpmn:conditionExpression", NS)
        if condition is not None:
            try:
                expressions.check(condition.text or "")
            except expressions.UnsafeExpression as error:
                yield f"{where(flow)}: kondisi ditolak: {error}"
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        if boundary.get("attachedToRef") not in nodes:
            yield f"{where(boundary)}: attachedToRef tidak merujuk elemen yang ada."
        elif boundary.get("id") in successors:
            successors[boundary.get("attachedToRef")].add(boundary.get("id"))
    yield from _check_reach_end(nodes, successors)


def _check_reach_end(nodes: dict, successors: dict[str, set[str]]) -> Iterable[str]:
    ends = {node_id for node_id, node in nodes.items() if etree.QName(node).localname == "endEvent"}
    reaches_end = set(ends)
    changed = True
    while changed:
        changed = False
        for node_id, targets in successors.items():
            if node_id not in reaches_end and targets & reaches_end:
                reaches_end.add(node_id)
                changed = True
    if not ends:
        return
    for node_id, node in nodes.items():
        if node_id not in reaches_end:
            yield f"{where(node)}: tidak ada jalur dari elemen ini ke end event."


def _check_timers(process: etree._Element) -> Iterable[str]:
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        timer = boundary.find("bpmn:timerEventDefinition", NS)
        if timer is None:
            continue
        if boundary.get("cancelActivity", "true") != "false":
            yield (f"{where(boundary)}: timer Waktu harus non-interrupting "
                   '(cancelActivity="false"), agar langkah tetap dapat diselesaikan.')
        duration = timer.find("bpmn:timeDuration", NS)
        if duration is None:
            yield f"{where(boundary)}: timer harus memakai timeDuration (timeDate/timeCycle tidak didukung)."
            continue
        try:
            value = expressions.check(duration.text or "")
            if not isinstance(getattr(value, "value", None), str):
                raise InvalidDuration(
                    f"durasi harus ditulis dalam tanda kutip, misalnya \"PT30M\", bukan {duration.text}")
            parse_duration(value.value)
        except (expressions.UnsafeExpression, InvalidDuration) as error:
            yield f"{where(boundary)}: durasi timer ditolak: {error}"


def decision_of(flow: etree._Element) -> tuple[str, str] | None:
    """``(variable, value)`` of a condition written ``variable == "value"``, else None."""
    condition = flow.find("bpmn:conditionExpression", NS)
    match = DECISION_PATTERN.match(condition.text or "") if condition is not None else None
    return (match.group(1), match.group(3)) if match else None
