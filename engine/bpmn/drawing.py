"""The drawing of an uploaded BPMN against its process: officials read the diagram (the
process page marks where a case is; a phone lists the drawn steps), so a file with a
drawing must draw every step, each inside the lane that performs it (README "Konvensi
BPMN"). A file with no drawing at all is accepted; its pages say so.

The SOP probe: a step with no shape left a running case unmarked on the drawing and missing
from the phone's list; a step listed in the Kasubbag lane but drawn in Prakom's showed the
wrong Pelaksana.
"""

from collections.abc import Iterable

from lxml import etree

from engine.bpmn.xml import BPMN_NS, NS, where

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"

Box = tuple[float, float, float, float]  # x, y, width, height in the drawing's units


def drawing_problems(root: etree._Element, process: etree._Element) -> Iterable[str]:
    """One sentence per user task of ``process`` that the file's drawing leaves out, or
    draws outside the lane listing it (``flowNodeRef``), each naming the step by its id,
    line and Kegiatan. Nothing when the file draws no shape."""
    shapes = _shapes(root)
    if not shapes:
        return
    lane_of = {ref.text: lane for lane in root.iter(f"{{{BPMN_NS}}}lane")
               for ref in lane.findall("bpmn:flowNodeRef", NS)}
    for task in process.findall("bpmn:userTask", NS):
        step = f'{where(task)} "{(task.get("name") or "").strip()[:100]}"'
        box = shapes.get(task.get("id"))
        if box is None:
            yield (f"{step}: langkah ini tidak digambar di diagram (tidak ada BPMNShape-nya), "
                   "sehingga halaman proses tidak dapat menunjukkannya; gambar langkah ini di "
                   "modeller BPMN lalu unggah lagi.")
            continue
        lane = lane_of.get(task.get("id"))
        lane_box = shapes.get(lane.get("id")) if lane is not None else None
        if lane_box is not None and not _inside(_middle(box), lane_box):
            yield (f'{step}: terdaftar di lane "{lane.get("name")}" (flowNodeRef) tetapi '
                   f'digambar di luar lane itu; pindahkan gambarnya ke lane "{lane.get("name")}"'
                   " agar diagram menunjukkan Pelaksana yang mengerjakannya.")


def _shapes(root: etree._Element) -> dict[str, Box]:
    """Every drawn element's bounds by its BPMN id (the first shape of an element)."""
    shapes: dict[str, Box] = {}
    for shape in root.iter(f"{{{BPMNDI}}}BPMNShape"):
        bounds = shape.find(f"{{{DC}}}Bounds")
        element = shape.get("bpmnElement")
        if bounds is None or not element or element in shapes:
            continue
        try:
            shapes[element] = tuple(float(bounds.get(side, "")) for side in
                                    ("x", "y", "width", "height"))  # type: ignore[assignment]
        except ValueError:
            continue  # the schema check names a bound that is no number
    return shapes


def _middle(box: Box) -> tuple[float, float]:
    x, y, width, height = box
    return x + width / 2, y + height / 2


def _inside(point: tuple[float, float], box: Box) -> bool:
    x, y, width, height = box
    return x <= point[0] <= x + width and y <= point[1] <= y + height
