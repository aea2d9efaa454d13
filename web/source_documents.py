"""The bundled SOPs as their source documents wrote them (``bpmn/``): sixteen name another
institution's number and approving official, with his NIP. Printed under the office's own
letterhead they would read as the office's enacted SOP (found by the onboarding probe: a
religious court's kop above "Disahkan oleh KPN Bengkalis"), so their document says what
they are until the office uploads its own revision."""

from functools import cache

from engine.models import ProcessDefinition
from engine.process.deploy import version_hash
from engine.sop.document import EMPTY, SopDocument
from web.cli.deploy_files import BPMN_DIR

SOURCE_MARK = ("CONTOH DARI DOKUMEN SUMBER: nomor dan pengesahan SOP ini milik instansi "
               "asalnya; unggah revisinya dengan nomor dan pejabat kantor Anda sebelum "
               "mencetaknya sebagai SOP kantor.")


@cache
def _bundled() -> frozenset[str]:
    """The ``file_hash`` of each bundled SOP as ``alur setup`` deploys it (no form files)."""
    return frozenset(version_hash(path.read_bytes()) for path in BPMN_DIR.glob("*.bpmn"))


def source_mark(definition: ProcessDefinition, document: SopDocument) -> str | None:
    """``SOURCE_MARK`` for a bundled SOP's version, unchanged, whose document names a number
    or an approving official (another institution's); None otherwise (a version the office
    uploaded, or a bundled one that names neither)."""
    if definition.file_hash not in _bundled():
        return None
    named = (document.header.get(name, EMPTY) != EMPTY for name in ("nomor_sop", "disahkan_oleh"))
    return SOURCE_MARK if any(named) else None
