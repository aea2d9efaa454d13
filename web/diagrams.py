"""An SOP version's diagram as the pages' bpmn-js fetches it: the BPMN as
``engine.bpmn.timer_labels.diagram_xml`` shows it, with an ETag of its content, kept by
the browser and asked again each time (``web.edge.REVALIDATED``): a process page opened
again costs a 304 instead of the file (30 KB for the RKT) on a slow intranet. It holds no
case data: the SOP's, which every official of its lanes sees."""

from flask import Response, request

from engine.bpmn.timer_labels import diagram_xml
from web.edge import REVALIDATED


def diagram_response(bpmn_xml: str) -> Response:
    """The diagram of ``bpmn_xml`` (a deployed version's BPMN): 200 with its ETag, or 304
    when the browser's copy (``If-None-Match``) is the same."""
    response = Response(diagram_xml(bpmn_xml), mimetype="application/xml")
    response.add_etag()
    response.headers["Cache-Control"] = REVALIDATED
    return response.make_conditional(request)
