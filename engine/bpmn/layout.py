"""BPMN DI (the diagram) for a generated SOP: lanes as bands, steps left to right.

Used by ``engine.sop.table``. Every main shape (start event, user task, gateway, end
event) gets its own column, in the order given, and sits vertically centred in its
lane's band; a task's Waktu timer sits on its bottom edge and the timer's escalation end
event below-right of the task. Because a column holds one main shape only, vertical edge
segments never cross a shape. Edges are orthogonal:

- to the next column: straight, or right then down/up into the target's top/bottom;
- forward over other columns (a decision skipping steps): up to a track along the top
  of the source lane, right, then into the target;
- backward (a revision loop): to a track along the bottom of the target's lane, left,
  then up into the target's bottom.

Tracks are staggered so that parallel loops stay apart. The geometry matches the bundled
SOPs in ``bpmn/`` (task 100x80, gateway 50x50, event 36x36, columns 170 px apart).
"""

from dataclasses import dataclass

from lxml import etree

BPMNDI = "http://www.omg.org/spec/BPMN/20100524/DI"
DC = "http://www.omg.org/spec/DD/20100524/DC"
DI = "http://www.omg.org/spec/DD/20100524/DI"

POOL_X, POOL_Y = 160, 80
LANE_X = POOL_X + 30
LANE_HEIGHT = 250
COLUMN_WIDTH = 170
FIRST_COLUMN = LANE_X + 90
SIZES = {"start": (36, 36), "end": (36, 36), "task": (100, 80), "gateway": (50, 50)}
EVENT = 36
# Where flows enter a task, relative to its centre; those from below keep left of the
# timer, which sits right of centre on the bottom edge.
TOP_ENTRIES = (0, 25, -25, 40)
BOTTOM_ENTRIES = (-25, -40, -10, 0)
SIDE_EXIT = 45


@dataclass(frozen=True)
class Shape:
    """A main flow node: ``kind`` is "start", "task", "gateway" or "end"; ``lane`` is an
    index into the lane list; ``timer``/``escalation`` are the ids of a task's boundary
    timer and of the escalation end event it leads to (None when the step has no Waktu)."""

    id: str
    kind: str
    lane: int
    timer: str | None = None
    escalation: str | None = None


@dataclass(frozen=True)
class Edge:
    """A sequence flow; ``labelled`` edges (a gateway's choices) get a label position."""

    id: str
    source: str
    target: str
    labelled: bool = False


@dataclass(frozen=True)
class _Box:
    x: float
    y: float
    width: float
    height: float

    @property
    def cx(self) -> float:
        return self.x + self.width / 2

    @property
    def cy(self) -> float:
        return self.y + self.height / 2

    @property
    def bottom(self) -> float:
        return self.y + self.height

    @property
    def right(self) -> float:
        return self.x + self.width


def diagram(collaboration_id: str, participant_id: str, lane_ids: list[str],
            shapes: list[Shape], edges: list[Edge]) -> etree._Element:
    """Lay out a one-pool process and return its ``bpmndi:BPMNDiagram`` element.

    Args:
        collaboration_id: the plane's BPMN element.
        participant_id: the pool, drawn around all lanes.
        lane_ids: lane element ids, top to bottom.
        shapes: the main flow nodes, one column each, left to right.
        edges: every sequence flow, including timer -> escalation flows.

    Returns:
        The diagram, sizes and waypoints in pixels (bpmn.io's coordinate system).
    """
    boxes, kinds, lanes = _place(shapes)
    width = FIRST_COLUMN + COLUMN_WIDTH * len(shapes) + 60 - POOL_X
    root = etree.Element(f"{{{BPMNDI}}}BPMNDiagram", nsmap={"bpmndi": BPMNDI, "dc": DC, "di": DI},
                         id=f"BPMNDiagram_{participant_id}")
    plane = etree.SubElement(root, f"{{{BPMNDI}}}BPMNPlane", id=f"BPMNPlane_{participant_id}",
                             bpmnElement=collaboration_id)
    _shape(plane, participant_id, _Box(POOL_X, POOL_Y, width, LANE_HEIGHT * len(lane_ids)),
           isHorizontal="true")
    for index, lane_id in enumerate(lane_ids):
        _shape(plane, lane_id, _Box(LANE_X, _lane_top(index), width - (LANE_X - POOL_X),
                                    LANE_HEIGHT), isHorizontal="true")
    for element_id, box in boxes.items():
        extra = {"isMarkerVisible": "true"} if kinds[element_id] == "gateway" else {}
        _shape(plane, element_id, box, _label_of(kinds[element_id], box), **extra)
    for edge, points, label in _routes(edges, boxes, kinds, lanes):
        element = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNEdge", id=f"{edge.id}_di",
                                   bpmnElement=edge.id)
        for x, y in points:
            etree.SubElement(element, f"{{{DI}}}waypoint", x=_n(x), y=_n(y))
        if label is not None:
            _label(element, label)
    return root


