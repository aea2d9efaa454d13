"""What the inbox and the task page need of a process definition, read once at deploy.

The catalog is ``{"name", "lanes", "mttr", "priority_field", "start_form", "number_prefix",
"kelompok", "tujuan", "tasks": {user task id: entry}}`` where an entry is ``{"name", "lane",
"no", "kelengkapan", "waktu", "output", "keterangan", "duration", "round_the_clock",
"catatan_konversi", "fields", "form", "next"}``: the Kegiatan and its Mutu Baku (Permenpan RB
35/2012), the timer's ISO duration (None when the Waktu is "Relatif" or similar; the
fallback when it depends on case data, whose expression is then ``duration_rule``), the
modeller's conversion note (administrators only), the generated fields (Catatan,
Kelengkapan, the next gateway's decision, whose choices say whether they ``return`` to an
earlier step), the declared form (``engine.bpmn.forms``: ``{"schema", "ui"}`` or
None) and where the step leads (``engine.bpmn.graph.FlowGraph.next_steps``; a catalog
built before it was kept has none). ``start_form`` is the start event's form,
``number_prefix`` the prefix of process numbers.

Facts about the SOP as a whole are process-level ``spiffworkflow:property`` elements
(README, "Konvensi BPMN"): ``mttr`` = ``ya`` makes it an incident SOP whose mean time to
resolve is SKP evidence (seed 000: critical tickets within 1 hour, major within 4), and
``data_prioritas`` names the case data field holding an instance's priority (default
``prioritas``); they are the catalog's ``mttr`` and ``priority_field``. ``kelompok`` (the
group "Mulai Proses" lists the SOP under: TI, Perencanaan, Persuratan, ...) and ``tujuan``
(its purpose in one sentence) are the catalog's ``kelompok`` and ``tujuan`` ("" if absent).
"""

import re
from typing import Any

from lxml import etree

from engine.bpmn import expressions, forms
from engine.bpmn.conventions import (
    CONVERSION_NOTE_PROPERTY,
    DEFAULT_PRIORITY_FIELD,
    GROUP_PROPERTY,
    MTTR_PROPERTY,
    PRIORITY_FIELD_PROPERTY,
    PURPOSE_PROPERTY,
    ROUND_THE_CLOCK_PROPERTY,
    decision_of,
)
from engine.bpmn.graph import FlowGraph
from engine.bpmn.xml import NS, where
from engine.errors import InvalidProcess
from engine.time.duration import (
    NO_DEADLINE_WORDS,
    InvalidDuration,
    duration_words,
    office_parts,
    waktu_duration,
    waktu_text,
)

MUTU_BAKU = ("no", "kelengkapan", "waktu", "output", "keterangan")

CHECKLIST_NAME = "kelengkapan"
NOTE_FIELD = {"name": "catatan", "type": "text", "required": False, "label": "Catatan",
              "choices": []}


# A process property: the prefix of its process numbers (``LTI`` -> ``LTI-2026-0042``).
NUMBER_PREFIX_PROPERTY = "prefiks_nomor"
NUMBER_PREFIX_PATTERN = r"[A-Z0-9]{1,8}"  # upper-cased first; checked at deploy
# What a refused prefix is told (a BPMN's property, a table's row).
NUMBER_PREFIX_RULE = ('harus 1–8 huruf A–Z atau angka 0–9, tanpa spasi, tanda baca atau huruf '
                      'beraksen, mis. "LTI".')


