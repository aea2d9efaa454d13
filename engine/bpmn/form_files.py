"""The JSON form files a deployed version was uploaded with (``formJsonSchemaFilename``,
``formUiSchemaFilename``), written again from its catalog, so that the administrator who
downloads the version's BPMN to change it gets what its upload needs (the regression probe:
a revision of an SOP whose forms are files was refused, "berkas formulir tidak ada")."""

import json
from typing import Any

from engine.bpmn.catalog import process_properties
from engine.bpmn.forms import SCHEMA_PROPERTY, UI_PROPERTY
from engine.bpmn.validation import read_xml
from engine.bpmn.xml import NS


def form_files(bpmn_xml: str, catalog: dict[str, Any]) -> dict[str, bytes]:
    """``{file name: JSON}`` of each form the start event or a user task of ``bpmn_xml``
    (a deployed, valid BPMN file) names in a file, from ``catalog`` (its version's): the
    schema and, when named, the UI schema; empty when no form is in a file."""
    files: dict[str, bytes] = {}
    for process in read_xml(bpmn_xml.encode("utf-8")).iterfind("bpmn:process", NS):
        for element in (*process.iterfind("bpmn:startEvent", NS),
                        *process.iterfind("bpmn:userTask", NS)):
            properties = process_properties(element)
            if not properties.get(SCHEMA_PROPERTY):
                continue
            form = (catalog["tasks"].get(element.get("id"), {}).get("form")
                    if element.tag.endswith("userTask") else catalog.get("start_form"))
            if not form:
                continue
            files[properties[SCHEMA_PROPERTY]] = _json(form["schema"])
            if properties.get(UI_PROPERTY):
                files[properties[UI_PROPERTY]] = _json(form.get("ui") or {})
    return files


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