def _place(shapes: list[Shape]) -> tuple[dict[str, _Box], dict[str, str], dict[str, int]]:
    boxes, kinds, lanes = {}, {}, {}
    for column, shape in enumerate(shapes):
        width, height = SIZES[shape.kind]
        cx = FIRST_COLUMN + column * COLUMN_WIDTH
        cy = _lane_top(shape.lane) + LANE_HEIGHT / 2
        box = boxes[shape.id] = _Box(cx - width / 2, cy - height / 2, width, height)
        kinds[shape.id], lanes[shape.id] = shape.kind, shape.lane
        if shape.timer:
            boxes[shape.timer] = _Box(box.x + 62, box.bottom - EVENT / 2, EVENT, EVENT)
            kinds[shape.timer], lanes[shape.timer] = "timer", shape.lane
        if shape.escalation:
            boxes[shape.escalation] = _Box(box.right + 17, box.bottom + 22, EVENT, EVENT)
            kinds[shape.escalation], lanes[shape.escalation] = "escalation", shape.lane
    return boxes, kinds, lanes


def _routes(edges: list[Edge], boxes: dict[str, _Box], kinds: dict[str, str],
            lanes: dict[str, int]):
    """Yield ``(edge, waypoints, label box or None)`` for every edge."""
    column = {key: (box.cx - FIRST_COLUMN) / COLUMN_WIDTH for key, box in boxes.items()}
    tracks: dict[tuple[bool, int], int] = {}
    entries: dict[tuple[str, str], int] = {}
    used_exits: dict[str, set[str]] = {}

    def entry_x(target_id: str, side: str) -> float:
        """Flows entering one side of a task are spread over slots, so none overlap."""
        if kinds[target_id] != "task":
            return boxes[target_id].cx
        used = entries[target_id, side] = entries.get((target_id, side), -1) + 1
        slots = TOP_ENTRIES if side == "top" else BOTTOM_ENTRIES
        return boxes[target_id].cx + slots[used % len(slots)]

    for edge in edges:
        source, target = boxes[edge.source], boxes[edge.target]
        if kinds[edge.source] == "timer":
            yield edge, [(source.cx, source.bottom), (source.cx, target.cy),
                         (target.x, target.cy)], None
            continue
        step = round(column[edge.target] - column[edge.source])
        start = (source.right, source.cy)
        if step == 1 and abs(source.cy - target.cy) < 1:
            points = [start, (target.x, target.cy)]
        elif step == 1:
            side = "top" if target.cy > source.cy else "bottom"
            x = entry_x(edge.target, side)
            points = [start, (x, source.cy), (x, target.y if side == "top" else target.bottom)]
        else:
            # Forward over other columns: along the top of the upper lane, into the top.
            # Backward: along the bottom of the target's lane, into the bottom.
            backward = step < 1
            track_lane = (lanes[edge.target] if backward
                          else min(lanes[edge.source], lanes[edge.target]))
            up = not backward or lanes[edge.target] < lanes[edge.source]
            level = tracks[backward, track_lane] = tracks.get((backward, track_lane), -1) + 1
            track_y = (_lane_top(track_lane) + LANE_HEIGHT - 10 - 6 * (level % 3) if backward
                       else _lane_top(track_lane) + 14 + 7 * (level % 3))
            direction = "up" if up else "down"
            sideways = direction in used_exits.setdefault(edge.source, set())
            used_exits[edge.source].add(direction)
            if sideways:
                # The other choice already leaves this way: go out of the right corner.
                points = [start, (source.cx + SIDE_EXIT, source.cy),
                          (source.cx + SIDE_EXIT, track_y)]
            else:
                points = [(source.cx, source.y if up else source.bottom), (source.cx, track_y)]
            x = entry_x(edge.target, "bottom" if backward else "top")
            points += [(x, track_y), (x, target.bottom if backward else target.y)]
        x, y = points[0]
        label = _Box(x + 5, y - 22 if y <= source.y else y + 4 if y >= source.bottom else y - 20,
                     40, 14)
        yield edge, points, label if edge.labelled else None


def _label_of(kind: str, box: _Box) -> _Box | None:
    if kind in ("start", "end"):
        return _Box(box.x - 7, box.bottom + 4, 50, 14)
    if kind == "timer":
        return _Box(box.x + 38, box.y + 20, 70, 14)
    if kind == "escalation":
        return _Box(box.x + 38, box.y + 11, 50, 14)
    if kind == "gateway":
        return _Box(box.cx - 115, box.y - 34, 105, 27)
    return None


def _lane_top(index: int) -> float:
    return POOL_Y + index * LANE_HEIGHT


def _shape(plane: etree._Element, element_id: str, box: _Box, label: _Box | None = None,
           **attributes: str) -> None:
    shape = etree.SubElement(plane, f"{{{BPMNDI}}}BPMNShape", id=f"{element_id}_di",
                             bpmnElement=element_id, **attributes)
    _bounds(shape, box)
    if label is not None:
        _label(shape, label)


def _label(parent: etree._Element, box: _Box) -> None:
    _bounds(etree.SubElement(parent, f"{{{BPMNDI}}}BPMNLabel"), box)


def _bounds(parent: etree._Element, box: _Box) -> None:
    etree.SubElement(parent, f"{{{DC}}}Bounds", x=_n(box.x), y=_n(box.y),
                     width=_n(box.width), height=_n(box.height))


def _n(value: float) -> str:
    return str(round(value))