def build_catalog(process: etree._Element, files: dict[str, bytes] | None = None
                  ) -> dict[str, Any]:
    """Build the catalog of a structurally checked ``bpmn:process`` element.

    Args:
        files: form files uploaded with the BPMN, ``{file name: bytes}``; None to skip
            the forms declared in files (e.g. the SOP document, which shows no forms).

    Raises:
        InvalidProcess: a gateway after a user task has a condition not written
            ``variable == "value"`` (Alur could not ask the user for it); a form that
            is not valid, uses unsupported fields, or names a file not uploaded; a file
            of ``files`` that no start event or user task names.
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

    tasks, problems, used = {}, [], set()
    for task in process.findall("bpmn:userTask", NS):
        task_id = task.get("id")
        properties = task_properties(task)
        fields = [NOTE_FIELD] + checklist_field(properties.get("kelengkapan", ""))
        for flow in flows_from.get(task_id, []):
            gateway = elements.get(flow.get("targetRef"))
            # A gateway with one way out only merges (an XOR merge): nothing to decide.
            if gateway is not None and etree.QName(gateway).localname == "exclusiveGateway" \
                    and len(flows_from.get(gateway.get("id"), [])) > 1:
                field, problem = _decision_field(gateway, flows_from.get(gateway.get("id"), []))
                fields += [field] if field else []
                problems += [problem] if problem else []
        problems += _waktu_disagrees(task, properties.get("waktu", ""), durations.get(task_id),
                                     chosen=f"{task_id}:rule" in durations)
        tasks[task_id] = {
            "name": (task.get("name") or task_id).strip(),
            "lane": lane_of.get(task_id),
            **{key: properties.get(key, "") for key in MUTU_BAKU},
            "waktu": waktu_text(properties.get("waktu", "")),
            "duration": durations.get(task_id),
            "duration_rule": durations.get(f"{task_id}:rule"),
            "round_the_clock": properties.get(ROUND_THE_CLOCK_PROPERTY, "").lower() == "ya",
            "catatan_konversi": properties.get(CONVERSION_NOTE_PROPERTY, ""),
            "fields": fields,
            "form": _declared_form(task, properties, fields, files, problems, used),
        }
        _mark_returns(task_id, fields, flows_from, elements)
    graph, names = FlowGraph(process), {task_id: task["name"] for task_id, task in tasks.items()}
    for task_id, task in tasks.items():
        task["next"] = graph.next_steps(task_id, names)
    start = process.find("bpmn:startEvent", NS)
    start_form = None if start is None else _declared_form(
        start, process_properties(start), [], files, problems, used)
    for field in forms.fields(start_form):
        if field["kind"] == "file":  # nothing is attached before the process exists
            problems.append(f'{where(start)}: kolom berkas "{field["name"]}" tidak dapat '
                            "berada di formulir mulai (belum ada lampiran sebelum proses "
                            "dimulai); mintalah berkasnya di langkah pertama.")
    # A file no element reads would only make a new version that differs in nothing.
    problems += [f'Berkas "{name[:200]}" tidak disebut oleh elemen mana pun di BPMN '
                 f"({forms.SCHEMA_PROPERTY} atau {forms.UI_PROPERTY} pada start event atau "
                 "user task); hapus dari unggahan atau sebut namanya."
                 for name in sorted(set(files or {}) - used)]
    if problems:
        raise InvalidProcess(problems)
    facts = process_properties(process)
    return {"name": process_name(process), "lanes": lanes, "tasks": tasks,
            "start_form": start_form, "number_prefix": number_prefix(process),
            "mttr": facts.get(MTTR_PROPERTY, "").strip().lower() == "ya",
            "priority_field": facts.get(PRIORITY_FIELD_PROPERTY, "").strip()
            or DEFAULT_PRIORITY_FIELD,
            "kelompok": " ".join(facts.get(GROUP_PROPERTY, "").split()),
            "tujuan": " ".join(facts.get(PURPOSE_PROPERTY, "").split()),
            # The process's own properties as written (the SOP document's identitas among
            # them), so that a version's page compares two versions' without their BPMN.
            "properties": {name: value.strip() for name, value in facts.items()
                           if name and value.strip()}}


def number_prefix(process: etree._Element) -> str:
    """The prefix of the process's numbers: the process property ``prefiks_nomor``, else
    the initials of the key's words (``penyusunan_rkt`` -> ``PR``), at most 8 letters."""
    declared = process_properties(process).get(NUMBER_PREFIX_PROPERTY, "").strip().upper()
    if re.fullmatch(NUMBER_PREFIX_PATTERN, declared):
        return declared
    words = [w for w in re.split(r"[_\-\s]+", process.get("id", "")) if w]
    return "".join(w[0] for w in words).upper()[:8] or "P"


def task_properties(task: etree._Element) -> dict[str, str]:
    """A user task's ``spiffworkflow:property`` values, wherever under it they stand, as
    its Mutu Baku is read: ``{name: value}``."""
    return {prop.get("name"): prop.get("value", "")
            for prop in task.iterfind(".//spiffworkflow:property", NS)}


def process_properties(element: etree._Element) -> dict[str, str]:
    """The element's own ``spiffworkflow:property`` values (not those of its children, e.g.
    a process's but not its tasks'): ``{name: value}``."""
    return {prop.get("name"): prop.get("value", "") for prop in element.iterfind(
        "bpmn:extensionElements/spiffworkflow:properties/spiffworkflow:property", NS)}


