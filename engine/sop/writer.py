"""Writing a checked SOP table as BPMN 2.0 XML (README, "Konvensi BPMN").

``engine.sop.table`` reads and checks the table; this module turns its steps into the
process (lanes, user tasks with their Mutu Baku, Waktu timers with escalation end
events, decision gateways, end events) and asks ``engine.bpmn.layout`` for the diagram.
"""

from dataclasses import dataclass, field

from lxml import etree

from engine.bpmn.conventions import CONVERSION_NOTE_PROPERTY, ROUND_THE_CLOCK_PROPERTY
from engine.bpmn.layout import Edge, Shape, diagram
from engine.bpmn.xml import BPMN_NS, NS

END = 0  # an exit's target meaning "Selesai"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
SPIFF = NS["spiffworkflow"]
NSMAP = {"bpmn": BPMN_NS, "xsi": XSI, "spiffworkflow": SPIFF}


@dataclass
class SopStep:
    """One row of the SOP table, checked.

    Attributes:
        no: the step number (No), 1-based.
        row: the spreadsheet row it came from, for messages.
        role: the Pelaksana, one of ``engine.roles.KNOWN_ROLES``.
        decision: marked ``?`` (a diamond): a gateway follows the task.
        mutu_baku: ``kelengkapan``, ``waktu`` (original text), ``output``, ``keterangan``.
        duration: the Waktu as an ISO 8601 duration, None for no deadline.
        round_the_clock: Waktu counts wall-clock time (``sepanjang_waktu``).
        catatan_konversi: the modeller's note on the conversion, for administrators.
        question: a decision's question as its table wrote it (Pertanyaan), the gateway's
            name and the decision field's label; "": the Kegiatan as a question.
        exits: ``(choice, target)`` pairs: choice "" for a process step, "Jika Ya" /
            "Jika Tidak" for a decision; target a step number or ``END``.
    """

    no: int
    row: int
    kegiatan: str
    role: str
    decision: bool
    mutu_baku: dict[str, str]
    duration: str | None
    round_the_clock: bool
    catatan_konversi: str = ""
    question: str = ""
    exits: list[tuple[str, int]] = field(default_factory=list)


