"""Laporan: SOP performance, the bottleneck heatmap, per-person figures and Tabel 7.

Every report takes a period from the query string (``engine.time.periods``):
``periode=bulan|triwulan|semester|tahun&tahun=2026&ke=2`` or
``periode=rentang&dari=2026-01-01&sampai=2026-03-31``, and ``format=csv|xlsx`` turns a
report into a download of the same tables (``web.views.reports.downloads`` checks the
parameters on every page of the blueprint; ``web.views.reports.export`` writes the files).
"""

from typing import Any

from flask import (
    Blueprint,
    abort,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext, lazy_gettext
from flask_login import login_required
from sqlalchemy import func, select
from sqlalchemy.orm import load_only

from engine import settings
from engine.bpmn.conventions import TICKET_PRIORITIES
from engine.errors import NotFound
from engine.models import HumanTask, ProcessDefinition, ProcessInstance, User
from engine.paging import paginate
from engine.people import accounts
from engine.people.access import people_page
from engine.process.deploy import active_definitions
from engine.process.lists import INSTANCE_ROW
from engine.reports import people as report_people
from engine.reports import sop as reports
from engine.reports.basis import BAND_LABELS
from engine.reports.team import team_figures
from engine.text import shortened
from engine.time.periods import PERIOD_KINDS, period_containing
from web.access import access
from web.diagrams import diagram_response
from web.errors import refuse_parameter
from web.extensions import clock, db
from web.filters import office_calendar
from web.paging import page_request
from web.views.reports.desk_tables import person_desk_table
from web.views.reports.downloads import (
    check_parameters,
    download,
    downloadable,
    export_links,
    report_heading,
)
from web.views.reports.page_words import page_cell, page_minutes, page_percent
from web.views.reports.period_words import not_begun, period_days, period_label, taken_at
from web.views.reports.periods import (
    PeriodError,
    asked_period,
    office_today,
    office_zone,
    period_error_page,
)
from web.views.reports.tables import (
    heatmap_table,
    person_tables,
    sop_tables,
    tabel7_tables,
    team_table,
)

bp = Blueprint("reports", __name__, url_prefix="/laporan")
bp.before_request(check_parameters)
bp.register_error_handler(PeriodError, period_error_page)

CHART_LABEL = 40  # characters of a step name under a bar of the chart
FIGURES = ("tugas", "plh", "terlambat", "langkah", "mttr", "eskalasi", "notifikasi")
# The heatmap's legend: engine.reports.basis.BAND_LABELS in the user's language (the table's
# Kategori column too, through ``page_words.CELL_WORDS``; the exports keep the engine's
# Indonesian).
LEGEND = {"baik": lazy_gettext("≥ 90% tepat waktu"),
          "cukup": lazy_gettext("75–89,9% tepat waktu"),
          "kurang": lazy_gettext("50–74,9% tepat waktu"),
          "buruk": lazy_gettext("< 50% tepat waktu"),
          "tanpa_data": lazy_gettext("tanpa data atau tanpa batas waktu")}


bp.app_template_filter("angka_laporan")(page_cell)


bp.app_template_filter("periode")(period_label)
bp.app_template_filter("hari_periode")(period_days)
bp.app_template_global("period_not_begun")(not_begun)
bp.app_template_global("report_taken_at")(taken_at)


@bp.get("/")
@login_required
def index() -> Any:
    period = asked_period()
    if request.args.get("sop"):
        return redirect(url_for("reports.sop", key=request.args["sop"], **period.query()))
    definitions = [d for d in active_definitions(db.session)
                   if access().may_view_definition([d])]
    return render_template("reports/index.html", definitions=definitions, period=period,
                           overview=_overview([d.key for d in definitions]),
                           kinds=PERIOD_KINDS, tabel7=access().may_view_tabel7(),
                           desk_report=access().may_view_desk_report(),
                           semester=period_containing("semester", office_today(), office_zone()))


def _overview(keys: list[str]) -> dict[str, dict[str, int]]:
    """Per SOP key: ``{"running": instances running, "late": open steps past their
    deadline}`` now, for the index's cards (two grouped counts)."""
    now = clock().now()
    figures = {key: {"running": 0, "late": 0} for key in keys}
    running = db.session.execute(
        select(ProcessDefinition.key, func.count()).join(ProcessInstance.definition)
        .where(ProcessInstance.status == "running", ProcessDefinition.key.in_(keys))
        .group_by(ProcessDefinition.key))
    late = db.session.execute(
        select(ProcessDefinition.key, func.count()).select_from(HumanTask)
        .join(HumanTask.instance).join(ProcessInstance.definition)
        .where(HumanTask.state == "open", HumanTask.due_at < now,
               ProcessDefinition.key.in_(keys)).group_by(ProcessDefinition.key))
    for name, rows in (("running", running), ("late", late)):
        for key, count in rows:
            figures[key][name] = count
    return figures


@bp.get("/sop/<key>")
@login_required
@downloadable
def sop(key: str) -> Any:
    period = asked_period()
    report = reports.sop_performance(db.session, office_calendar(), _visible_sop(key), period,
                                    clock().now())
    tables = sop_tables(report, _step_link(key, period))
    answer = download(tables, f"kinerja-{key}-{period.slug()}",
                      report_heading(f"Kinerja SOP: {report.name}", period))
    if answer is not None:
        return answer
    ordered = report.in_sop_order
    chart = {"labels": [f"{s.no}. {shortened(s.name, CHART_LABEL)}" for s in ordered],
             "median": [s.median_minutes for s in ordered],
             "p90": [s.p90_minutes for s in ordered],
             "standard": [s.standard_minutes for s in ordered],
             "names": {"median": gettext("Median (menit kerja)"), "p90": gettext("P90 (menit kerja)"),
                       "standard": gettext("Waktu yang berlaku (menit kerja)"),
                       "axis": gettext("menit kerja")}}
    return render_template("reports/sop.html", export_links=export_links(tables), report=report,
                           period=period, tables=tables, chart=chart, kinds=PERIOD_KINDS)


@bp.get("/sop/<key>/peta")
@login_required
@downloadable
def heatmap(key: str) -> Any:
    period = asked_period()
    report = reports.sop_performance(db.session, office_calendar(), _visible_sop(key), period,
                                    clock().now())
    table = heatmap_table(report, _step_link(key, period))
    answer = download([table], f"peta-hambatan-{key}-{period.slug()}",
                      report_heading(f"Peta hambatan: {report.name}", period))
    if answer is not None:
        return answer
    steps = {s.bpmn_id: {"band": s.band, "share": page_percent(s.on_time_share),
                         "label": _step_label(s)} for s in report.steps}
    return render_template("reports/heatmap.html", export_links=export_links([table]),
                           drawn=_drawn_version(key).catalog.get("diagram", True),
                           report=report, period=period, table=table, steps=steps,
                           ordered=report.in_sop_order, labels=_legend(), kinds=PERIOD_KINDS,
                           step_label=_step_label)


@bp.get("/sop/<key>/diagram.bpmn")
@login_required
def diagram(key: str) -> Any:
    _visible_sop(key)
    return diagram_response(_drawn_version(key).bpmn_xml)


def _drawn_version(key: str) -> Any:
    """The version of SOP ``key`` Peta hambatan draws: the active one, else the newest."""
    definitions = reports.definitions_of(db.session, key)
    return next((d for d in definitions if d.is_active), definitions[0])


@bp.get("/orang")
@login_required
@downloadable
def people() -> Any:
    """The people whose figures the reader may see, a page at a time, each with the
    headline figures of his report over the period (Tim); downloadable as the page's
    table."""
    period = asked_period()
    found = people_page(db.session, access(), *page_request())

    def link(user: User, figure: str | None) -> str:
        if figure is None:
            return url_for("reports.person", username=user.username, **period.query())
        return url_for("reports.person_instances", username=user.username, angka=figure,
                       **period.query())

    table = team_table(found.items, team_figures(db.session, found.items, period), period,
                       link)
    part = f"-halaman-{found.page}" if found.page > 1 else ""
    answer = download([table], f"kinerja-tim-{period.slug()}{part}",
                      report_heading("Kinerja per orang", period))
    if answer is not None:
        return answer
    return render_template("reports/people.html", period=period, people=found.items,
                           page=found, table=table, kinds=PERIOD_KINDS,
                           export_links=export_links([table]))


@bp.get("/orang/<username>")
@login_required
@downloadable
def person(username: str) -> Any:
    period = asked_period()
    user = _visible_person(username)
    report = report_people.person_report(db.session, office_calendar(), user, period)

    def link(figure: str, **arguments: str) -> str:
        return url_for("reports.person_instances", username=user.username, angka=figure,
                       **arguments, **period.query())

    tables = [*person_tables(report, link), person_desk_table(period, user)]
    answer = download(tables, f"kinerja-{user.username}-{period.slug()}", report_heading(
        f"Kinerja {report.full_name} ({user.username})", period))
    if answer is not None:
        return answer
    return render_template("reports/person.html", export_links=export_links(tables),
                           report=report, period=period, tables=tables, kinds=PERIOD_KINDS)


@bp.get("/orang/<username>/proses")
@login_required
def person_instances(username: str) -> Any:
    """The instances behind one figure of a person's report (``angka`` in ``FIGURES``; another
    is 400 naming it)."""
    period = asked_period()
    user = _visible_person(username)
    figure = request.args.get("angka", "")
    if not figure:
        refuse_parameter("angka", gettext("Angka belum dipilih; pilih %(figures)s.",
                                          figures=", ".join(FIGURES)))
    if figure not in FIGURES:
        refuse_parameter("angka", gettext('Angka "%(value)s" tidak dikenal; pilih %(figures)s.',
                                          value=figure[:20], figures=", ".join(FIGURES)))
    sop, step = request.args.get("sop"), request.args.get("langkah")
    if figure == "langkah" and not (sop and step):  # the list was empty, as if no work
        missing = "sop" if not sop else "langkah"
        refuse_parameter(missing, gettext(
            'Angka "langkah" menghitung satu langkah satu SOP: %(missing)s belum dipilih.',
            missing=missing))
    if figure == "mttr" and not (sop and request.args.get("prioritas")):
        missing = "sop" if not sop else "prioritas"
        refuse_parameter(missing, gettext(
            'Angka "mttr" menghitung satu prioritas satu SOP: %(missing)s belum dipilih.',
            missing=missing))
    if step is not None and not sop:  # the step was dropped from the heading and the count
        refuse_parameter("sop", gettext("Langkah %(step)s dipilih tanpa SOP-nya: tambahkan sop.",
                                        step=step[:40]))
    sop_name, step_name = _figure_scope(sop, step)
    priority = request.args.get("prioritas")
    if priority and priority.strip().lower() in TICKET_PRIORITIES:  # "KRITIS" is kritis
        priority = priority.strip().lower()
    ids = report_people.figure_query(user, period, figure, sop=sop, step=step,
                                     priority=priority)
    found = paginate(db.session, select(ProcessInstance).options(*INSTANCE_ROW)
                     .where(ProcessInstance.id.in_(ids))
                     .order_by(ProcessInstance.started_at, ProcessInstance.id), *page_request())
    counted, per_instance = report_people.figure_counts(
        db.session, ids, [instance.id for instance in found.items])
    return render_template("reports/person_instances.html", period=period, figure=figure,
                           instances=found.items, page=found, user=user, counted=counted,
                           per_instance=per_instance, sop_name=sop_name,
                           step_name=step_name)


def _figure_scope(sop: str | None, step: str | None) -> tuple[str | None, str | None]:
    """The names of the SOP (its newest version's) and the step (``no. name``) a figure is
    of, for the page's heading; 400 naming ``sop`` or ``langkah`` when there is no such SOP
    or step (any version's), rather than an empty list that looks like no work."""
    if sop is None:
        return None, None
    versions = list(db.session.scalars(
        select(ProcessDefinition).options(load_only(
            ProcessDefinition.name, ProcessDefinition.version, ProcessDefinition.catalog))
        .where(ProcessDefinition.key == sop).order_by(ProcessDefinition.version.desc())))
    if not versions:
        refuse_parameter("sop", gettext('SOP "%(value)s" tidak dikenal.', value=sop[:40]))
    if step is None:
        return versions[0].name, None
    entry = reports.step_catalog(versions).get(step)
    if entry is None:
        refuse_parameter("langkah", gettext('Langkah "%(value)s" tidak ada pada SOP %(sop)s.',
                                            value=step[:40], sop=versions[0].name))
    return versions[0].name, f"{entry.get('no') or '—'}. {entry['name']}"


@bp.get("/tabel7")
@login_required
@downloadable
def tabel7() -> Any:
    if not access().may_view_tabel7():
        abort(403)
    asked = request.args.get("periode")
    if asked and asked != "semester":  # it was ignored: the current semester was shown
        raise PeriodError(gettext("Tabel 7 disusun per semester: periode \"%(kind)s\" tidak "
                                  "tersedia di sini; pilih tahun dan semester.", kind=asked[:20]))
    period = asked_period("semester")
    rows = reports.tabel7(db.session, office_calendar(), period, clock().now())
    tables = tabel7_tables(rows, period)
    answer = download(tables, f"tabel7-{period.slug()}",
                      report_heading("Tabel 7 Monitoring Pelaksanaan SOP", period))
    if answer is not None:
        return answer
    return render_template("reports/tabel7.html", export_links=export_links(tables), rows=rows,
                           period=period, tables=tables, year=period.year, half=period.number,
                           identity=settings.get(db.session, "identity"))


def _step_link(key: str, period: Any) -> Any:
    """``link(bpmn_id)``: the address of a step's executions in ``period`` (``step_runs``)."""
    return lambda step: url_for("reports.step_cases", key=key, step=step, **period.query())


def _visible_sop(key: str) -> str:
    if not access().may_view_definition(reports.definitions_of(db.session, key)):
        abort(403)
    return key


def _visible_person(username: str) -> User:
    """The person whose figures the viewer may see, named in any case ("PRAKOM" is
    "prakom", as at login). A name that does not exist answers 403 as one the viewer may
    not see (404 only for an administrator), so that the page does not tell anyone which
    user names exist; an administrator, who lists them all, is told the name is none."""
    user = accounts.find_by_username(db.session, username)
    if user is None and access().is_admin:
        raise NotFound(f'Tidak ada pengguna bernama "{username[:64]}".')
    if user is None:
        abort(403)
    if not access().may_view_person(user):
        abort(403)
    return user


def _legend() -> dict[str, str]:
    """The heatmap's bands (``BAND_LABELS``' keys, in its order) in the user's language."""
    return {key: str(LEGEND[key]) for key in BAND_LABELS}


def _step_label(step: reports.StepStats) -> str:
    figures = {"no": step.no, "name": step.name, "share": page_percent(step.on_time_share),
               "on_time": step.on_time, "with_deadline": step.with_deadline,
               "done": step.done, "median": page_minutes(step.median_minutes),
               "waktu": step.waktu or "—", "escalations": step.escalations}
    if step.with_deadline:
        return gettext("%(no)s. %(name)s: tepat waktu %(share)s (%(on_time)s dari "
                       "%(with_deadline)s); %(done)s selesai; median %(median)s; Waktu "
                       "%(waktu)s; eskalasi %(escalations)s", **figures)
    return gettext("%(no)s. %(name)s: tepat waktu %(share)s; %(done)s selesai; median "
                   "%(median)s; Waktu %(waktu)s; eskalasi %(escalations)s", **figures)

