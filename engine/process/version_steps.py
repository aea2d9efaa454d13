"""What a new version changes in its kept steps beyond names, lanes and times: their Mutu
Baku (Kelengkapan, Output, Keterangan; Permenpan RB 35/2012) and where each leads next, per
choice of its decision. Found by the SOP table probe: a version that sent "Jika Tidak" to
another step, or rewrote an Output, was previewed as "Langkah sama dengan versi aktif"."""

from typing import Any

from engine.bpmn.validation import executable_process, read_xml
from engine.sop.document import END
from engine.sop.graph import FlowGraph

# The Mutu Baku a kept step's entry holds as the SOP document prints it, with its label.
MUTU_BAKU_LABELS = (("kelengkapan", "Kelengkapan"), ("output", "Output"),
                    ("keterangan", "Keterangan"))


def mutu_baku_changes(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
                      ) -> list[tuple[str, str, str, str, str]]:
    """The Mutu Baku of steps kept from ``before`` to ``after`` (catalogs' ``tasks``,
    {user task id: entry}) that changed, in ``after``'s order: ``[(id, name, label, old,
    new)]``, a value left empty as ``""``."""
    return [(step_id, step["name"], label, before[step_id].get(key, ""), step.get(key, ""))
            for step_id, step in after.items() if step_id in before
            for key, label in MUTU_BAKU_LABELS
            if before[step_id].get(key, "") != step.get(key, "")]


def flow_changes(before_xml: str, after_xml: str, before: dict[str, dict[str, Any]],
                 after: dict[str, dict[str, Any]]) -> list[tuple[str, str, str, str]]:
    """The steps kept from the version of BPMN ``before_xml`` (catalog ``tasks``
    ``before``) to that of ``after_xml`` (``after``) whose next steps differ, in
    ``after``'s order: ``[(id, name, old, new)]``, each side in words as the SOP reads it:
    ``Memeriksa konsep`` or, after a decision, ``Ya → Menandatangani; Tidak → Menyusun
    konsep`` (an end event: ``Selesai``). The choices are compared by label and by the ids
    they reach, so a renamed step alone (said elsewhere) changes no flow.

    Raises:
        InvalidProcess: a stored BPMN no longer parses (each did when it was deployed).
    """
    graphs = [FlowGraph(executable_process(read_xml(xml.encode("utf-8"))))
              for xml in (before_xml, after_xml)]
    changes = []
    for step_id, step in after.items():
        if step_id not in before:
            continue
        ways = [_ways(graph, step_id) for graph in graphs]
        if ways[0] != ways[1]:
            changes.append((step_id, step["name"], _words(graphs[0], ways[0], before),
                            _words(graphs[1], ways[1], after)))
    return changes


def _ways(graph: FlowGraph, step_id: str) -> list[tuple[str, frozenset[str]]]:
    """``[(choice label, ids reached)]`` after a decision, else ``[("", ids reached)]``."""
    exits = graph.decision_exits(step_id)
    if exits:
        return [(label, frozenset(targets)) for label, targets in exits]
    return [("", frozenset(graph.successors(step_id)))]


def _words(graph: FlowGraph, ways: list[tuple[str, frozenset[str]]],
           tasks: dict[str, dict[str, Any]]) -> str:
    def named(target: str) -> str:
        if target in tasks:
            return tasks[target]["name"]
        if graph.kind.get(target) == "endEvent":
            return END
        return graph.names.get(target) or target

    said = [(label, ", ".join(sorted(named(target) for target in targets)) or "—")
            for label, targets in ways]
    return "; ".join(f"{label} → {where}" if label else where for label, where in said)
