"""BPMN as an XML document: its namespaces, what an id may be, and how a message names an
element."""

import re

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
# The diagram's namespaces (BPMN DI, DC, DI), and XML Schema instance.
DI_NAMESPACES = {"http://www.omg.org/spec/BPMN/20100524/DI",
                 "http://www.omg.org/spec/DD/20100524/DC",
                 "http://www.omg.org/spec/DD/20100524/DI"}
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"
# An id of BPMN and its diagram is an xs:ID, an XML name without a colon (NCName): a letter
# or _ first. The rule in words, for every message about an id.
ID = re.compile(r"[^\W\d][\w.-]*")
ID_RULE = "id diawali huruf atau _ lalu huruf, angka, _ atau -, tanpa spasi dan tanpa titik"


def where(element: etree._Element) -> str:
    """``'<tag> "<id>" (baris N)'``, to name an element in a message; an element without
    an id by its ``name`` (``property "waktu"``), else by its tag and line alone."""
    tag = etree.QName(element).localname
    label = element.get("id") or element.get("name")
    return f'{tag} "{label}" (baris {element.sourceline})' if label else (
        f"{tag} (baris {element.sourceline})")
