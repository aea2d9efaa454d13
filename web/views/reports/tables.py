"""The tables of each report, with Indonesian headings, built from the engine's figures.

The exports write the titles and headings in Indonesian whatever the user's language; pages
show them translated (``Table.caption``, ``Table.labels``), so each is marked with ``N_``
for ``make messages``.

Pages render these tables and the exports write them (``web.views.reports.export``), so the
numbers are the same everywhere. Shares are percentages rounded to one decimal, durations
whole office minutes, MTTR office minutes to one decimal.
"""

from collections.abc import Callable

from flask_babel import gettext

from engine.models import User
from engine.reports.basis import BAND_LABELS
from engine.reports.people import PersonReport
from engine.reports.sop import SopPerformance, Tabel7Row
from engine.reports.team import TeamRow
from engine.text import is_digits
from engine.time.periods import Period
from web.i18n import N_
from web.views.reports.catatan import catatan_cell
from web.views.reports.export import Table, Words
from web.views.reports.period_words import period_label

# ``link(figure, **arguments)``: the URL of the instances behind a person's figure.
Linker = Callable[..., str]


def period_cell(period: Period) -> Words:
    """A report's period in a cell: the engine's Indonesian label for the exports, the
    user's language on the page."""
    return Words(period.label, lambda: period_label(period))


def percent(share: float | None) -> float | None:
    """A share (0-1) as a percentage rounded to one decimal; None stays None."""
    return None if share is None else round(100 * share, 1)


def step_no(no: str | None) -> int | str:
    """A step's No (the SOP table's, text in the catalog) as a number when it is one, so
    that the exports sort 2 before 10; "1a" or none stays text."""
    text = (no or "").strip()
    return int(text) if is_digits(text) else text


def sop_tables(report: SopPerformance, link: Linker) -> list[Table]:
    """Ringkasan (one row) and Langkah (the steps, slowest first); a step done in the
    period links its Kegiatan and Selesai to its executions, ``link(bpmn_id)``."""
    summary = Table(N_("Ringkasan"), [
        N_("SOP"), N_("Periode"), N_("Proses dimulai"), N_("Proses selesai"),
        N_("Masih berjalan"), N_("Dibatalkan"), N_("Median waktu siklus (menit kerja)"),
        N_("P90 waktu siklus (menit kerja)"), N_("Langkah berbatas waktu"),
        N_("Langkah tepat waktu"), N_("Tepat waktu (%)"), N_("Eskalasi")])
    summary.add([report.name, period_cell(report.period), report.started, report.finished,
                 report.running, report.cancelled, report.cycle_median_minutes, report.cycle_p90_minutes,
                 report.with_deadline, report.on_time, percent(report.on_time_share),
                 report.escalations])
    steps = Table(N_("Langkah"), [
        N_("No"), N_("Kegiatan"), N_("Pelaksana"), N_("Waktu (Mutu Baku)"),
        N_("Waktu (menit kerja)"), N_("Selesai"), N_("Median (menit kerja)"),
        N_("P90 (menit kerja)"), N_("Berbatas waktu"), N_("Tepat waktu"), N_("Tepat waktu (%)"),
        N_("Eskalasi")])
    for step in report.steps:
        url = link(step.bpmn_id) if step.done else None
        steps.add([step_no(step.no), step.name, step.role, step.waktu or "—", step.standard_minutes,
                   step.done, step.median_minutes, step.p90_minutes, step.with_deadline,
                   step.on_time, percent(step.on_time_share), step.escalations],
                  [None, url, None, None, None, url, None, None, None, None, None, None])
    return [summary, steps]


def heatmap_table(report: SopPerformance, link: Linker) -> Table:
    """Peta Hambatan: each step's on-time share and band, in the SOP's step order; a step
    done in the period links its Kegiatan to its executions, ``link(bpmn_id)``."""
    table = Table(N_("Peta Hambatan"), [
        N_("No"), N_("Kegiatan"), N_("Pelaksana"), N_("Tepat waktu (%)"), N_("Kategori"),
        N_("Tepat waktu"), N_("Berbatas waktu"), N_("Median (menit kerja)"),
        N_("Waktu (menit kerja)"), N_("Eskalasi")])
    for step in report.in_sop_order:
        table.add([step_no(step.no), step.name, step.role, percent(step.on_time_share),
                   BAND_LABELS[step.band], step.on_time, step.with_deadline,
                   step.median_minutes, step.standard_minutes, step.escalations],
                  [None, link(step.bpmn_id) if step.done else None, *[None] * 8])
    return table