def write_bpmn(key: str, name: str, properties: dict[str, str], lanes: list[str],
               steps: list[SopStep]) -> bytes:
    """Return the BPMN 2.0 XML of an SOP whose steps are checked (every exit resolvable).

    Args:
        key: the process id (Kunci Proses); name: the Nama SOP.
        properties: the SOP header (identitas), stored as process extension properties.
        lanes: the Pelaksana roles, top to bottom; every step's role is one of them.

    Returns:
        UTF-8 XML with a diagram; deterministic, so the same table gives the same bytes.
    """
    shapes, edges, conditions = _graph(lanes, steps)
    root = etree.Element(_b("definitions"), nsmap=NSMAP, id=f"Definitions_{key}",
                         targetNamespace="http://alur.local/sop", exporter="Alur sop_table",
                         exporterVersion="1.0")
    collaboration = etree.SubElement(root, _b("collaboration"), id=f"Collaboration_{key}")
    etree.SubElement(collaboration, _b("participant"), id=f"Participant_{key}", name=name,
                     processRef=key)
    process = etree.SubElement(root, _b("process"), id=key, name=name, isExecutable="true")
    _properties(process, properties)
    lane_set = etree.SubElement(process, _b("laneSet"), id=f"LaneSet_{key}")
    lane_elements = [etree.SubElement(lane_set, _b("lane"), id=_lane_id(role), name=role)
                     for role in lanes]
    flows: dict[str, list[tuple[str, str]]] = {}
    for edge in edges:
        flows.setdefault(edge.source, []).append(("outgoing", edge.id))
        flows.setdefault(edge.target, []).append(("incoming", edge.id))

    def node(tag: str, node_id: str, lane: int, **attributes: str) -> etree._Element:
        etree.SubElement(lane_elements[lane], _b("flowNodeRef")).text = node_id
        element = etree.SubElement(process, _b(tag), id=node_id, **attributes)
        for kind in ("incoming", "outgoing"):  # the schema's order
            for flow_kind, flow_id in flows.get(node_id, []):
                if flow_kind == kind:
                    etree.SubElement(element, _b(kind)).text = flow_id
        return element

    for shape, step in shapes:
        if shape.kind in ("start", "end"):
            node(f"{shape.kind}Event", shape.id, shape.lane,
                 name="Mulai" if shape.kind == "start" else "Selesai")
        elif shape.kind == "gateway":
            node("exclusiveGateway", shape.id, shape.lane, name=step.question or _question(step.kegiatan))
        else:
            task = node("userTask", shape.id, shape.lane, name=step.kegiatan)
            _properties(task, _task_properties(step), first=True)
        if shape.timer:
            timer = node("boundaryEvent", shape.timer, shape.lane, name=step.mutu_baku["waktu"],
                         cancelActivity="false", attachedToRef=shape.id)
            definition = etree.SubElement(timer, _b("timerEventDefinition"),
                                          id=f"TimerDef_{shape.id}")
            _expression(definition, "timeDuration", f'"{step.duration}"')
            escalation = node("endEvent", shape.escalation, shape.lane, name="Eskalasi")
            etree.SubElement(escalation, _b("escalationEventDefinition"),
                             id=f"EscDef_{shape.id}", escalationRef="Escalation_Waktu")
    for edge in edges:
        label, condition = conditions.get(edge.id, (None, None))
        flow = etree.SubElement(process, _b("sequenceFlow"), id=edge.id,
                                **({"name": label} if label else {}),
                                sourceRef=edge.source, targetRef=edge.target)
        if condition:
            _expression(flow, "conditionExpression", condition)
    etree.SubElement(root, _b("escalation"), id="Escalation_Waktu", name="Melewati Waktu",
                     escalationCode="waktu_terlampaui")
    root.append(diagram(f"Collaboration_{key}", f"Participant_{key}",
                        [_lane_id(role) for role in lanes], [shape for shape, _ in shapes],
                        edges))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def _graph(lanes: list[str], steps: list[SopStep]
           ) -> tuple[list[tuple[Shape, SopStep]], list[Edge], dict[str, tuple[str, str]]]:
    """The main flow nodes in column order (each with its step), the sequence flows, and
    ``{flow id: (label, condition)}`` for a decision's two flows."""
    lane_index = {role: index for index, role in enumerate(lanes)}
    shapes = [(Shape("StartEvent_1", "start", lane_index[steps[0].role]), steps[0])]
    edges = [Edge("Flow_StartEvent_1_Kegiatan_1", "StartEvent_1", "Kegiatan_1")]
    conditions: dict[str, tuple[str, str]] = {}
    for step in steps:
        task, lane = f"Kegiatan_{step.no}", lane_index[step.role]
        timed = step.duration is not None
        shapes.append((Shape(task, "task", lane, f"Waktu_{task}" if timed else None,
                             f"Eskalasi_{task}" if timed else None), step))
        if timed:
            edges.append(Edge(f"Flow_Waktu_{task}", f"Waktu_{task}", f"Eskalasi_{task}"))
        source = task
        if step.decision:
            source = f"Gateway_{step.no}"
            shapes.append((Shape(source, "gateway", lane), step))
            edges.append(Edge(f"Flow_{task}_{source}", task, source))
        if any(target == END for _, target in step.exits):
            shapes.append((Shape(f"EndEvent_{step.no}", "end", lane), step))
        for choice, target in step.exits:
            target_id = f"EndEvent_{step.no}" if target == END else f"Kegiatan_{target}"
            edges.append(Edge(f"Flow_{source}_{target_id}", source, target_id, bool(choice)))
            if choice:
                value = "ya" if choice == "Jika Ya" else "tidak"
                conditions[edges[-1].id] = (value.title(), f'keputusan_{step.no} == "{value}"')
    return shapes, edges, conditions


def _expression(parent: etree._Element, tag: str, text: str) -> None:
    expression = etree.SubElement(parent, _b(tag))
    expression.set(f"{{{XSI}}}type", "bpmn:tFormalExpression")
    expression.text = text


def _task_properties(step: SopStep) -> dict[str, str]:
    properties = {"no": str(step.no), **step.mutu_baku}
    if step.round_the_clock:
        properties[ROUND_THE_CLOCK_PROPERTY] = "ya"
    if step.catatan_konversi:
        properties[CONVERSION_NOTE_PROPERTY] = step.catatan_konversi
    return properties


def _properties(parent: etree._Element, values: dict[str, str], first: bool = False) -> None:
    """``<extensionElements><spiffworkflow:properties>``; ``first`` puts it before the
    element's children (the schema wants it before incoming/outgoing)."""
    extensions = etree.Element(_b("extensionElements"))
    parent.insert(0 if first else len(parent), extensions)
    properties = etree.SubElement(extensions, f"{{{SPIFF}}}properties")
    for name, value in values.items():
        etree.SubElement(properties, f"{{{SPIFF}}}property", name=name, value=value)


def _question(kegiatan: str, limit: int = 40) -> str:
    """The gateway's label (also the form field's label): the Kegiatan as a question."""
    if len(kegiatan) <= limit:
        return f"{kegiatan}?"
    return kegiatan[:limit].rsplit(" ", 1)[0].rstrip(",.;:") + "…?"


def _lane_id(role: str) -> str:
    return "Lane_" + role.replace(" ", "")


def _b(tag: str) -> str:
    return f"{{{BPMN_NS}}}{tag}"
