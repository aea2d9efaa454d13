"""BPMN as an XML document: its namespaces and how a message names an element."""

from lxml import etree

BPMN_NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"
SPIFF_NS = "http://spiffworkflow.org/bpmn/schema/1.0/core"
NS = {"bpmn": BPMN_NS, "spiffworkflow": SPIFF_NS}
# The diagram's namespaces (BPMN DI, DC, DI), and XML Schema instance.
DI_NAMESPACES = {"http://www.omg.org/spec/BPMN/20100524/DI",
                 "http://www.omg.org/spec/DD/20100524/DC",
                 "http://www.omg.org/spec/DD/20100524/DI"}
XSI_NS = "http://www.w3.org/2001/XMLSchema-instance"


def where(element: etree._Element) -> str:
    """``'<tag> "<id>" (baris N)'``, to name an element in a message."""
    tag = etree.QName(element).localname
    return f'{tag} "{element.get("id", "?")}" (baris {element.sourceline})'