def person_tables(report: PersonReport, link: Linker) -> list[Table]:
    """Ringkasan, Per SOP, Per Langkah and MTTR of one person; figures link to their
    instances through ``link(figure, sop=..., langkah=..., prioritas=...)``."""
    summary = Table(N_("Ringkasan"), [
        N_("Nama"), N_("Pengguna"), N_("Periode"), N_("Langkah selesai"), N_("Sebagai Plh/Plt"),
        N_("Berbatas waktu"), N_("Tepat waktu"), N_("Tepat waktu (%)"),
        N_("Eskalasi atas langkahnya"), N_("Pengingat dan eskalasi diterima")])
    summary.add([report.full_name, report.username, period_cell(report.period), report.done,
                 report.acting, report.with_deadline, report.on_time,
                 percent(report.on_time_share), report.escalations, report.notified],
                [None, None, None, link("tugas"), link("plh"), None, None, None,
                 link("eskalasi"), link("notifikasi")])
    sops = Table(N_("Per SOP"), [
        N_("SOP"), N_("Langkah selesai"), N_("Sebagai Plh/Plt"), N_("Berbatas waktu"),
        N_("Tepat waktu"), N_("Tepat waktu (%)"), N_("Proses dengan langkah terlambat")])
    for sop in report.sops:
        sops.add([sop.name, sop.done, sop.acting, sop.with_deadline, sop.on_time,
                  percent(sop.on_time_share), sop.late_instances],
                 [None, link("tugas", sop=sop.key), link("plh", sop=sop.key), None, None, None,
                  link("terlambat", sop=sop.key)])
    steps = Table(N_("Per Langkah"), [
        N_("SOP"), N_("No"), N_("Kegiatan"), N_("Waktu (Mutu Baku)"), N_("Selesai"),
        N_("Median (menit kerja)"), N_("Tepat waktu (%)")])
    for step in report.steps:
        url = link("langkah", sop=step.key, langkah=step.bpmn_id)
        steps.add([step.sop_name, step_no(step.no), step.name, step.waktu or "—", step.done,
                   step.median_minutes, percent(step.on_time_share)],
                  [None, None, None, None, url, url, url])
    mttr = Table(N_("MTTR"), [N_("SOP"), N_("Prioritas"), N_("Insiden selesai"),
                              N_("MTTR (menit kerja)")])
    for row in report.mttr:
        url = link("mttr", sop=row.key, prioritas=row.priority)
        mttr.add([row.sop_name, row.priority, row.resolved, round(row.mean_minutes, 1)],
                 [None, None, url, url])
    return [summary, sops, steps, mttr]


def team_table(people: list[User], figures: dict[int, TeamRow], period: Period,
               link: Linker) -> Table:
    """Tim: one row per person of the page, the headline figures of his report
    (``engine.reports.team``); his name links to his report, his figures to the instances
    behind them through ``link(user, figure)`` (``figure`` None: his report)."""
    table = Table(N_("Tim"), [
        N_("Nama"), N_("Pengguna"), N_("Peran"), N_("Periode"), N_("Langkah selesai"),
        N_("Sebagai Plh/Plt"), N_("Berbatas waktu"), N_("Tepat waktu"), N_("Tepat waktu (%)"),
        N_("Eskalasi atas langkahnya")])
    for person in people:
        row = figures[person.id]
        table.add([person.full_name, person.username, _roles_cell(person),
                   period_cell(period), row.done, row.acting, row.with_deadline, row.on_time,
                   percent(row.on_time_share), row.escalations],
                  [link(person, None), None, None, None, link(person, "tugas"),
                   link(person, "plh"), None, None, None, link(person, "eskalasi")])
    return table


def _roles_cell(person: User) -> str:
    """The person's roles, and "akun nonaktif" for a disabled account (his past figures
    stay: SKP evidence outlives the account)."""
    roles = ", ".join(sorted(person.role_names))
    if not person.is_disabled:
        return roles
    return Words(f"{roles} (akun nonaktif)" if roles else "(akun nonaktif)",
                 lambda: gettext("%(roles)s (akun nonaktif)", roles=roles) if roles
                 else gettext("(akun nonaktif)"))


def tabel7_tables(rows: list[Tabel7Row], period: Period) -> list[Table]:
    """Tabel 7 Monitoring Pelaksanaan SOP (Permenpan RB 35/2012), the assessor's columns
    empty, and the measured figures behind its Catatan."""
    form = Table(N_("Tabel 7"), [
        N_("No"), N_("Prosedur"), N_("Penilaian: berjalan dengan baik"),
        N_("Penilaian: tidak berjalan dengan baik"), N_("Catatan"), N_("Tindakan"), N_("Paraf")])
    figures = Table(N_("Angka terukur"), [
        N_("No"), N_("Prosedur"), N_("Periode"), N_("Proses dimulai"), N_("Proses selesai"),
        N_("Masih berjalan"), N_("Dibatalkan"), N_("Langkah berbatas waktu"),
        N_("Langkah tepat waktu"), N_("Tepat waktu (%)"),
        N_("Median waktu siklus (menit kerja)"), N_("Langkah paling lambat"),
        N_("Median langkah paling lambat (menit kerja)"), N_("Paling sering terlambat"),
        N_("Tepat waktu langkah itu (%)"), N_("Langkah lain sama seringnya terlambat"),
        N_("Eskalasi")])
    for row in rows:
        p = row.performance
        form.add([row.no, row.prosedur, "", "", catatan_cell(p), "", ""])
        slowest, late = p.slowest, p.most_often_late
        figures.add([row.no, row.prosedur, period_cell(period), p.started, p.finished, p.running,
                     p.cancelled, p.with_deadline, p.on_time, percent(p.on_time_share),
                     p.cycle_median_minutes, f"{slowest.no}. {slowest.name}" if slowest else None,
                     slowest.median_minutes if slowest else None,
                     f"{late.no}. {late.name}" if late else None,
                     percent(late.on_time_share) if late else None, p.also_most_often_late,
                     p.escalations])
    return [form, figures]
