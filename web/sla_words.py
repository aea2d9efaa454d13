"""What the priorities of a ticket promise, in the reader's language, from the office's SLA
(``engine.desk.sla.rule``: minor from Pengaturan): under the requester's proposed priority
on Ajukan Tiket, and under the priority the desk sets at triage (README, "Layanan TI")."""

from flask_babel import gettext

from engine.desk import sla
from web.extensions import db
from web.time_words import standard_text


def promised() -> dict[str, str]:
    """``{priority: its SLA in words}``, e.g. ``{"kritis": "1 jam", …}``."""
    return {priority: standard_text(*sla.rule(db.session, priority))
            for priority in sla.PRIORITIES}


def for_requester() -> str:
    """The hint under the requester's proposed priority."""
    return gettext("Target penyelesaian — kritis: %(kritis)s, siang dan malam; mayor: "
                   "%(mayor)s; minor: %(minor)s. Petugas menetapkan prioritas akhirnya; "
                   "waktu menunggu jawaban Anda tidak dihitung.", **promised())


def for_desk() -> str:
    """The hint under the priority the desk sets (the triage step)."""
    return gettext("Target penyelesaian, dihitung dari waktu laporan — kritis: %(kritis)s, "
                   "siang dan malam; mayor: %(mayor)s; minor: %(minor)s. Waktu menunggu "
                   "jawaban pemohon tidak dihitung.", **promised())
