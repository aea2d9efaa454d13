"""Laporan Layanan TI (issue 14): "Kepuasan Pengguna" per period, SOP and Prakom, the
uptime of monitored systems, and "Ringkasan Ticketing dan MTR"; CSV/XLSX like every
report. Seen by who may see the reports of each requester-facing SOP (the desk, its
supervisors, administrators); a Prakom's row only by who may see his figures."""

from typing import Any

from flask import abort, render_template
from flask_login import login_required

from engine.time.periods import PERIOD_KINDS
from web.access import access
from web.views.reports.desk_tables import desk_tables
from web.views.reports.downloads import download, downloadable, export_links, report_heading
from web.views.reports.periods import asked_period
from web.views.reports.views import bp


@bp.get("/layanan-ti")
@login_required
@downloadable
def desk_report() -> Any:
    if not access().may_view_desk_report():
        abort(403)
    period = asked_period()
    tables = desk_tables(period, access())
    answer = download(tables, f"layanan-ti-{period.slug()}",
                      report_heading("Laporan Layanan TI", period))
    if answer is not None:
        return answer
    return render_template("reports/desk.html", tables=tables, period=period,
                           kinds=PERIOD_KINDS, export_links=export_links(tables))
