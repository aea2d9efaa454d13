"""A process's sequence flows as the SOP reads them: from each step, through gateways, to
the next steps (user tasks, or end events as themselves) and, after a decision, per choice."""

from typing import Any

from lxml import etree

from engine.bpmn.conventions import decision_of
from engine.bpmn.xml import NS

# What the SOP calls the way to an end event.
END = "Selesai"


class FlowGraph:
    """Sequence flows of a ``bpmn:process`` element, walked through gateways to the next
    user tasks (the SOP document's connectors and decisions, a version's changed flow)."""

    def __init__(self, process: etree._Element) -> None:
        self.kind = {el.get("id"): etree.QName(el).localname
                     for el in process if isinstance(el.tag, str)}
        self.names = {el.get("id"): (el.get("name") or "").strip()
                      for el in process if isinstance(el.tag, str)}
        self.flows: dict[str, list[etree._Element]] = {}
        for flow in process.findall("bpmn:sequenceFlow", NS):
            self.flows.setdefault(flow.get("sourceRef"), []).append(flow)

    def next_steps(self, task_id: str, names: dict[str, str]) -> list[list[Any]]:
        """Where ``task_id`` leads: ``[[choice label, [[id, word], …]], …]`` after a decision,
        else ``[["", [[id, word], …]]]``, each way's targets sorted by id; a target's word is
        its step's name in ``names`` ({user task id: name}), ``END`` for an end event, else
        its element's name or id. JSON as the catalog keeps it."""
        exits = self.decision_exits(task_id) or [("", self.successors(task_id))]
        return [[label, [[target, names.get(target) or (
            END if self.kind.get(target) == "endEvent" else self.names.get(target) or target)]
            for target in sorted(targets)]] for label, targets in exits]

    def successors(self, node_id: str) -> set[str]:
        """User tasks (and end events, as themselves) reached from ``node_id`` via gateways."""
        return set().union(*(self._reach(f.get("targetRef"), set())
                             for f in self.flows.get(node_id, [])))

    def decision_exits(self, task_id: str) -> list[tuple[str, set[str]]]:
        """``(label, targets)`` per outgoing flow of the exclusive gateway after ``task_id``."""
        exits = []
        for flow in self.flows.get(task_id, []):
            gateway = flow.get("targetRef")
            outgoing = self.flows.get(gateway, [])
            # A gateway with one way out merges paths; it decides nothing.
            if self.kind.get(gateway) != "exclusiveGateway" or len(outgoing) < 2:
                continue
            for out in outgoing:
                # As the task form labels it (README: without a name, the condition's value).
                decision = decision_of(out)
                condition = decision[1] if decision else out.findtext(
                    "bpmn:conditionExpression", "", NS)
                label = (out.get("name") or condition or out.get("targetRef")).strip()
                exits.append((label, self._reach(out.get("targetRef"), set())))
        return exits

    def _reach(self, node_id: str, seen: set[str]) -> set[str]:
        if node_id in seen:
            return set()
        seen.add(node_id)
        if self.kind.get(node_id, "").endswith("Gateway"):
            return set().union(*(self._reach(f.get("targetRef"), seen)
                                 for f in self.flows.get(node_id, [])))
        return {node_id}