def _declared_form(element: etree._Element, properties: dict[str, str],
                   generated: list[dict[str, Any]], files: dict[str, bytes] | None,
                   problems: list[str], used: set[str]) -> dict[str, Any] | None:
    """The element's form, or None; a problem is added to ``problems``, the form files
    it names to ``used``."""
    try:
        if properties.get(forms.SCHEMA_PROPERTY):
            used.update(filter(None, (properties[forms.SCHEMA_PROPERTY],
                                      properties.get(forms.UI_PROPERTY))))
            if files is None:
                return None
            form = forms.load_files(properties[forms.SCHEMA_PROPERTY],
                                    properties.get(forms.UI_PROPERTY), files)
        elif properties.get(forms.NOTATION_PROPERTY, "").strip():
            form = forms.from_notation(properties[forms.NOTATION_PROPERTY])
        else:
            return None
        # Catatan and Kelengkapan are Alur's on every step, whether this one has them or not.
        forms.check_form(form, {field["name"] for field in generated}
                         | {NOTE_FIELD["name"], CHECKLIST_NAME})
    except forms.FormProblem as problem:
        # A form read from a JSON Schema file names the file, unless the problem does.
        source = properties.get(forms.SCHEMA_PROPERTY) or ""
        named = f' (berkas "{source[:100]}")' if source and source not in str(problem) else ""
        problems += [f"{where(element)}: formulir ditolak{named}: {said}"
                     for said in problem.problems]
        return None
    return form


def _mark_returns(task_id: str, fields: list[dict[str, Any]],
                  flows_from: dict[str, list[etree._Element]],
                  elements: dict[str, etree._Element]) -> None:
    """Mark each decision choice whose flow goes back to an earlier step (a return for
    revision, whose Catatan is required): its target lies no farther from the start event
    than the deciding step (fewest sequence flows) and leads back to it. A target as near
    the start that never leads back goes forward: a step a choice skips to ("perlu
    verifikasi?" → Tidak → the step after it), or a parallel branch's join (BPMN probe: both
    were taken for returns, asked for a reason and written as revisions)."""
    successors = {source: [flow.get("targetRef") for flow in flows]
                  for source, flows in flows_from.items()}
    starts = [i for i, el in elements.items() if etree.QName(el).localname == "startEvent"]
    distance = dict.fromkeys(starts, 0)
    frontier = list(starts)
    while frontier:
        following = []
        for node in frontier:
            for target in successors.get(node, []):
                if target not in distance:
                    distance[target] = distance[node] + 1
                    following.append(target)
        frontier = following
    gateway = next((t for t in successors.get(task_id, []) if t in elements
                    and etree.QName(elements[t]).localname == "exclusiveGateway"), None)
    targets = {}
    for flow in flows_from.get(gateway, []):
        decision = decision_of(flow)
        if decision:
            targets[decision[1]] = flow.get("targetRef")
    mine = distance.get(task_id, 0)
    for field in fields:
        for choice in field["choices"] if field["type"] == "choice" else []:
            target = targets.get(choice["value"])
            choice["returns"] = (target is not None and distance.get(target, mine + 1) <= mine
                                 and _leads_to(successors, target, task_id))


def _leads_to(successors: dict[str, list[str]], source: str, goal: str) -> bool:
    """Whether some path of sequence flows leads from ``source`` to ``goal``."""
    seen, frontier = {source}, [source]
    while frontier:
        node = frontier.pop()
        if node == goal:
            return True
        for target in successors.get(node, []):
            if target not in seen:
                seen.add(target)
                frontier.append(target)
    return False


def checklist_field(kelengkapan: str) -> list[dict[str, Any]]:
    """The Kelengkapan (Permenpan RB 35/2012, Mutu Baku) as a checklist the performer
    ticks: one item per comma, semicolon or line outside brackets ("Daftar pengguna (dosen,
    tendik)" is one item); none when the column is empty."""
    items = [item.strip() for item in _outside_brackets(kelengkapan) if item.strip()]
    if not items:
        return []
    return [{"name": CHECKLIST_NAME, "type": "checklist", "required": False,
             "label": "Kelengkapan", "choices": [{"value": i, "label": i} for i in items]}]


def _outside_brackets(text: str) -> list[str]:
    """``text`` split at each comma, semicolon or line break not inside "(...)"; a ")"
    with none open ("1) Surat, 2) KTP") is only a character."""
    parts, depth, start = [], 0, 0
    for at, char in enumerate(text):
        if char == "(":
            depth += 1
        elif char == ")":
            depth = max(depth - 1, 0)
        elif char in ",;\n" and depth == 0:
            parts.append(text[start:at])
            start = at + 1
    return [*parts, text[start:]]


def process_name(process: etree._Element) -> str:
    """The SOP's name: the process name, else the participant's, else the id."""
    if process.get("name"):
        return process.get("name").strip()
    root = process.getroottree().getroot()
    for participant in root.iterfind(".//bpmn:participant", NS):
        if participant.get("processRef") == process.get("id") and participant.get("name"):
            return participant.get("name").strip()
    return process.get("id")


