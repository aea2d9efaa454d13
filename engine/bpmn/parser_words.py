"""SpiffWorkflow's own parse refusals in words: what its parser refuses after the BPMN
schema and Alur's checks passed (``Multiple outgoing flows are not supported for tasks of
type``, ``Escalation identifier is missing from bpmn xml``), said in Indonesian naming the
element by its tag, id and line, as every other upload refusal (README "Mendeploy SOP").
SpiffWorkflow names the element by id only (its line number stays empty for lxml)."""

import re

from lxml import etree

from engine.bpmn.xml import where

# (pattern of SpiffWorkflow's sentence, Indonesian with the pattern's groups)
_SENTENCES = (
    (r"Multiple outgoing flows are not supported for tasks of type",
     "punya lebih dari satu alur keluar; langkah dan event hanya boleh punya satu — "
     "bercabanglah dengan gateway (parallelGateway untuk semua cabang, exclusiveGateway "
     "untuk salah satu)"),
    (r"(?P<kind>Correlation|Error|Escalation|Signal|Message|Data Store) identifier is "
     r"missing from bpmn xml",
     "elemen {kind} tanpa atribut id; beri setiap elemen {kind} id yang unik"),
    (r"No start event found", "proses tanpa start event; tambahkan satu startEvent"),
)
_KINDS = {"Correlation": "correlationKey", "Error": "error", "Escalation": "escalation",
          "Signal": "signal", "Message": "message", "Data Store": "dataStore"}


def parser_refusal(message: str, element_id: str, root: etree._Element | None) -> str:
    """An Indonesian sentence for SpiffWorkflow's parse refusal ``message`` about the
    element ``element_id`` ("" when it names none) of ``root``; a sentence not known here
    is kept as SpiffWorkflow wrote it, after the element."""
    found = root.xpath("//*[@id=$id]", id=element_id) if root is not None and element_id \
        else []
    subject = where(found[0]) if found else "BPMN"
    for pattern, words in _SENTENCES:
        sentence = re.match(pattern, message.strip())
        if sentence is not None:
            values = {key: _KINDS.get(value, value) for key, value in
                      sentence.groupdict().items()}
            return f"{subject}: " + words.format(**values)
    return f"{subject}: tidak dapat dibaca mesin proses ({message.strip()[:300]})"
