"""The tables of each report, with Indonesian headings, built from the engine's figures.

Pages render these tables and the exports write them (``web.report_export``), so the
numbers are the same everywhere. Shares are percentages rounded to one decimal, durations
whole office minutes, MTTR office minutes to one decimal.
"""

from collections.abc import Callable

from engine.periods import Period
from engine.report_basis import BAND_LABELS
from engine.report_people import PersonReport
from engine.reports import SopPerformance, Tabel7Row

from .report_export import Table

# ``link(figure, **arguments)``: the URL of the instances behind a person's figure.
Linker = Callable[..., str]


def percent(share: float | None) -> float | None:
    """A share (0-1) as a percentage rounded to one decimal; None stays None."""
    return None if share is None else round(100 * share, 1)


def sop_tables(report: SopPerformance) -> list[Table]:
    """Ringkasan (one row) and Langkah (the steps, slowest first)."""
    summary = Table("Ringkasan", [
        "SOP", "Periode", "Proses dimulai", "Proses selesai", "Masih berjalan",
        "Median waktu siklus (menit kerja)", "P90 waktu siklus (menit kerja)",
        "Langkah berbatas waktu", "Langkah tepat waktu", "Tepat waktu (%)", "Eskalasi"])
    summary.add([report.name, report.period.label, report.started, report.finished,
                 report.running, report.cycle_median_minutes, report.cycle_p90_minutes,
                 report.with_deadline, report.on_time, percent(report.on_time_share),
                 report.escalations])
    steps = Table("Langkah", [
        "No", "Kegiatan", "Pelaksana", "Waktu (Mutu Baku)", "Waktu (menit kerja)",
        "Selesai", "Median (menit kerja)", "P90 (menit kerja)", "Berbatas waktu",
        "Tepat waktu", "Tepat waktu (%)", "Eskalasi"])
    for step in report.steps:
        steps.add([step.no, step.name, step.role, step.waktu or "—", step.standard_minutes,
                   step.done, step.median_minutes, step.p90_minutes, step.with_deadline,
                   step.on_time, percent(step.on_time_share), step.escalations])
    return [summary, steps]


def heatmap_table(report: SopPerformance) -> Table:
    """Peta Hambatan: each step's on-time share and band, in the SOP's step order."""
    table = Table("Peta Hambatan", [
        "No", "Kegiatan", "Pelaksana", "Tepat waktu (%)", "Kategori", "Tepat waktu",
        "Berbatas waktu", "Median (menit kerja)", "Waktu (menit kerja)", "Eskalasi"])
    for step in report.in_sop_order:
        table.add([step.no, step.name, step.role, percent(step.on_time_share),
                   BAND_LABELS[step.band], step.on_time, step.with_deadline,
                   step.median_minutes, step.standard_minutes, step.escalations])
    return table


def person_tables(report: PersonReport, link: Linker) -> list[Table]:
    """Ringkasan, Per SOP, Per Langkah and MTTR of one person; figures link to their
    instances through ``link(figure, sop=..., langkah=..., prioritas=...)``."""
    summary = Table("Ringkasan", [
        "Nama", "Pengguna", "Periode", "Langkah selesai", "Berbatas waktu", "Tepat waktu",
        "Tepat waktu (%)", "Eskalasi atas langkahnya", "Notifikasi eskalasi diterima"])
    summary.add([report.full_name, report.username, report.period.label, report.done,
                 report.with_deadline, report.on_time, percent(report.on_time_share),
                 report.escalations, report.notified],
                [None, None, None, link("tugas"), None, None, None, link("eskalasi"),
                 link("notifikasi")])
    sops = Table("Per SOP", ["SOP", "Langkah selesai", "Berbatas waktu", "Tepat waktu",
                             "Tepat waktu (%)", "Proses dengan langkah terlambat"])
    for sop in report.sops:
        sops.add([sop.name, sop.done, sop.with_deadline, sop.on_time,
                  percent(sop.on_time_share), len(sop.late_instance_ids)],
                 [None, link("tugas", sop=sop.key), None, None, None,
                  link("terlambat", sop=sop.key)])
    steps = Table("Per Langkah", ["SOP", "No", "Kegiatan", "Waktu (Mutu Baku)", "Selesai",
                                  "Median (menit kerja)", "Tepat waktu (%)"])
    for step in report.steps:
        url = link("langkah", sop=step.key, langkah=step.bpmn_id)
        steps.add([step.sop_name, step.no, step.name, step.waktu or "—", step.done,
                   step.median_minutes, percent(step.on_time_share)],
                  [None, None, None, None, url, url, url])
    mttr = Table("MTTR", ["SOP", "Prioritas", "Insiden selesai", "MTTR (menit kerja)"])
    for row in report.mttr:
        url = link("mttr", sop=row.key, prioritas=row.priority)
        mttr.add([row.sop_name, row.priority, row.resolved, round(row.mean_minutes, 1)],
                 [None, None, url, url])
    return [summary, sops, steps, mttr]


def tabel7_tables(rows: list[Tabel7Row], period: Period) -> list[Table]:
    """Tabel 7 Monitoring Pelaksanaan SOP (Permenpan RB 35/2012), the assessor's columns
    empty, and the measured figures behind its Catatan."""
    form = Table("Tabel 7", ["No", "Prosedur", "Penilaian: berjalan dengan baik",
                             "Penilaian: tidak berjalan dengan baik", "Catatan", "Tindakan",
                             "Paraf"])
    figures = Table("Angka terukur", [
        "No", "Prosedur", "Periode", "Proses dimulai", "Proses selesai", "Masih berjalan",
        "Tepat waktu (%)", "Median waktu siklus (menit kerja)", "Langkah paling lambat",
        "Median langkah paling lambat (menit kerja)", "Eskalasi"])
    for row in rows:
        p = row.performance
        form.add([row.no, row.prosedur, "", "", row.catatan, "", ""])
        slowest = p.slowest
        figures.add([row.no, row.prosedur, period.label, p.started, p.finished, p.running,
                     percent(p.on_time_share), p.cycle_median_minutes,
                     f"{slowest.no}. {slowest.name}" if slowest else None,
                     slowest.median_minutes if slowest else None, p.escalations])
    return [form, figures]
