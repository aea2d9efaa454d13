"""Benchmark: each report's server time over 1,000 and over 100,000 finished instances,
next to the goal of issue 13 (at most 1 s each over 100,000).

The history is bulk-inserted with SQL (instances of the five bundled SOPs spread over
2025, each step done by the demo user of its lane, about one step in five late with an
escalation, incidents with a priority), not made by the engine: only the reports are
measured. Its report facts are written from those rows in bounded batches by the code of
``alur rebuild-facts`` (``engine.reports.rebuild``); the time to insert both is printed. Each
report is requested through the Flask app in-process (no network), ``RUNS`` times; the
median is printed. Times are this machine's. Run with ``make bench`` or
``python -m tests.bench.reports``.
"""

import random
import statistics
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from sqlalchemy import func, insert, select

from engine import settings
from engine.clock import ManualClock
from engine.models import (
    AuditRecord,
    Escalation,
    HumanTask,
    ProcessDefinition,
    ProcessInstance,
    User,
    UserRole,
)
from engine.reports.rebuild import (
    rebuild_escalations,
    rebuild_instances,
    rebuild_participation,
    rebuild_steps,
)
from web import create_app
from web.extensions import db
from web.views.reports.views import bp

WIB = ZoneInfo("Asia/Jakarta")
SIZES = (1_000, 100_000)
RUNS = 5
GOAL_SECONDS = 1.0
SHARES = {"penanganan_permintaan_layanan_ti": 0.4, "penanganan_gangguan_server": 0.2,
          "pengelolaan_konten_website": 0.25, "penyusunan_rkt": 0.05,
          "penyusunan_skp_prakom": 0.1}
REPORTS = (
    ("Kinerja SOP (Layanan TI, tahun 2025)",
     "/laporan/sop/penanganan_permintaan_layanan_ti?periode=tahun&tahun=2025"),
    ("Peta hambatan (Layanan TI, tahun 2025)",
     "/laporan/sop/penanganan_permintaan_layanan_ti/peta?periode=tahun&tahun=2025"),
    ("Kinerja per orang (prakom, tahun 2025)", "/laporan/orang/prakom?periode=tahun&tahun=2025"),
    ("Tabel 7 (semester I 2025)", "/laporan/tabel7?tahun=2025&semester=1"),
    ("Tabel 7 sebagai XLSX", "/laporan/tabel7?tahun=2025&semester=1&format=xlsx"),
)
STANDARD_MINUTES = {"PT10M": 10, "PT15M": 15, "PT20M": 20, "PT30M": 30, "PT1H": 60,
                    "PT2H": 120, "PT3H": 180, "P1D": 1440, "P2D": 2880, "P1W": 10080,
                    "P3M": 129600}
PASSWORD = "bench-password"


def history_database(folder: Path, instances: int, rng: random.Random | None = None) -> str:
    """The seam the bench's table (``tests.bench.table``) measures through: a SQLite file in
    ``folder`` set up by ``alur setup`` (demo users) holding ``instances`` finished
    instances of history; returns its URL. Whatever the reports need beside the history
    is built here too."""
    from tests.bench.serving import setup

    url = f"sqlite:///{folder / 'reports.sqlite3'}"
    setup(folder, url)
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "bench"})
    with app.app_context():
        _insert_history(rng or random.Random(2025), instances)
        db.session.remove()
        db.engine.dispose()
    return url


def main() -> None:
    with tempfile.TemporaryDirectory(prefix="alur-bench-reports-") as name:
        _bench(Path(name))


def _bench(folder: Path) -> None:
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite3'}",
                      "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False,
                      "ALUR_CLOCK": ManualClock(datetime(2026, 1, 5, 8, tzinfo=WIB))})
    if "reports" not in app.blueprints:
        app.register_blueprint(bp)
    with app.app_context():
        db.create_all()
    runner = app.test_cli_runner()
    for command in (["deploy"], ["demo-users"]):
        runner.invoke(args=command, env={"ALUR_DEMO_PASSWORD": PASSWORD}, catch_exceptions=False)
    client = app.test_client()
    assert client.post("/masuk", data={"username": "admin", "password": PASSWORD}
                       ).status_code == 302

    rng = random.Random(2025)
    results: dict[str, list[float]] = {name: [] for name, _ in REPORTS}
    made = 0
    for size in SIZES:
        begin = time.perf_counter()
        with app.app_context():
            made += _insert_history(rng, size - made)
            steps = db.session.scalar(select(func.count()).select_from(HumanTask))
        print(f"{size:,} finished instances, {steps:,} steps inserted with their facts "
              f"({time.perf_counter() - begin:.0f} s)", flush=True)
        for name, url in REPORTS:
            timings = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.get(url)
                timings.append(time.perf_counter() - started)
                assert response.status_code == 200, (url, response.status_code)
            results[name].append(statistics.median(timings))
    print(f"\nServer time per report (median of {RUNS}, SQLite file, this machine):")
    print(f"  {'':42}" + "".join(f"{size:>14,}" for size in SIZES) + f"{'goal':>10}")
    for name, row in results.items():
        print(f"  {name:42}" + "".join(f"{_seconds(value):>14}" for value in row)
              + f"{'≤ 1 s':>10}{'  met' if row[-1] <= GOAL_SECONDS else '  NOT met'}")
    met = sum(row[-1] <= GOAL_SECONDS for row in results.values())
    print(f"reports goals met: {met} of {len(results)}")


