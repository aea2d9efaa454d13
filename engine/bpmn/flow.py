"""Graph checks of an uploaded process: references, conditions, gateways, paths.

Part of the upload check (``engine.bpmn.validation``). "Every path reaches an end event" is
read as: every element can be reached from the start event, and from every element an
end event can be reached. Conditions are not evaluated here, so an exclusive gateway is
fine as long as one of its branches leads on; a loop is fine when it has a way out, and
refused when its only exits lead back into it (e.g. both choices return to a step). A
non-interrupting timer is no way out: its branch only escalates, while the step's own
token stays in the loop. A loop whose only exits are parallel gateways in it is refused
too: such a gateway sends a token out and, at the same time, one back in, so the loop
never ends and every pass adds a token (a start of such a process would never return).
Likewise a parallel gateway that splits inside a loop must have its branches joined by a
parallel gateway before they come round to it again, or every pass multiplies the open
steps. The branches of all parallel gateways together are bounded (``MAX_PARALLEL_BRANCHES``):
SpiffWorkflow's join looks at every branch at every step, so a wide fan-out holds the
database's write lock for seconds.
"""

from collections import Counter
from collections.abc import Iterable, Iterator

from lxml import etree

from engine.bpmn import expressions
from engine.bpmn.xml import NS, where

# The extra tokens all parallel splits of a process may add (outgoing flows beyond the
# first, summed): the SOPs of the source documents use none; 20 is several people at once.
MAX_PARALLEL_BRANCHES = 20


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
    dangling = False
    for flow in process.findall("bpmn:sequenceFlow", NS):
        source, target = flow.get("sourceRef"), flow.get("targetRef")
        for attribute, end in (("sourceRef", source), ("targetRef", target)):
            dangling = dangling or not end or end not in nodes
            if not end:
                yield f"{where(flow)}: {attribute} kosong."
            elif end not in nodes:
                yield f'{where(flow)}: merujuk elemen "{end[:100]}" yang tidak ada.'
        if source in nodes and target in nodes:
            flows_from[source].append(flow)
            flows_into[target].append(flow)
        yield from _check_condition(flow, nodes.get(source))
    yield from _check_ends(nodes, flows_from, flows_into)
    if dangling:  # a deleted element: the flows to it named, not what their loss implies
        return  # (its step a dead end, a gateway left one branch: the probes)
    yield from _check_gateways(nodes, flows_from)
    yield from _check_mixed_parallel(nodes, flows_from, flows_into)
    yield from _check_parallel_width(nodes, flows_from)
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
        if _kind(node) == "exclusiveGateway" and len(outgoing) == 1 and \
                outgoing[0].find("bpmn:conditionExpression", NS) is not None:
            yield (f"{where(outgoing[0])}: satu-satunya alur keluar {where(node)} punya "
                   "kondisi; gateway dengan satu alur keluar hanya menggabungkan dan tidak "
                   "menanyakan apa pun, jadi proses akan berhenti (Galat) setiap kali "
                   "kondisinya tidak terpenuhi. Hapus kondisinya, atau tambahkan alur untuk "
                   "pilihan lainnya.")
        if _kind(node) != "exclusiveGateway" or len(outgoing) < 2:
            continue
        for flow in outgoing:
            has_condition = flow.find("bpmn:conditionExpression", NS) is not None
            if flow.get("id") == default and has_condition:
                yield f"{where(flow)}: alur default {where(node)} tidak boleh punya kondisi."
            elif flow.get("id") != default and not has_condition:
                yield (f"{where(flow)}: alur keluar {where(node)} tidak punya kondisi; bila "
                       "gateway punya beberapa alur keluar, setiap alur harus punya kondisi "
                       '(mis. keputusan == "setuju"). Hanya gateway yang menguji data proses '
                       "boleh menjadikan satu alur tanpa kondisi sebagai default; gateway "
                       "keputusan tepat setelah user task tidak.")


def _check_mixed_parallel(nodes: dict[str, etree._Element],
                          flows_from: dict[str, list[etree._Element]],
                          flows_into: dict[str, list[etree._Element]]) -> Iterable[str]:
    # Found by the engine probe: a choice "ulang" led back into the split, which as a join
    # then waited for the first step again; the case went on to Galat days later.
    for node_id, node in nodes.items():
        ins, outs = len(flows_into[node_id]), len(flows_from[node_id])
        if _kind(node) == "parallelGateway" and ins > 1 and outs > 1:
            yield (f"{where(node)}: menggabungkan ({ins} alur masuk) sekaligus mencabang "
                   f"({outs} alur keluar); sebagai gabungan ia menunggu setiap alur masuknya, "
                   "juga alur yang kembali dari cabangnya sendiri, sehingga proses berhenti "
                   "di sini. Gabungkan dan cabangkan dengan dua parallel gateway; untuk "
                   "mengulang, kembalilah ke exclusive gateway sebelum pencabangan.")


