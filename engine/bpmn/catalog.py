"""What the inbox and the task page need of a process definition, read once at deploy.

The catalog is ``{"name", "lanes", "mttr", "priority_field", "tasks": {user task id:
entry}}`` where an entry is ``{"name", "lane", "no", "kelengkapan", "waktu", "output",
"keterangan", "duration", "round_the_clock", "catatan_konversi", "fields"}``: the Kegiatan and its Mutu Baku
(Permenpan RB 35/2012), the timer's ISO duration (None when the Waktu is "Relatif" or
similar) and the form fields the next gateway needs.

Facts about the SOP as a whole are process-level ``spiffworkflow:property`` elements
(README, "Konvensi BPMN"): ``mttr`` = ``ya`` makes it an incident SOP whose mean time to
resolve is SKP evidence (seed 000: critical tickets within 1 hour, major within 4), and
``data_prioritas`` names the process data field holding an instance's priority
(default ``prioritas``).
"""

import re
from typing import Any

from lxml import etree

from engine.bpmn.conventions import (
    CONVERSION_NOTE_PROPERTY,
    DEFAULT_PRIORITY_FIELD,
    MTTR_PROPERTY,
    PRIORITY_FIELD_PROPERTY,
    ROUND_THE_CLOCK_PROPERTY,
    decision_of,
)
from engine.bpmn.xml import NS, where
from engine.errors import InvalidProcess
from engine.time.duration import (
    InvalidDuration,
    duration_words,
    office_parts,
    waktu_duration,
    waktu_text,
)

MUTU_BAKU = ("no", "kelengkapan", "waktu", "output", "keterangan")


NOTE_FIELD = {"name": "catatan", "type": "text", "required": False, "label": "Catatan",
              "choices": []}


def build_catalog(process: etree._Element) -> dict[str, Any]:
    """Build the catalog of a structurally checked ``bpmn:process`` element.

    Raises:
        InvalidProcess: a gateway after a user task has a condition not written
            ``variable == "value"`` (Alur could not ask the user for it).
    """
    lane_of = {}
    lanes = []
    for lane in process.iterfind(".//bpmn:lane", NS):
        lanes.append(lane.get("name").strip())
        for ref in lane.findall("bpmn:flowNodeRef", NS):
            lane_of[ref.text] = lane.get("name").strip()
    flows_from: dict[str, list[etree._Element]] = {}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        flows_from.setdefault(flow.get("sourceRef"), []).append(flow)
    elements = {el.get("id"): el for el in process if isinstance(el.tag, str)}
    durations = _timer_durations(process)

    tasks, problems = {}, []
    for task in process.findall("bpmn:userTask", NS):
        task_id = task.get("id")
        properties = {
            prop.get("name"): prop.get("value", "")
            for prop in task.iterfind(".//spiffworkflow:property", NS)
        }
        fields = [NOTE_FIELD] + checklist_field(properties.get("kelengkapan", ""))
        for flow in flows_from.get(task_id, []):
            gateway = elements.get(flow.get("targetRef"))
            if gateway is not None and etree.QName(gateway).localname == "exclusiveGateway":
                field, problem = _decision_field(gateway, flows_from.get(gateway.get("id"), []))
                fields += [field] if field else []
                problems += [problem] if problem else []
        problems += _waktu_disagrees(task, properties.get("waktu", ""), durations.get(task_id))
        tasks[task_id] = {
            "name": (task.get("name") or task_id).strip(),
            "lane": lane_of.get(task_id),
            **{key: properties.get(key, "") for key in MUTU_BAKU},
            "waktu": waktu_text(properties.get("waktu", "")),
            "duration": durations.get(task_id),
            "round_the_clock": properties.get(ROUND_THE_CLOCK_PROPERTY, "").lower() == "ya",
            "catatan_konversi": properties.get(CONVERSION_NOTE_PROPERTY, ""),
            "fields": fields,
        }
    if problems:
        raise InvalidProcess(problems)
    facts = process_properties(process)
    return {"name": process_name(process), "lanes": lanes,
            "mttr": facts.get(MTTR_PROPERTY, "").strip().lower() == "ya",
            "priority_field": facts.get(PRIORITY_FIELD_PROPERTY, "").strip()
            or DEFAULT_PRIORITY_FIELD,
            "tasks": tasks}


def process_properties(process: etree._Element) -> dict[str, str]:
    """The process-level ``spiffworkflow:property`` values (not those of its tasks):
    ``{name: value}``."""
    found = {}
    for prop in process.findall("bpmn:extensionElements/spiffworkflow:properties/"
                                "spiffworkflow:property", NS):
        found[prop.get("name", "")] = prop.get("value", "")
    return found


def checklist_field(kelengkapan: str) -> list[dict[str, Any]]:
    """The Kelengkapan (Permenpan RB 35/2012, Mutu Baku) as a checklist the performer
    ticks: one item per comma, semicolon or line; none when the column is empty."""
    items = [item.strip() for item in re.split(r"[,;\n]", kelengkapan) if item.strip()]
    if not items:
        return []
    return [{"name": "kelengkapan", "type": "checklist", "required": False,
             "label": "Kelengkapan", "choices": [{"value": i, "label": i} for i in items]}]


def process_name(process: etree._Element) -> str:
    """The SOP's name: the process name, else the participant's, else the id."""
    if process.get("name"):
        return process.get("name").strip()
    root = process.getroottree().getroot()
    for participant in root.iterfind(".//bpmn:participant", NS):
        if participant.get("processRef") == process.get("id") and participant.get("name"):
            return participant.get("name").strip()
    return process.get("id")


def _waktu_disagrees(task: etree._Element, waktu: str, duration: str | None) -> list[str]:
    """A problem when the step's Waktu text and its timer's ``timeDuration`` are both
    lengths of time and differ (README, "Konvensi BPMN"): the SOP document and the
    steps table print the text, the deadline follows the timer, so both must say the
    same. A free-text Waktu ("Relatif", "1-2 hari") is not compared."""
    if not duration:
        return []
    try:
        written = waktu_duration(waktu)
        if written is None or office_parts(written) == office_parts(duration):
            return []
    except InvalidDuration:
        return []
    name = (task.get("name") or "").strip()
    return [(f'{where(task)} "{name}": Waktu "{waktu}" tidak sama dengan timeDuration '
             f'"{duration}" pada timernya ({duration_words(duration)}); samakan keduanya.')]


def _timer_durations(process: etree._Element) -> dict[str, str]:
    durations = {}
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        duration = boundary.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
        if duration is not None:
            durations[boundary.get("attachedToRef")] = duration.text.strip().strip("\"'")
    return durations


def _decision_field(gateway: etree._Element, flows: list[etree._Element]
                    ) -> tuple[dict | None, str | None]:
    variables, choices = set(), []
    for flow in flows:
        decision = decision_of(flow)
        if decision is None:
            return None, (f"{where(flow)}: kondisi setelah {where(gateway)} harus ditulis "
                          'nama == "nilai" (misalnya keputusan == "setuju"), agar Alur dapat '
                          "menanyakannya pada formulir tugas.")
        variables.add(decision[0])
        choices.append({"value": decision[1], "label": (flow.get("name") or decision[1]).strip()})
    if len(variables) != 1:
        return None, (f"{where(gateway)}: semua alur keluar harus menguji satu variabel yang "
                      f"sama; ditemukan {sorted(variables)}.")
    return {"name": variables.pop(), "type": "choice", "required": True,
            "label": (gateway.get("name") or "Keputusan").strip(), "choices": choices}, None
