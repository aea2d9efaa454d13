"""What the priorities of a ticket promise, in the reader's language, from the office's SLA
(``engine.desk.sla.rule``: minor from Pengaturan): under the requester's proposed priority
on Ajukan Tiket, and under the priority the desk sets at triage (README, "Layanan TI")."""

from datetime import datetime

from flask_babel import gettext

from engine.desk import sla
from web.extensions import db
from web.time_words import standard_text


def promised(reported_at: datetime | None = None) -> dict[str, str]:
    """``{priority: its SLA in words}``, e.g. ``{"kritis": "1 jam", …}``: for a ticket
    reported at ``reported_at`` (aware), the minor SLA in force then; None: now."""
    return {priority: standard_text(*sla.rule(db.session, priority, reported_at))
            for priority in sla.PRIORITIES}


def for_requester(triaged: bool) -> str:
    """The hint under the requester's priority: ``triaged`` when a step of the SOP sets the
    final one (``tickets.triage_steps``), else his choice is the ticket's priority, which
    the form says (the phone probe: it promised a triage Penanganan Gangguan Server has
    not)."""
    if triaged:
        return gettext("Target penyelesaian — kritis: %(kritis)s, siang dan malam; mayor: "
                       "%(mayor)s; minor: %(minor)s. Petugas menetapkan prioritas akhirnya; "
                       "waktu menunggu jawaban Anda tidak dihitung.", **promised())
    return gettext("Target penyelesaian — kritis: %(kritis)s, siang dan malam; mayor: "
                   "%(mayor)s; minor: %(minor)s. Prioritas yang Anda pilih langsung "
                   "menetapkan targetnya: pilih kritis hanya bila layanannya berhenti. Waktu "
                   "menunggu jawaban Anda tidak dihitung.", **promised())


def for_desk(reported_at: datetime) -> str:
    """The hint under the priority the desk sets (the triage step) of a ticket reported at
    ``reported_at`` (aware): its SLAs as they stood then, which the triage's choice sets."""
    return gettext("Target penyelesaian, dihitung dari waktu laporan — kritis: %(kritis)s, "
                   "siang dan malam; mayor: %(mayor)s; minor: %(minor)s. Waktu menunggu "
                   "jawaban pemohon tidak dihitung.", **promised(reported_at))
