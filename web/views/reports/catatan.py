"""Tabel 7's Catatan (Permenpan RB 35/2012): an SOP's measured figures over a semester in
words, in the language of the request; the table's cell holds it in Indonesian for the
exports and in the user's language for the page (``export.Words``)."""

from flask_babel import force_locale, gettext, ngettext

from engine.reports.sop import SopPerformance
from web.extensions import clock
from web.views.reports.export import Words
from web.views.reports.page_words import page_minutes, page_percent
from web.views.reports.period_words import not_begun


def catatan_cell(performance: SopPerformance) -> Words:
    """The Catatan of ``performance``: Indonesian for the exports, the user's language on
    the page (a request context is needed)."""
    if not_begun(performance.period):
        with force_locale("id"):
            indonesian = _not_begun()
        return Words(indonesian, _not_begun)
    ongoing = clock().now() < performance.period.end
    with force_locale("id"):
        indonesian = catatan(performance, ongoing)
    return Words(indonesian, lambda: catatan(performance, ongoing))


def _not_begun() -> str:
    return gettext("Periode ini belum dimulai; belum ada yang dapat dicatat.")


def catatan(performance: SopPerformance, ongoing: bool = False) -> str:
    """``Proses: 3 dimulai, 2 selesai, 1 masih berjalan di akhir periode. Tepat waktu 50,0%
    (2 dari 4 langkah berbatas waktu). Median waktu siklus 2 jam 30 menit kerja. Langkah
    paling lambat: 2. Memeriksa konsep (median 2 jam 10 menit kerja; Waktu Relatif).
    Paling sering terlambat: 1. Menyusun konsep (tepat waktu 50,0%, 1 dari 2; Waktu 30
    menit). Eskalasi: 4.``; a sentence is left out when its figure is absent or nil. In a period
    not yet over (``ongoing``) the running ones are "masih berjalan sekarang": its end
    has not come."""
    p = performance
    if not (p.started or p.finished or p.running or p.cancelled):
        return gettext("Tidak ada proses pada periode ini.")
    parts = [_processes(p, ongoing)]
    if p.with_deadline:
        parts.append(gettext("Tepat waktu %(share)s (%(on_time)d dari %(with_deadline)d "
                             "langkah berbatas waktu).", share=page_percent(p.on_time_share),
                             on_time=p.on_time, with_deadline=p.with_deadline))
    if p.cycle_median_minutes is not None:
        parts.append(gettext("Median waktu siklus %(time)s.",
                             time=page_minutes(p.cycle_median_minutes)))
    slowest = p.slowest
    if slowest is not None:
        parts.append(gettext("Langkah paling lambat: %(no)s. %(name)s (median %(time)s; "
                             "Waktu %(waktu)s).", no=slowest.no, name=slowest.name,
                             time=page_minutes(slowest.median_minutes),
                             waktu=slowest.waktu or "—"))
    late = p.most_often_late
    if late is not None:
        parts.append(gettext("Paling sering terlambat: %(no)s. %(name)s (tepat waktu "
                             "%(share)s, %(on_time)d dari %(with_deadline)d; Waktu %(waktu)s).",
                             no=late.no, name=late.name, share=page_percent(late.on_time_share),
                             on_time=late.on_time, with_deadline=late.with_deadline,
                             waktu=late.waktu or "—"))
        if p.also_most_often_late:
            parts.append(ngettext("%(num)d langkah lain sama seringnya terlambat.",
                                  "%(num)d langkah lain sama seringnya terlambat.",
                                  p.also_most_often_late))
    if p.escalations:
        parts.append(gettext("Eskalasi: %(count)d.", count=p.escalations))
    return " ".join(parts)


def _processes(p: SopPerformance, ongoing: bool) -> str:
    if ongoing and p.cancelled:
        return gettext("Proses: %(started)d dimulai, %(finished)d selesai, %(cancelled)d "
                       "dibatalkan, %(running)d masih berjalan sekarang (periode belum "
                       "berakhir).", started=p.started, finished=p.finished,
                       cancelled=p.cancelled, running=p.running)
    if ongoing:
        return gettext("Proses: %(started)d dimulai, %(finished)d selesai, %(running)d masih "
                       "berjalan sekarang (periode belum berakhir).", started=p.started,
                       finished=p.finished, running=p.running)
    if p.cancelled:
        return gettext("Proses: %(started)d dimulai, %(finished)d selesai, %(cancelled)d "
                       "dibatalkan, %(running)d masih berjalan di akhir periode.",
                       started=p.started, finished=p.finished, cancelled=p.cancelled,
                       running=p.running)
    return gettext("Proses: %(started)d dimulai, %(finished)d selesai, %(running)d masih "
                   "berjalan di akhir periode.", started=p.started, finished=p.finished,
                   running=p.running)
