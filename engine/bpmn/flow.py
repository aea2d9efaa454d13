"""Graph checks of an uploaded process: references, conditions, gateways, paths.

Part of the upload check (``engine.bpmn.validation``). "Every path reaches an end event" is
read as: every element can be reached from the start event, and from every element an
end event can be reached. Conditions are not evaluated here, so an exclusive gateway is
fine as long as one of its branches leads on; a loop is fine when it has a way out, and
refused when its only exits lead back into it (e.g. both choices return to a step). A
non-interrupting timer is no way out: its branch only escalates, while the step's own
token stays in the loop.
"""

from collections.abc import Iterable, Iterator

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.xml import NS, where


def flow_problems(process: etree._Element, nodes: dict[str, etree._Element]) -> Iterator[str]:
    """The graph problems of ``process``, whose flow nodes are ``{id: element}``.

    Yields one Indonesian sentence per problem, naming the element id and line: a
    sequence flow or boundary event pointing nowhere, a condition outside the safe subset
    or not on an exclusive gateway's outgoing flow, a gateway branch without condition,
    flows into a start event or out of an end event, and elements off every path from
    the start event to an end event.
    """
    flows_from: dict[str, list[etree._Element]] = {node_id: [] for node_id in nodes}
    flows_into: dict[str, list[etree._Element]] = {node_id: [] for node_id in nodes}
    for flow in process.findall("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        for attribute, end in (("sourceRef", source), ("targetRef", target)):
            if not end:
                yield f"{where(flow)}: {attribute} kosong."
            elif end not in nodes:
                yield f'{where(flow)}: merujuk elemen "{end[:100]}" yang tidak ada.'
        if source in nodes and target in nodes:
            flows_from[source].append(flow)
            flows_into[target].append(flow)
        yield from _check_condition(flow, nodes.get(source))
    yield from _check_gateways(nodes, flows_from)
    yield from _check_ends(nodes, flows_from, flows_into)
    yield from _check_paths(nodes, flows_from)


def _kind(element: etree._Element | None) -> str | None:
    return None if element is None else etree.QName(element).localname


def _check_condition(flow: etree._Element, source: etree._Element | None) -> Iterable[str]:
    conditions = flow.findall("bpmn:conditionExpression", NS)
    if len(conditions) > 1:
        yield f"{where(flow)}: sebuah alur hanya boleh punya satu kondisi."
    for condition in conditions:
        # CDATA sections arrive here as plain text, so they pass the same check.
        try:
            expressions.check(condition.text or "")
        except expressions.UnsafeExpression as error:
            yield f"{where(flow)}: kondisi ditolak: {error}"
    if conditions and source is not None and _kind(source) != "exclusiveGateway":
        yield (f"{where(flow)}: kondisi hanya boleh pada alur keluar exclusive gateway; alur "
               f"ini keluar dari {where(source)}.")


def _check_gateways(nodes: dict[str, etree._Element],
                    flows_from: dict[str, list[etree._Element]]) -> Iterable[str]:
    for node_id, node in nodes.items():
        outgoing = flows_from[node_id]
        default = node.get("default")
        if default is not None and default not in {flow.get("id") for flow in outgoing}:
            yield f'{where(node)}: alur default "{default[:100]}" bukan alur keluar elemen ini.'
        if _kind(node) != "exclusiveGateway" or len(outgoing) < 2:
            continue
        for flow in outgoing:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            if flow.get("id") == default and has_condition:
                yield f"{where(flow)}: alur default {where(node)} tidak boleh punya kondisi."
            elif flow.get("id") != default and not has_condition:
                yield (f"{where(flow)}: alur keluar {where(node)} tidak punya kondisi; bila "
                       "gateway punya beberapa alur keluar, setiap alur harus punya kondisi, "
                       "kecuali satu alur yang dijadikan default gateway.")


def _check_ends(nodes: dict[str, etree._Element], flows_from: dict[str, list[etree._Element]],
                flows_into: dict[str, list[etree._Element]]) -> Iterable[str]:
    for node_id, node in nodes.items():
        kind = _kind(node)
        if kind in ("startEvent", "boundaryEvent") and flows_into[node_id]:
            yield f"{where(node)}: {kind} tidak boleh punya alur masuk."
        if kind == "endEvent" and flows_from[node_id]:
            yield f"{where(node)}: end event tidak boleh punya alur keluar."
        if kind == "boundaryEvent":
            host = nodes.get(node.get("attachedToRef"))
            if host is None:
                yield f"{where(node)}: attachedToRef tidak merujuk elemen yang ada."
            elif _kind(host) != "userTask":
                yield (f"{where(node)}: boundary event hanya boleh menempel pada user task; "
                       f"{where(host)} bukan user task.")


def _check_paths(nodes: dict[str, etree._Element],
                 flows_from: dict[str, list[etree._Element]]) -> Iterable[str]:
    successors = {node_id: {flow.get("targetRef") for flow in flows}
                  for node_id, flows in flows_from.items()}
    escapes = {node_id: set(targets) for node_id, targets in successors.items()}
    for node_id, node in nodes.items():
        host = node.get("attachedToRef")
        if _kind(node) == "boundaryEvent" and host in nodes:
            successors[host].add(node_id)
            if node.get("cancelActivity", "true") != "false":
                escapes[host].add(node_id)
    starts = [node_id for node_id, node in nodes.items() if _kind(node) == "startEvent"]
    ends = [node_id for node_id, node in nodes.items() if _kind(node) == "endEvent"]
    reached = _closure(starts, successors)
    predecessors: dict[str, set[str]] = {node_id: set() for node_id in nodes}
    for node_id, targets in escapes.items():
        for target in targets:
            predecessors[target].add(node_id)
    finishing = _closure(ends, predecessors)
    for node_id, node in nodes.items():
        if starts and node_id not in reached:
            yield f"{where(node)}: tidak dapat dicapai dari start event."
        if ends and node_id not in finishing:
            yield (f"{where(node)}: tidak ada jalur dari elemen ini ke end event (jalan buntu, "
                   "atau pengulangan yang tidak punya jalan keluar).")


def _closure(seeds: list[str], edges: dict[str, set[str]]) -> set[str]:
    found, frontier = set(seeds), list(seeds)
    while frontier:
        for target in edges[frontier.pop()]:
            if target not in found:
                found.add(target)
                frontier.append(target)
    return found
