"""The executions behind a step's figures in Kinerja SOP and Peta hambatan
(``/laporan/sop/<key>/langkah/<id>``): every process in which the step was done in the
period, or only those done late (``terlambat=ya``), with who did it and how long it took
against its Waktu, so that a supervisor gets from a slow or late step to its cases."""

from typing import Any

from flask import abort, render_template, request
from flask_babel import gettext
from flask_login import login_required

from engine.errors import NotFound
from engine.paging import paginate
from engine.reports import sop as reports
from engine.reports.step_runs import step_run_counts, step_runs
from web.access import access
from web.errors import refuse_parameter
from web.extensions import db
from web.paging import page_request
from web.views.reports.periods import asked_period
from web.views.reports.views import bp


@bp.get("/sop/<key>/langkah/<step>")
@login_required
def step_cases(key: str, step: str) -> Any:
    period = asked_period()
    definitions = reports.definitions_of(db.session, key)
    if not access().may_view_definition(definitions):
        abort(403)
    late = request.args.get("terlambat", "")
    if late not in ("", "ya"):
        refuse_parameter("terlambat", gettext('"terlambat" hanya "ya" atau kosong (semua).'))
    entry = reports.step_catalog(definitions).get(step)
    if entry is None:
        raise NotFound(f'Langkah "{step[:40]}" tidak ada pada SOP {definitions[0].name}.')
    found = paginate(db.session, step_runs(key, step, period, late_only=bool(late)),
                     *page_request(), rows=True)
    every, late_ones = step_run_counts(db.session, key, step, period)
    return render_template("reports/step_runs.html", key=key, sop_name=definitions[0].name,
                           step=entry, step_id=step, period=period, late=bool(late),
                           page=found, runs=found.items,
                           counts={False: every, True: late_ones})
