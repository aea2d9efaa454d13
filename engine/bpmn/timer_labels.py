"""The diagram's Waktu labels in the words the SOP pages use (issue 15, point 13).

A timer's name is drawn beside its step in the diagram. SOP tables write the Waktu as
people typed it ("10 Menit", "3 Hari Kerja"), while the steps table, the task page and
the SOP document show it in one casing (``waktu_text``: "10 menit"). The stored BPMN
stays as uploaded (a deployed version's file never changes); only what is drawn is
rewritten, here, for every diagram Alur serves; the conversion notes are left out of it.
"""

from lxml import etree

from engine.bpmn.catalog import process_properties
from engine.bpmn.conventions import CONVERSION_NOTE_PROPERTY
from engine.bpmn.validation import read_xml
from engine.bpmn.xml import NS
from engine.time.duration import InvalidDuration, waktu_duration, waktu_text


def diagram_xml(bpmn_xml: str) -> str:
    """``bpmn_xml`` (a deployed, valid BPMN file) with each timer's label in one casing and
    without the modeller's conversion notes (``catatan_konversi``: README, for
    administrators only, on the version page; every official who sees a process
    downloads its diagram).

    A timer on a step whose Waktu property is a length of time ("10 Menit") is labelled
    with that Waktu, in one casing ("10 menit"): the label then always says what the SOP
    document says, also when a hand-edited file left an old name on the timer. Any other
    timer keeps its own name, in one casing.

    Raises:
        InvalidProcess: the stored file no longer parses (it did when it was deployed).
    """
    root = read_xml(bpmn_xml.encode("utf-8"))
    for note in root.iterfind(f".//spiffworkflow:property[@name='{CONVERSION_NOTE_PROPERTY}']",
                              NS):
        note.getparent().remove(note)
    for process in root.iterfind("bpmn:process", NS):
        nodes = {node.get("id"): node for node in process}
        for timer in process.iterfind("bpmn:boundaryEvent", NS):
            if timer.find("bpmn:timerEventDefinition", NS) is None:
                continue
            task = nodes.get(timer.get("attachedToRef"))
            waktu = process_properties(task).get("waktu", "") if task is not None else ""
            label = waktu if _is_length(waktu) else timer.get("name", "")
            if label:
                timer.set("name", waktu_text(label))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8").decode("utf-8")


def _is_length(waktu: str) -> bool:
    try:
        return waktu_duration(waktu) is not None
    except InvalidDuration:
        return False
