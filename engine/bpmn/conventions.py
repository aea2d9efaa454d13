"""Alur's BPMN conventions (README, "Konvensi BPMN") that more than one module reads.

A lane's name is a role (``engine.roles``); a process id is the SOP's key; a decision is an
exclusive gateway whose outgoing flows test one variable, ``variable == "value"``.
"""

import re

from lxml import etree

from engine.bpmn.xml import NS

KEY_PATTERN = re.compile(r"^[A-Za-z_][A-Za-z0-9_-]{0,127}$")
DECISION_PATTERN = re.compile(r"""^\s*([a-z_][a-z0-9_]*)\s*==\s*(["'])([^"']+)\2\s*$""")

# A user task property that makes its time standard count wall-clock time (e.g. a
# critical server fault), instead of office time.
ROUND_THE_CLOCK_PROPERTY = "sepanjang_waktu"
# A user task property holding the modeller's note on how the step was read from its
# source (OCR readings, an assumed Pelaksana): shown to administrators only, never in
# Keterangan, on task pages or in the printed SOP.
CONVERSION_NOTE_PROPERTY = "catatan_konversi"
# Process properties: an incident SOP whose mean time to resolve (MTTR) is SKP evidence
# (seed 000: critical tickets within 1 hour, major within 4), and the process data field
# that holds an instance's priority.
MTTR_PROPERTY = "mttr"
PRIORITY_FIELD_PROPERTY = "data_prioritas"
DEFAULT_PRIORITY_FIELD = "prioritas"
# A ticket's priorities, most urgent first (seed 000; README, "SLA per prioritas").
TICKET_PRIORITIES = ("kritis", "mayor", "minor")
# Process properties for "Mulai Proses" (issue 15): the group an SOP is listed under, and
# its purpose in one sentence for the staff who start it. The usual groups come first, in
# this order; others follow by name, an SOP without a group last ("Lainnya").
GROUP_PROPERTY = "kelompok"
PURPOSE_PROPERTY = "tujuan"
GROUPS = ("TI", "Perencanaan", "Persuratan")


def decision_of(flow: etree._Element) -> tuple[str, str] | None:
    """``(variable, value)`` of a condition written ``variable == "value"``, else None."""
    condition = flow.find("bpmn:conditionExpression", NS)
    match = DECISION_PATTERN.match(condition.text or "") if condition is not None else None
    return (match.group(1), match.group(3)) if match else None
