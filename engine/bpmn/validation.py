"""Checks an uploaded BPMN file before anything is stored.

An uploaded BPMN is code: SpiffWorkflow would evaluate its conditions, timers and scripts.
So the file is read with a hardened parser (UTF-8 only, no DOCTYPE, no entities, no
network, no XInclude, no processing instructions, size, depth and attribute limits) and
must not point outside itself (``bpmn:import``, ``xsi:schemaLocation``). Then every element
must be one Alur knows, in a place Alur expects, with no attribute of another engine
(``engine.bpmn.placement``: an allow-list, anything else is refused), and the process must
follow Alur's conventions (README, "Konvensi BPMN"): one plain start event, lanes that are
roles, time standards that parse and last at most a year, conditions and scripts in the
safe subset of ``engine.bpmn.expressions``, and every element on a path from the start
event to an end event (``engine.bpmn.flow``). Every problem names the element id and line.
"""

import re
from collections.abc import Iterable, Iterator

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.catalog import (
    NUMBER_PREFIX_PATTERN,
    NUMBER_PREFIX_PROPERTY,
    NUMBER_PREFIX_RULE,
    process_properties,
    task_properties,
)
from engine.bpmn.conventions import KEY_PATTERN, ROUND_THE_CLOCK_PROPERTY
from engine.bpmn.drawing import drawing_problems
from engine.bpmn.flow import flow_problems
from engine.bpmn.lanes import lane_problems
from engine.bpmn.placement import FLOW_NODES, REFUSED, placement_problems
from engine.bpmn.xml import BPMN_NS, DI_NAMESPACES, ID, ID_RULE, NS, XSI_NS, where
from engine.errors import InvalidProcess
from engine.numbers import file_too_large, grouped
from engine.time.duration import InvalidDuration, parse_duration

MAX_BPMN_BYTES = 2 * 1024 * 1024
MAX_DEPTH = 200              # XML nesting levels; the bundled SOPs use fewer than 10
MAX_ATTRIBUTE_CHARS = 4000   # the longest attribute in the bundled SOPs has ~260
MAX_FLOW_ELEMENTS = 2000     # flow nodes and sequence flows of the process
# Names SpiffWorkflow gives its own steps of every process (BpmnProcessSpec: Start, End,
# <process>.EndJoin; WorkflowSpec: Root): an element with such an id is taken for one of
# them, and every start of the process fails.
RESERVED_IDS = ("Start", "End", "Root")


_XINCLUDE_NAMESPACES = {"http://www.w3.org/2001/XInclude", "http://www.w3.org/2003/XInclude"}
_XSI = f"{{{XSI_NS}}}"
# libxml2's error codes (xmlParserErrors) in words an administrator can act on; its own
# messages are English and name parser internals ("AttValue: ' expected").
_XML_ERROR = "susunan XML rusak; simpan ulang dari pemodel BPMN lalu unggah lagi."
_TRUNCATED = ("berkas terpotong (tanda kutip, tag atau elemen tidak ditutup); unggah ulang "
              "berkas yang utuh.")
