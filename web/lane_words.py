"""The administrator's warning about an SOP version whose lane nobody holds (the probe of
an SOP's life: a lane "Pihak Ketiga" no account held was stored and activated without a
word, and its instances stopped for good at that lane's first step)."""

from flask_babel import gettext

from engine.models import ProcessDefinition
from engine.people.holders import unheld_lanes
from web.extensions import clock, db


def unheld_warning(definition: ProcessDefinition) -> str | None:
    """The warning naming the lanes of ``definition`` that nobody answers for now
    (``engine.people.holders.unheld_lanes``), or None when every lane has someone."""
    lanes = unheld_lanes(db.session, definition.catalog, clock().now())
    if not lanes:
        return None
    return gettext(
        "Tidak seorang pun memegang peran %(roles)s sekarang: langkah di lane itu tidak dapat "
        "dikerjakan siapa pun, dan proses versi ini berhenti di sana sampai peran itu "
        "diberikan kepada seorang pengguna (Pengguna dan Peran), atau Plt dicatat bila "
        "pemegangnya yang nonaktif masih tercatat.",
        roles=", ".join(lanes))