def _check_ends(nodes: dict[str, etree._Element], flows_from: dict[str, list[etree._Element]],
                flows_into: dict[str, list[etree._Element]]) -> Iterable[str]:
    timed: set[str] = set()
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
            elif host.get("id") in timed:
                yield (f"{where(node)}: {where(host)} sudah punya timer batas; satu langkah "
                       "punya satu Waktu, jadi paling banyak satu timer.")
            else:
                timed.add(host.get("id"))


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
    yield from _check_parallel_loops(nodes, escapes)
    yield from _check_gateway_loops(nodes, successors)
    yield from _check_unjoined_splits(nodes, flows_from, escapes)
    stuck = {node_id for node_id in nodes if ends and node_id not in finishing}
    # A step with no way on strands every element before it: name that step, not them all.
    dead_ends = {node_id for node_id in stuck if not escapes[node_id]
                 and _kind(nodes[node_id]) not in ("endEvent", "boundaryEvent")}
    for node_id, node in nodes.items():
        if starts and node_id not in reached:
            yield f"{where(node)}: tidak dapat dicapai dari start event."
        if node_id in dead_ends:
            yield (f"{where(node)}: jalan buntu, tidak punya alur keluar; sambungkan ke "
                   "langkah berikutnya atau ke end event (proses selesai).")
        elif node_id in stuck and not dead_ends:
            yield (f"{where(node)}: tidak ada jalur dari elemen ini ke end event (jalan buntu, "
                   "atau pengulangan yang tidak punya jalan keluar).")


def _check_parallel_loops(nodes: dict[str, etree._Element],
                          edges: dict[str, set[str]]) -> Iterable[str]:
    for loop in _loops(edges):
        exits = {source for source in loop if edges[source] - loop}
        if exits and all(_kind(nodes[source]) == "parallelGateway" for source in exits):
            members = ", ".join(sorted(loop)[:10]) + (", ..." if len(loop) > 10 else "")
            for gateway in sorted(exits):
                yield (f"{where(nodes[gateway])}: pengulangan ({members}) hanya dapat "
                       "ditinggalkan lewat parallel gateway ini, yang sekaligus mengirim "
                       "token kembali ke pengulangan, sehingga pengulangan tidak pernah "
                       "berakhir; keluarlah lewat exclusive gateway.")


def _check_gateway_loops(nodes: dict[str, etree._Element],
                         edges: dict[str, set[str]]) -> Iterable[str]:
    """A loop of gateways only: no step inside can change the data its conditions read, so
    a process that takes it turns until the engine's step limit stops it in Galat (BPMN
    probe: a gateway whose "Ya" led back to itself)."""
    gateways = {node_id for node_id in nodes if (_kind(nodes[node_id]) or "").endswith(
        "Gateway")}
    for loop in _loops({node_id: edges[node_id] & gateways for node_id in gateways}):
        members = ", ".join(sorted(loop)[:10]) + (", ..." if len(loop) > 10 else "")
        yield (f"{where(nodes[min(loop)])}: pengulangan ({members}) hanya berisi gateway, "
               "tanpa langkah di dalamnya: datanya tidak dapat berubah, sehingga proses yang "
               "memasukinya berputar sampai Galat; arahkan alurnya ke sebuah langkah (user "
               "task) atau ke end event.")


def _check_parallel_width(nodes: dict[str, etree._Element],
                          flows_from: dict[str, list[etree._Element]]) -> Iterable[str]:
    # Every element but an exclusive gateway sends a token down each of its outgoing
    # flows: a parallel gateway, and a start event with several (an implicit split).
    splits = [node for node_id, node in nodes.items()
              if _kind(node) != "exclusiveGateway" and len(flows_from[node_id]) > 1]
    extra = sum(len(flows_from[node.get("id")]) - 1 for node in splits)
    if extra > MAX_PARALLEL_BRANCHES:
        widest = max(splits, key=lambda node: len(flows_from[node.get("id")]))
        yield (f"{where(widest)}: percabangan paralel proses ini (parallel gateway, atau "
               f"elemen dengan beberapa alur keluar) bersama-sama membuka {extra} cabang "
               f"tambahan; batasnya {MAX_PARALLEL_BRANCHES} (setiap cabang diperiksa mesin "
               "proses pada setiap langkah).")


def _check_unjoined_splits(nodes: dict[str, etree._Element],
                           flows_from: dict[str, list[etree._Element]],
                           edges: dict[str, set[str]]) -> Iterable[str]:
    incoming = Counter(flow.get("targetRef") for flows in flows_from.values() for flow in flows)
    joins = {node_id for node_id, node in nodes.items()
             if _kind(node) == "parallelGateway" and incoming[node_id] > 1}
    unjoined = {node_id: targets - joins for node_id, targets in edges.items()
                if node_id not in joins}
    for node_id, node in nodes.items():
        if (_kind(node) == "parallelGateway" and node_id not in joins
                and len(flows_from[node_id]) > 1
                and node_id in _closure(sorted(unjoined[node_id]), unjoined)):
            yield (f"{where(node)}: cabang parallel gateway ini kembali ke gateway ini tanpa "
                   "digabung parallel gateway lebih dulu, sehingga setiap putaran melipatkan "
                   "langkah yang terbuka; gabungkan cabangnya sebelum kembali.")


def _loops(edges: dict[str, set[str]]) -> list[set[str]]:
    """The loops of the graph: its strongly connected components that hold a cycle
    (Tarjan's algorithm, iterative so that a long chain cannot exhaust the stack)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    loops = []
    for root, first_targets in edges.items():
        if root in index:
            continue
        work = [(root, iter(sorted(first_targets)))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, targets = work[-1]
            target = next(targets, None)
            if target is not None:
                if target not in index:
                    index[target] = low[target] = len(index)
                    stack.append(target)
                    on_stack.add(target)
                    work.append((target, iter(sorted(edges[target]))))
                elif target in on_stack:
                    low[node] = min(low[node], index[target])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1 or node in edges[node]:
                    loops.append(component)
    return loops


def _closure(seeds: list[str], edges: dict[str, set[str]]) -> set[str]:
    found, frontier = set(seeds), list(seeds)
    while frontier:
        for target in edges[frontier.pop()]:
            if target not in found:
                found.add(target)
                frontier.append(target)
    return found