_XML_ERRORS = {
    4: "tidak diawali tag XML; berkas ini bukan BPMN.",
    5: "ada isi lain sesudah akhir dokumen BPMN.",
    38: "tanda < tidak boleh berada di dalam nilai atribut; tulis &lt; (mis. "
        '\"Nilai &lt; 5\").',
    39: "nilai atribut harus diapit tanda kutip.", 40: _TRUNCATED,
    73: _TRUNCATED, 74: _TRUNCATED, 77: _TRUNCATED,
    76: "tag pembuka dan tag penutup tidak cocok.",
}
_DECLARED_ENCODING = re.compile(r"""^\ufeff?\s*<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")

# The parser reads UTF-8 whatever the declaration says, so the checks on the text below
# see exactly what it parses.
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False,
                          huge_tree=False, remove_comments=True, encoding="utf-8")


def _line_and_column(text: str, at: int) -> str:
    """``baris 5, kolom 33``: where character ``at`` of ``text`` is, as XML errors say."""
    return f"baris {text.count(chr(10), 0, at) + 1}, kolom {at - text.rfind(chr(10), 0, at)}"


def _at_the_end(text: str, line: int, column: int) -> bool:
    """Whether the parser stopped at the end of ``text`` (trailing blanks aside), line and
    column counted from 1: whatever it missed there (a quote, an attribute's value, a
    comment's end), the file was cut short."""
    lines = text.rstrip().split("\n")
    return line >= len(lines) and column > len(lines[-1])


def read_xml(data: bytes) -> etree._Element:
    """Parse ``data`` as XML with the hardened parser and return the root element.

    Raises:
        InvalidProcess: empty, larger than ``MAX_BPMN_BYTES``, not UTF-8, a DOCTYPE or
            ENTITY, not well-formed, not ``bpmn:definitions``, nested deeper than
            ``MAX_DEPTH``, an attribute longer than ``MAX_ATTRIBUTE_CHARS``, duplicate
            ids, a processing instruction, XInclude, ``bpmn:import`` or an external
            ``xsi:schemaLocation`` (nothing outside the file is ever read).
    """
    if len(data) > MAX_BPMN_BYTES:
        raise InvalidProcess([file_too_large(len(data), MAX_BPMN_BYTES)])
    if not data.strip():
        raise InvalidProcess(["Berkas kosong: tidak ada BPMN yang dapat dibaca."])
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InvalidProcess([f"Berkas bukan teks UTF-8 (baris {line}, bita ke-"
                              + f"{grouped(error.start + 1)} tidak sah); simpan ulang sebagai "
                              + "UTF-8."]) from None
    if "\x00" in text:  # mostly UTF-16 without a BOM; named by line, as XML errors are
        at = text.index("\x00")
        raise InvalidProcess(["Berkas harus berenkode UTF-8: berkas memuat bita nol ("
                              + f"{_line_and_column(text, at)})."])
    declared = _DECLARED_ENCODING.match(text)
    if declared and declared.group(1).lower() not in ("utf-8", "utf8"):
        raise InvalidProcess(["Berkas harus berenkode UTF-8; deklarasinya menyebut "
                              + f"{declared.group(1)[:40]!r}."])
    declaration = re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE)
    if declaration:
        raise InvalidProcess(["Berkas memuat DOCTYPE atau ENTITY ("
                              + f"{_line_and_column(text, declaration.start())}); BPMN tidak "
                              + "memerlukannya dan Alur menolaknya demi keamanan."])
    try:
        root = etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as error:
        if "depth" in error.msg.lower():
            raise InvalidProcess([f"XML bersarang terlalu dalam (baris {error.lineno}); "
                                  + f"batasnya {MAX_DEPTH} tingkat."]) from None
        line, column = error.position
        words = _TRUNCATED if _at_the_end(text, line, column) else _XML_ERRORS.get(
            error.code, _XML_ERROR)
        raise InvalidProcess([f"Berkas bukan XML yang sah (baris {line}, kolom {column}): "
                              + words]) from None
    if root.tag != f"{{{BPMN_NS}}}definitions":
        found = etree.QName(root).namespace
        raise InvalidProcess(["Berkas bukan BPMN 2.0: elemen akarnya harus bpmn:definitions "
                              f"dengan namespace {BPMN_NS}"
                              + (f" (ditemukan namespace {found[:100]!r})." if found else
                                 " (ditemukan tanpa namespace).")])
    _refuse_if(list(_document_problems(root)))
    return root


def executable_process(root: etree._Element) -> etree._Element:
    """Return the file's single executable ``bpmn:process``.

    Raises:
        InvalidProcess: none, or more than one.
    """
    processes = root.findall("bpmn:process", NS)
    executable = [p for p in processes if p.get("isExecutable", "true") == "true"]
    if len(executable) != 1:
        hint = ' (isExecutable="false" tidak dijalankan)' if processes and not executable else ""
        raise InvalidProcess(["Berkas harus memuat tepat satu bpmn:process yang dapat "
                              + f"dijalankan; ditemukan {len(executable)}{hint}."])
    return executable[0]


def check_structure(process: etree._Element) -> None:
    """Check ``process`` (and the document around it) against Alur's BPMN conventions.

    Raises:
        InvalidProcess: listing every problem found (at most ``MAX_PROBLEMS``, then a
            count), each naming element id and line.
    """
    _refuse_if(list(_problems(process)))


def _refuse_if(problems: list[str]) -> None:
    if problems:
        raise InvalidProcess(problems)  # lists MAX_PROBLEMS, counts the rest


def _localname(element: etree._Element) -> str:
    return etree.QName(element).localname


def _document_problems(root: etree._Element) -> Iterator[str]:
    """What could reach outside the file or strain the server, anywhere in it."""
    tree = root.getroottree()
    if tree.docinfo.doctype or tree.docinfo.internalDTD is not None:
        yield "Berkas memuat DOCTYPE; Alur menolaknya demi keamanan."
    instructions = [*root.itersiblings(etree.PI, preceding=True),
                    *root.iter(etree.PI), *root.itersiblings(etree.PI)]
    for instruction in instructions:
        yield (f"Instruksi pemrosesan <?{instruction.target[:40]} ...?> (baris "
               f"{instruction.sourceline}) tidak diizinkan; BPMN tidak memerlukannya.")
    depth = 0
    for event, element in etree.iterwalk(root, events=("start", "end")):
        depth += 1 if event == "start" else -1
        if depth > MAX_DEPTH:
            yield f"{where(element)}: XML bersarang lebih dari {MAX_DEPTH} tingkat."
            break
    seen: dict[str, etree._Element] = {}
    for element in root.iter(tag=etree.Element):
        namespace = etree.QName(element).namespace
        if namespace in _XINCLUDE_NAMESPACES:
            yield f"{where(element)}: XInclude tidak diizinkan; Alur tidak menyertakan berkas lain."
        elif namespace == BPMN_NS and _localname(element) == "import":
            yield (f"{where(element)}: bpmn:import tidak diizinkan; Alur tidak pernah mengambil "
                   "berkas atau alamat luar, jadi semua isi harus ada di berkas ini.")
        for name, value in element.attrib.items():
            if len(value) > MAX_ATTRIBUTE_CHARS:
                yield (f"{where(element)}: atribut {etree.QName(name).localname} terlalu panjang "
                       f"({grouped(len(value))} karakter; batasnya {grouped(MAX_ATTRIBUTE_CHARS)}).")
        yield from _schema_locations(element)
        element_id = element.get("id")
        if (element_id is not None and not ID.fullmatch(element_id)
                and (namespace == BPMN_NS or namespace in DI_NAMESPACES)):
            # Here, on the element itself: the schema would name the last element that
            # refers to it (a sequenceFlow's sourceRef), as libxml's last error.
            yield f'{where(element)}: id "{element_id[:100]}" tidak sah: {ID_RULE}.'
        elif namespace == BPMN_NS and _reserved(element_id):
            yield (f'{where(element)}: id "{element_id[:100]}" dipakai mesin proses sendiri '
                   f"(SpiffWorkflow: {', '.join(RESERVED_IDS)} dan id bertitik seperti "
                   "*.EndJoin, *.BoundaryEventSplit); beri id lain, "
                   f'mis. "{_unreserved(element_id)}".')
        if element_id in seen:
            yield (f'{where(element)}: id "{element_id[:100]}" sudah dipakai di baris '
                   f"{seen[element_id].sourceline}; setiap id harus unik.")
        elif element_id is not None:
            seen[element_id] = element


def _reserved(element_id: str | None) -> bool:
    # SpiffWorkflow names the tasks it adds "<id>.EndJoin", "<id>.BoundaryEventSplit",
    # "<id>.BoundaryEventJoin"; an element with such an id replaces one of them.
    return element_id is not None and (element_id in RESERVED_IDS or "." in element_id)


def _unreserved(element_id: str) -> str:
    """A free id like a reserved one: ``"Start"`` -> ``"Start_1"``, ``"a.EndJoin"`` ->
    ``"a_EndJoin"``."""
    return element_id.replace(".", "_")[:100] if "." in element_id else f"{element_id}_1"


def _schema_locations(element: etree._Element) -> Iterator[str]:
    # Only a bare file name is harmless; libxml2 never fetches these, but Alur says so.
    pairs = (element.get(f"{_XSI}schemaLocation") or "").split()[1::2]
    for location in pairs + (element.get(f"{_XSI}noNamespaceSchemaLocation") or "").split():
        if not re.fullmatch(r"[\w.-]+", location):
            yield (f"{where(element)}: xsi:schemaLocation merujuk sumber luar "
                   f"({location[:80]!r}); Alur tidak mengambilnya, hapus atribut ini.")


def _problems(process: etree._Element) -> Iterable[str]:
    key = process.get("id", "")
    if not KEY_PATTERN.match(key):
        yield (f"{where(process)}: id proses harus huruf, angka, _ atau -, diawali huruf "
               "(misalnya penanganan_gangguan_server).")
    nodes, size = {}, 0
    for child in process.iterchildren(tag=etree.Element):
        tag = _localname(child)
        if tag in FLOW_NODES or tag in REFUSED or tag == "sequenceFlow":
            size += 1
            if child.get("id") is None:
                yield f"{where(child)}: elemen harus punya id."
            elif tag != "sequenceFlow":
                nodes[child.get("id")] = child
    if size > MAX_FLOW_ELEMENTS:
        yield (f"{where(process)}: proses memuat {grouped(size)} elemen alur; batasnya "
               f"{grouped(MAX_FLOW_ELEMENTS)}.")
        return
    root = process.getroottree().getroot()
    yield from placement_problems(root)
    yield from _check_events(process)
    yield from lane_problems(root, process)
    yield from drawing_problems(root, process)
    yield from _check_scripts(root)
    yield from flow_problems(process, nodes)
    yield from _check_timers(process)
    yield from _check_timer_paths(process, nodes)
    yield from _check_number_prefix(process)
    yield from _check_step_numbers(process)


def _check_timer_paths(process: etree._Element, nodes: dict[str, etree._Element]
                       ) -> Iterable[str]:
    # README "Konvensi BPMN", Eskalasi: a Waktu timer only reminds. A path to a terminate
    # end event would end the whole case as "selesai" at the deadline, one to a task or
    # gateway would move it on without anyone doing the step.
    timers = {boundary.get("id") for boundary in process.findall("bpmn:boundaryEvent", NS)}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        if flow.get("sourceRef") not in timers:
            continue
        target = nodes.get(flow.get("targetRef") or "")
        if target is None or not (
                _localname(target) == "endEvent"
                and target.find("bpmn:escalationEventDefinition", NS) is not None):
            yield (f"{where(flow)}: alur keluar timer Waktu harus menuju end event eskalasi "
                   "(escalationEventDefinition), bukan "
                   f"{where(target) if target is not None else 'elemen yang tidak ada'}; "
                   "timer hanya mengingatkan, tidak mengakhiri atau memajukan proses.")


def _check_number_prefix(process: etree._Element) -> Iterable[str]:
    declared = process_properties(process).get(NUMBER_PREFIX_PROPERTY, "").strip()
    if declared and not re.fullmatch(NUMBER_PREFIX_PATTERN, declared.upper()):
        yield (f'{where(process)}: {NUMBER_PREFIX_PROPERTY} "{declared[:40]}" '
               f"{NUMBER_PREFIX_RULE}")


def _check_step_numbers(process: etree._Element) -> Iterable[str]:
    # Permenpan RB 35/2012: each Kegiatan is one numbered row of the SOP table; two under
    # one No make the SOP document, its PDF and the reports read "6 … 6 …".
    numbered: dict[str, list[etree._Element]] = {}
    for task in process.findall("bpmn:userTask", NS):
        number = task_properties(task).get("no", "").strip()
        if number:  # "02" is row 2 too
            numbered.setdefault(number.lstrip("0") or "0", []).append(task)
    for number, tasks in numbered.items():
        if len(tasks) > 1:
            yield (f'No "{number[:20]}" dipakai {len(tasks)} Kegiatan: '
                   + ", ".join(where(task) for task in tasks[:5])
                   + "; setiap Kegiatan satu baris bernomor sendiri di tabel SOP: beri "
                     "nomor lain.")


def _check_events(process: etree._Element) -> Iterable[str]:
    starts = process.findall("bpmn:startEvent", NS)
    if len(starts) != 1:
        yield f"{where(process)}: proses harus punya tepat satu start event; ada {len(starts)}."
    if not process.findall("bpmn:endEvent", NS):
        yield f"{where(process)}: proses tidak punya end event, sehingga tidak akan pernah selesai."
    if process.find("bpmn:userTask", NS) is None:  # every case would be over at its start
        yield (f"{where(process)}: proses tidak punya satu pun user task (Kegiatan), sehingga "
               "setiap proses langsung selesai saat dimulai; setiap baris tabel SOP adalah "
               "sebuah user task di lane Pelaksananya.")
    root = process.getroottree().getroot()
    escalations = {escalation.get("id") for escalation in root.findall("bpmn:escalation", NS)}
    for definition in process.iterfind("bpmn:endEvent/bpmn:escalationEventDefinition", NS):
        reference = definition.get("escalationRef")
        if reference is not None and reference not in escalations:
            yield (f'{where(definition.getparent())}: escalationRef "{reference[:100]}" tidak '
                   "merujuk bpmn:escalation yang ada.")


def _check_scripts(root: etree._Element) -> Iterable[str]:
    for task in root.iter(f"{{{BPMN_NS}}}scriptTask"):
        try:
            expressions.check_call(task.findtext("bpmn:script", "", NS))
        except expressions.UnsafeExpression as error:
            yield f"{where(task)}: script task tidak diizinkan: {error}."


def _check_timers(process: etree._Element) -> Iterable[str]:
    for boundary in process.findall("bpmn:boundaryEvent", NS):
        timers = boundary.findall("bpmn:timerEventDefinition", NS)
        if len(timers) != 1:
            yield (f"{where(boundary)}: boundary event harus berupa tepat satu timer Waktu "
                   "(timerEventDefinition).")
            continue
        if boundary.get("cancelActivity", "true") != "false":
            yield (f"{where(boundary)}: timer Waktu harus non-interrupting "
                   '(cancelActivity="false"), agar langkah tetap dapat diselesaikan.')
        others = [_localname(c) for c in timers[0].iterchildren(tag=etree.Element)
                  if _localname(c) in ("timeDate", "timeCycle")]
        durations = timers[0].findall("bpmn:timeDuration", NS)
        if others or len(durations) != 1:
            yield (f"{where(boundary)}: timer harus memakai tepat satu timeDuration "
                   f"({' dan '.join(others) or 'timeDate/timeCycle'} tidak didukung).")
            continue
        duration = durations[0].text or ""
        try:
            tree = expressions.check(duration, conditional=True)
            for value in expressions.conditional_leaves(tree):
                if not isinstance(getattr(value, "value", None), str):
                    raise InvalidDuration("durasi harus ditulis dalam tanda kutip, misalnya "
                                          f'"PT30M", bukan {duration.strip()[:80]}')
                parts = parse_duration(value.value)
                if not any(parts.values()):
                    # It would fire while the step opens, before a timer row exists to
                    # escalate from: the step would never be reminded of.
                    raise InvalidDuration(f"'{value.value}' panjangnya nol; Waktu harus lebih "
                                          'dari nol (mis. "PT30M"), atau tanpa timer bila '
                                          "Waktu-nya Relatif")
                if set(parts) <= {"hours", "minutes", "seconds"} and (
                        parts.get("hours", 0) * 3600 + parts.get("minutes", 0) * 60
                        + parts.get("seconds", 0)) < 60:
                    # Deadlines are counted in whole working minutes: a shorter one falls
                    # before the step opens, and so never fires, like a zero one.
                    raise InvalidDuration(f"'{value.value}' kurang dari 1 menit; Waktu dihitung "
                                          'dalam menit kerja (mis. "PT1M")')
        except (expressions.UnsafeExpression, InvalidDuration) as error:
            yield f"{where(boundary)}: durasi timer ditolak: {error}"
    for task in process.findall("bpmn:userTask", NS):
        for prop in task.iterfind(".//spiffworkflow:property", NS):
            value = (prop.get("value") or "").strip()
            if prop.get("name") == ROUND_THE_CLOCK_PROPERTY and value.lower() not in ("", "ya", "tidak"):
                try:
                    expressions.check(value)
                except expressions.UnsafeExpression as error:
                    yield f"{where(task)}: properti {ROUND_THE_CLOCK_PROPERTY} ditolak: {error}"
