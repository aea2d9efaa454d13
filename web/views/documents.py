"""The official SOP document (Permenpan RB 35/2012) of a process definition version.

As a page (printable: ``static/sop-print.css``) and as a PDF drawn server-side
(``web.sop_pdf``), kept once drawn (``web.pdf_cache``).
Any logged-in user may read any SOP: the document is the office's published procedure.
"""

import base64
import json
from typing import Any

from flask import Blueprint, Response, render_template
from flask_babel import get_locale
from flask_login import login_required

from engine import settings
from engine.models import ProcessDefinition
from engine.process import versions
from engine.sop.document import END, GRID, IDENTITAS, SopDocument, document_of
from web.extensions import db
from web.pdf_cache import cached_pdf
from web.sop_pdf import OfficeIdentity, sop_pdf
from web.source_documents import source_mark

bp = Blueprint("documents", __name__, url_prefix="/sop")

# A replaced version's printed words on its cases (the document is Indonesian; its page
# writes the same sentence in the reader's language).
CASES_KEEP = ("Proses yang dimulai dengan versi ini tetap dikerjakan menurut versi ini, "
              "sampai administrator memindahkannya ke versi yang berlaku.")


@bp.get("/<key>/versi/<int:version>")
@login_required
def show(key: str, version: int) -> Any:
    definition = _definition(key, version)
    document = document_of(definition, settings.work_calendar(db.session).timezone)
    active = versions.in_force_version(db.session, key)
    return render_template("documents/sop.html", doc=document, identitas=IDENTITAS, grid=GRID,
                           end=END, identity=settings.get(db.session, "identity"),
                           mark=_mark(definition, document, active),
                           replaced=_replaced(definition, active))


@bp.get("/<key>/versi/<int:version>.pdf")
@login_required
def pdf(key: str, version: int) -> Any:
    definition = _definition(key, version)
    identity = settings.get(db.session, "identity")
    timezone = settings.work_calendar(db.session).timezone
    document = document_of(definition, timezone)
    active = versions.in_force_version(db.session, key)
    mark = _mark(definition, document, active)
    if _replaced(definition, active):  # printed too, as the page says it (found by a probe)
        mark = f"{mark} {CASES_KEEP}"
    # A version's document changes only with the office's identity, zone and language, and
    # with which version is in force.
    cache_key = (definition.id, definition.file_hash, json.dumps(identity, sort_keys=True),
                 str(timezone), str(get_locale()), mark)
    data = cached_pdf(cache_key, lambda: bytes(sop_pdf(document, office_identity(), mark)))
    return Response(data, mimetype="application/pdf", headers={
        "Content-Disposition": f'attachment; filename="SOP-{key}-versi-{version}.pdf"'})


def office_identity() -> OfficeIdentity:
    """The office's name, unit and logo from the settings, for the PDF's kop."""
    stored = settings.get(db.session, "identity")
    logo = base64.b64decode(stored["logo"]) if stored.get("logo") else None
    return OfficeIdentity(office=stored.get("office", ""), unit=stored.get("unit", ""),
                          logo=logo)


def _replaced(definition: ProcessDefinition, active: int | None) -> bool:
    """Whether ``definition`` was in force and a newer version (``active``, the one in
    force) replaces it: a case's SOP link leads to its own version, and the cases started
    with it keep it until moved (``CASES_KEEP``). Not when an older version was put back
    in force: cases never move to an older version (found by the regression probe)."""
    return (definition.activated_at is not None and not definition.is_active
            and active is not None and active > definition.version)


def _mark(definition: ProcessDefinition, document: SopDocument, active: int | None
          ) -> str | None:
    """What the document must say on top of every page: not the version in force
    (``versions.not_in_force``; ``active``, the one in force), else a bundled source
    document (``source_mark``)."""
    return versions.not_in_force(definition, active) or source_mark(definition, document)


def _definition(key: str, version: int) -> ProcessDefinition:
    """The version; 404 saying which SOP has no such version (``versions.get_version``)."""
    return versions.get_version(db.session, key, version)