def _waktu_disagrees(task: etree._Element, waktu: str, duration: str | None, *,
                     chosen: bool = False) -> list[str]:
    """A problem when the step's Waktu text and its timer's ``timeDuration`` are both
    lengths of time and differ (README, "Konvensi BPMN"): the SOP document and the
    steps table print the text, the deadline follows the timer, so both must say the
    same; a length of time with no timer at all would print a Waktu nobody is held to,
    and a Waktu without one ("Relatif", "Situasional …") a step held to a timer that the
    document does not show (unless the timer's duration is ``chosen`` by case data, as an
    SLA per priority). Other free text ("1-2 hari") is not compared."""
    name = (task.get("name") or "").strip()
    if duration and not chosen and " ".join(waktu.split()).lower().startswith(
            NO_DEADLINE_WORDS):
        return [(f'{where(task)} "{name}": Waktu "{waktu.strip()[:60]}" berarti tanpa batas '
                 f'waktu, tetapi langkah ini punya boundary timer "{duration}"; hapus timernya '
                 f'atau tulis Waktu-nya sebagai lamanya (timer ini: {duration_words(duration)}).')]
    try:
        written = waktu_duration(waktu)
        same = written is None or not duration or office_parts(written) == office_parts(duration)
    except InvalidDuration:
        return []
    if written is not None and not duration:
        return [(f'{where(task)} "{name}": Waktu "{waktu}" tanpa boundary timer; tambahkan '
                 f'timer "{written}" (non-interrupting) atau tulis Waktu "Relatif".')]
    if same:
        return []
    return [(f'{where(task)} "{name}": Waktu "{waktu}" tidak sama dengan timeDuration '
             f'"{duration}" pada timernya ({duration_words(duration)}); samakan keduanya.')]


def _timer_durations(process: etree._Element) -> dict[str, str]:
    """``{task id: ISO duration}``; for a duration chosen by case data, the fallback, and
    ``{"<task id>:rule": expression}``."""
    durations = {}
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        duration = boundary.find("bpmn:timerEventDefinition/bpmn:timeDuration", NS)
        if duration is not None:
            tree = expressions.check(duration.text, conditional=True)
            leaves = expressions.conditional_leaves(tree)
            durations[boundary.get("attachedToRef")] = leaves[-1].value
            if len(leaves) > 1:
                durations[f"{boundary.get('attachedToRef')}:rule"] = duration.text.strip()
    return durations


def _decision_field(gateway: etree._Element, flows: list[etree._Element]
                    ) -> tuple[dict | None, str | None]:
    variables, choices = set(), []
    for flow in flows:
        decision = decision_of(flow)
        if decision is None and flow.get("id") == gateway.get("default"):
            return None, (f"{where(flow)}: alur default tidak boleh keluar dari {where(gateway)}: "
                          "gateway keputusan tepat setelah user task ditanyakan pada formulir "
                          "tugas, jadi setiap alurnya ditulis sebagai pilihan dengan kondisi "
                          'nama == "nilai" (mis. keputusan == "lainnya"); hapus atribut '
                          "default dan beri alur ini kondisinya.")
        if decision is None:
            return None, (f"{where(flow)}: kondisi setelah {where(gateway)} harus ditulis "
                          'nama == "nilai" (misalnya keputusan == "setuju"), agar Alur dapat '
                          "menanyakannya pada formulir tugas.")
        variables.add(decision[0])
        choices.append({"value": decision[1], "label": (flow.get("name") or decision[1]).strip()})
    if len(variables) != 1:
        return None, (f"{where(gateway)}: semua alur keluar harus menguji satu variabel yang "
                      f"sama; ditemukan {', '.join(sorted(variables))}.")
    values = [choice["value"] for choice in choices]
    twice = sorted({value for value in values if values.count(value) > 1})
    if twice:  # the second flow of a value could never be taken
        return None, (f'{where(gateway)}: pilihan "{twice[0][:100]}" diuji oleh lebih dari satu '
                      "alur keluar; setiap alur keputusan harus punya nilai sendiri.")
    if any(not value.strip() for value in values):  # a blank choice cannot be picked
        return None, (f"{where(gateway)}: nilai pilihan keputusan tidak boleh kosong atau "
                      'hanya spasi (tulis mis. keputusan == "setuju").')
    if variables & {NOTE_FIELD["name"], CHECKLIST_NAME}:
        # The step's form would hold two fields of that name, and the decision be stored
        # as its Catatan (or Kelengkapan).
        return None, (f'{where(gateway)}: variabel keputusan "{min(variables)}" adalah nama '
                      "kolom bawaan setiap langkah (Catatan, Kelengkapan); pakai nama lain, "
                      "mis. keputusan_kasubbag.")
    return {"name": variables.pop(), "type": "choice", "required": True,
            "label": (gateway.get("name") or "Keputusan").strip(), "choices": choices}, None