def _seconds(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


def _insert_history(rng: random.Random, count: int) -> int:
    """Insert ``count`` finished instances with their steps (straight through each SOP),
    escalations for late steps and "instance.started" audit records."""
    session = db.session
    definitions = {d.key: d for d in session.scalars(select(ProcessDefinition).where(
        ProcessDefinition.key.in_(list(SHARES)), ProcessDefinition.is_active))}
    users = {role: user_id for user_id, role in session.execute(
        select(User.id, UserRole.role).join(UserRole))}
    next_instance = (session.scalar(select(func.max(ProcessInstance.id))) or 0) + 1
    next_task = (session.scalar(select(func.max(HumanTask.id))) or 0) + 1
    calendar = settings.work_calendar(session)
    keys = list(SHARES)
    year_start = datetime(2025, 1, 1, 7, 30, tzinfo=WIB)
    for chunk in range(0, count, 5_000):
        instances, tasks, escalations, audits = [], [], [], []
        for _ in range(min(5_000, count - chunk)):
            definition = definitions[rng.choices(keys, [SHARES[k] for k in keys])[0]]
            started = year_start + timedelta(days=rng.randrange(360),
                                             minutes=rng.randrange(8 * 60))
            moment = started
            steps = sorted(definition.catalog["tasks"].items(),
                           key=lambda item: int(item[1]["no"] or 0))
            for bpmn_id, entry in steps:
                standard = STANDARD_MINUTES.get(entry["duration"] or "")
                limit = standard or 240
                taken = timedelta(minutes=rng.randint(1, limit * (3 if rng.random() < 0.2
                                                                  else 1)))
                due = moment + timedelta(minutes=standard) if standard else None
                tasks.append({
                    "id": next_task, "instance_id": next_instance,
                    "spiff_task_id": f"bench-{next_task}", "bpmn_id": bpmn_id,
                    "name": entry["name"][:500], "role": entry["lane"], "state": "completed",
                    "created_at": moment, "due_at": due,
                    "completed_by_id": users[entry["lane"]], "completed_at": moment + taken})
                if due is not None and moment + taken > due:
                    escalations.append({"human_task_id": next_task, "level": 1,
                                        "raised_at": due})
                moment += taken
                next_task += 1
            instances.append({
                "id": next_instance, "definition_id": definition.id,
                "title": f"Bench {next_instance}", "status": "completed",
                "started_by_id": users["Prakom"], "started_at": started,
                "completed_at": moment, "state_json": "{}", "lock_version": 1})
            priority = rng.choice(["kritis", "mayor", "minor", None])
            audits.append({"at": started, "action": "instance.started",
                           "instance_id": next_instance,
                           "detail": {"data": {"prioritas": priority} if priority else {}}})
            next_instance += 1
        last_escalation = session.scalar(select(func.max(Escalation.id))) or 0
        session.execute(insert(ProcessInstance), instances)
        session.execute(insert(HumanTask), tasks)
        if escalations:
            session.execute(insert(Escalation), escalations)
        session.execute(insert(AuditRecord), audits)
        _write_facts(session, calendar, instances[0]["id"] - 1, tasks[0]["id"] - 1,
                     last_escalation)
        session.commit()
    return count


def _write_facts(session, calendar, instances_after: int, tasks_after: int,
                 escalations_after: int) -> None:
    """The facts of the rows just inserted, as ``alur rebuild-facts`` writes them."""
    for rebuild, after in ((lambda a: rebuild_instances(session, calendar, a), instances_after),
                           (lambda a: rebuild_steps(session, calendar, a), tasks_after),
                           (lambda a: rebuild_escalations(session, a), escalations_after),
                           (lambda a: rebuild_participation(session, a), instances_after)):
        while after is not None:
            after = rebuild(after).after


if __name__ == "__main__":
    main()
