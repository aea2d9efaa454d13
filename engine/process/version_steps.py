"""What a new version changes in its kept steps beyond names, lanes and times: their Mutu
Baku (Kelengkapan, Output, Keterangan; Permenpan RB 35/2012) and where each leads next, per
choice of its decision. Found by the SOP table probe: a version that sent "Jika Tidak" to
another step, or rewrote an Output, was previewed as "Langkah sama dengan versi aktif"."""

from typing import Any

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


def flow_changes(before: dict[str, dict[str, Any]], after: dict[str, dict[str, Any]]
                 ) -> list[tuple[str, str, str, str]]:
    """The steps kept from ``before`` to ``after`` (catalogs' ``tasks``) whose next steps
    (their ``next``, ``engine.bpmn.graph.FlowGraph.next_steps``) differ, in ``after``'s
    order: ``[(id, name, old, new)]``, each side in words as the SOP reads it: ``Memeriksa
    konsep`` or, after a decision, ``Ya → Menandatangani; Tidak → Menyusun konsep``. The
    choices are compared by label and by the ids they reach, so a renamed step alone (said
    elsewhere) changes no flow. Read from the catalogs, never the BPMN (a version list
    reads no definition's BPMN); a step of a catalog built before ``next`` was kept is not
    compared."""
    changes = []
    for step_id, step in after.items():
        was = before.get(step_id, {}).get("next")
        if was is not None and step.get("next") is not None \
                and _ways(was) != _ways(step["next"]):
            changes.append((step_id, step["name"], _words(was), _words(step["next"])))
    return changes


def _ways(next_steps: list[list[Any]]) -> list[tuple[str, list[str]]]:
    return [(label, [target for target, _ in targets]) for label, targets in next_steps]


def _words(next_steps: list[list[Any]]) -> str:
    said = [(label, ", ".join(sorted(word for _, word in targets)) or "—")
            for label, targets in next_steps]
    return "; ".join(f"{label} → {where}" if label else where for label, where in said)
