"""The tables of the service desk's reports (``engine.reports.desk``), for the page
"Laporan Layanan TI", its CSV/XLSX and the person's SKP evidence page."""

from typing import Any

from flask import url_for
from sqlalchemy import func, select

from engine.models import ProcessDefinition, User, UserRole
from engine.numbers import grouped
from engine.people.access import REQUESTER_PROCESSES, Access
from engine.reports import desk
from engine.time.periods import Period
from web.extensions import clock, db
from web.i18n import N_
from web.views.reports.export import Spent, Table, TimeStandard

SATISFACTION_HEADINGS = [N_("Cakupan"), N_("Indeks kepuasan (%)"), N_("Target (%)"),
                         N_("Jumlah penilaian"), N_("Tiket selesai"), N_("Tingkat respons (%)")]


def satisfaction_row(table: Table, label: str, found: dict[str, Any]) -> None:
    """Add one scope's satisfaction figures to ``table``."""
    table.add([label, found["index"], found["target"], found["count"], found["completed"],
               found["response_rate"]])


def desk_tables(period: Period, viewer: Access) -> list[Table]:
    """Kepuasan, Komentar, Uptime, Tiket and MTTR tables of ``period``; of the per-Prakom
    rows only those of the people ``viewer`` may see (``Access.may_view_person``)."""
    start, end = period.start, period.end
    satisfaction = Table(N_("Kepuasan Pengguna"), SATISFACTION_HEADINGS)
    overall = desk.satisfaction(db.session, start, end)
    satisfaction_row(satisfaction, "Semua layanan", overall)
    for definition in db.session.scalars(select(ProcessDefinition).where(
            ProcessDefinition.key.in_(REQUESTER_PROCESSES), ProcessDefinition.is_active)):
        satisfaction_row(satisfaction, definition.name,
                         desk.satisfaction(db.session, start, end, process_key=definition.key,
                                           comments=False))
    for prakom in db.session.scalars(select(User).join(UserRole).where(
            UserRole.role == "Prakom").order_by(func.lower(User.full_name), User.id)):
        if not viewer.may_view_person(prakom):
            continue
        satisfaction_row(satisfaction, prakom.full_name,
                         desk.satisfaction(db.session, start, end, prakom=prakom,
                                           comments=False))
    comments = Table(N_("Komentar pengguna"), [N_("Nomor"), N_("Nilai"), N_("Komentar")])
    for number, score, text, instance_id in overall["comments"]:  # each opens its ticket
        comments.add([number, score, text],
                     [url_for("instances.show", instance_id=instance_id), None, None])
    if overall["comments_total"] > len(overall["comments"]):
        comments.add(["…", None, (  # the exports are Indonesian; the page says it so too
            f"dan {grouped(overall['comments_total'] - len(overall['comments']))} komentar "
            "yang lebih lama pada periode ini — pilih periode yang lebih pendek untuk "
            "melihatnya")])
    uptime = Table(N_("Uptime sistem"), [N_("Sistem"), N_("Downtime (menit)"),
                                         N_("Uptime (%)"), N_("Sistem kritis"),
                                         N_("Target 99,5% tercapai")])
    for row in desk.uptime(db.session, start, end, clock().now()):
        uptime.add([row["system"], row["downtime_minutes"], row["uptime"],
                    "ya" if row["critical"] else "tidak",
                    {True: "ya", False: "tidak", None: "—"}[row["met"]]])
    summary = desk.ticket_summary(db.session, start, end)
    tickets = Table(N_("Ringkasan Ticketing"), [N_("Menurut"), N_("Kelompok"), N_("Tiket")])
    for name, count in summary["by_category"].items():
        tickets.add(["kategori", name, count])
    for name, count in summary["by_priority"].items():
        tickets.add(["prioritas", name, count])
    tickets.add(["backlog akhir periode", "—", summary["backlog"]])
    mttr = Table(N_("MTTR per prioritas"), [N_("Prioritas"), N_("Tiket selesai"),
                                            N_("MTTR (menit kerja, kritis: menit "
                                               "sepanjang waktu)"), N_("SLA"),
                                            N_("Dalam SLA (%)")])
    for row in summary["mttr"]:
        spent = row["mttr_minutes"]
        mttr.add([row["priority"], row["count"],
                  None if spent is None else Spent(spent, row["round_the_clock"]),
                  TimeStandard(row["sla"], row["round_the_clock"]), row["within_sla"]])
    return [satisfaction, comments, uptime, tickets, mttr]


def person_desk_table(period: Period, person: User) -> Table:
    """The person's "Kepuasan Pengguna" (tickets in whose Prakom steps they took part),
    SKP evidence of a Pranata Komputer."""
    table = Table(N_("Kepuasan Pengguna"), SATISFACTION_HEADINGS)
    satisfaction_row(table, person.full_name,
                     desk.satisfaction(db.session, period.start, period.end, prakom=person,
                                       comments=False))
    return table
