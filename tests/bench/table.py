"""``make bench``: every figure of issue 13's table next to its goal, and ``goals met: N of M``.

Everything runs through the real server (``alur serve``, gunicorn) or real ``alur worker``
processes, in temporary folders removed at the end; PostgreSQL only in a database the
bench creates and drops (``tests.bench.timers``). Each figure is the median of at least
``RUNS`` runs in this one process. Absolute times are this machine's: the load average is
printed with the table, since other work on the machine slows every figure.

``python -m tests.bench [--quick]``: ``--quick`` is for development (smaller data, three
runs); its figures are not the bench's.
"""

import argparse
import os
import platform
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from tests.bench import lists, office, reports, rkt_walk, throughput, timers
from tests.bench.serving import PASSWORD, Server, median, serving, setup, timed


@dataclass(frozen=True)
class Size:
    """How much each step does.

    ``timer_instances``: enough that the timers figure is steady-state firing. A run
    counts from the moment every timer falls due, and an idle worker notices that only
    at its next poll (up to 0.2 s later, ``tests.helpers.workload.worker``); with 200
    timers at 500/s firing takes 0.4 s and that wait up to a third of the run, with 1,000
    at most a tenth.
    """

    runs: int = 5
    starts_c1: int = 30
    starts_c16: int = 96
    timer_instances: int = 1_000
    open_prakom: int = 10_000
    open_kasubbag: int = 500
    memory_seconds: float = 180
    report_instances: int = 100_000


QUICK = Size(runs=3, starts_c1=10, starts_c16=32, timer_instances=100, open_prakom=1_000,
             memory_seconds=60, report_instances=5_000)


@dataclass
class Row:
    """One line of the table: the measure, its figure as printed, the goal, met or not."""

    measure: str
    figure: str
    goal: str = ""
    met: bool | None = None


class Table:
    def __init__(self) -> None:
        self.rows: list[Row] = []

    def add(self, measure: str, figure: str, goal: str = "", met: bool | None = None) -> None:
        self.rows.append(Row(measure, figure, goal, met))
        print(f"  ... {measure}: {figure}", flush=True)

    def step(self, name: str, goals: list[str], work: Callable[[], None]) -> None:
        """Run a step; if it fails, its goals are printed as not met with the error."""
        try:
            work()
        except Exception as error:  # noqa: BLE001 - the table says which step failed
            for goal in goals:
                self.add(f"{name} [{goal}]", f"error: {type(error).__name__}: {error}"[:90],
                         goal, False)

    def print(self, size: Size) -> None:
        width = max(len(row.measure) for row in self.rows)
        print(f"\nAlur bench ({'QUICK, not the bench' if size != Size() else 'full'}), "
              f"this machine: {os.cpu_count()} cores, {platform.processor() or 'cpu'}, "
              f"load average {os.getloadavg()[0]:.1f} now; absolute times are this "
              f"machine's figures, each the median of {size.runs} runs.")
        figure = max(len(row.figure) for row in self.rows)
        print(f"{'measure':{width}}  {'figure':{figure}}  {'goal':14}  met")
        for row in self.rows:
            met = "" if row.met is None else ("yes" if row.met else "NO")
            print(f"{row.measure:{width}}  {row.figure:{figure}}  {row.goal:14}  {met}")
        goals = [row for row in self.rows if row.met is not None]
        print(f"goals met: {sum(row.met for row in goals)} of {len(goals)}")


def sqlite_steps(table: Table, size: Size, folder: Path) -> None:
    """The RKT walk and the starts/completions, on one fresh SQLite ``alur serve``."""
    url = f"sqlite:///{folder / 'alur.sqlite3'}"
    setup(folder, url)
    with serving(folder, url) as server:
        def walk() -> None:
            figures = rkt_walk.measure(server, size.runs)
            ratio = figures.http / figures.memory
            table.add(f"RKT walk ({figures.steps} steps): HTTP ÷ SpiffWorkflow in memory",
                      f"{ratio:.1f}× ({_ms(figures.http)} vs {_ms(figures.memory)} per step; "
                      f"server CPU {_ms(figures.server_cpu)})",
                      "≤ 5×", ratio <= 5)

        table.step("RKT walk", ["≤ 5×"], walk)
        for concurrency, count in ((1, size.starts_c1), (16, size.starts_c16)):
            table.step(f"starts/completions c={concurrency}", ["≥ 300/s"] * 2,
                       lambda c=concurrency, n=count: _rates(table, server, c, n, size.runs))


def _rates(table: Table, server: Server, concurrency: int, count: int, runs: int) -> None:
    results = [throughput.run(server, concurrency, count, f"c{concurrency}r{run}")
               for run in range(runs)]
    for index, kind in enumerate(("instance starts", "task completions")):
        rate = median([result[index].per_second for result in results])
        latency = median([result[index].p99 for result in results])
        busy = sum(result[index].busy for result in results)
        cpu = median([result[index].server_cpu for result in results])
        table.add(f"{kind}/s, SQLite, c={concurrency}",
                  f"{rate:.0f}/s (p99 {_ms(latency)}, server CPU {_ms(cpu)} each, "
                  f"{busy} busy retries)", "≥ 300/s", rate >= 300)
        if concurrency == 16 and kind == "task completions":
            table.add(f"{kind} p99, SQLite, c=16", _ms(latency), "≤ 100 ms", latency <= 0.1)


def timer_steps(table: Table, size: Size, folder: Path) -> None:
    """Timers per second with 1 and 2 workers on PostgreSQL (the bench's own database)."""
    runs: dict[int, list[float]] = {1: [], 2: []}
    with timers.template(size.timer_instances) as name:
        for _ in range(size.runs):  # alternated, so a change in the machine's load hits both
            for workers in (1, 2):
                runs[workers].append(timers.timers_per_second(name, workers, folder))
    one, two = median(runs[1]), median(runs[2])
    table.add(f"timers fired/s, PostgreSQL, 1 worker ({size.timer_instances} timers)",
              f"{one:.0f}/s")
    table.add("timers fired/s, PostgreSQL, 2 workers", f"{two:.0f}/s", "≥ 500/s", two >= 500)
    table.add("timers: 2 workers ÷ 1 worker", f"{two / one:.2f}×", "≥ 1.7×", two / one >= 1.7)


def office_steps(table: Table, size: Size, folder: Path) -> None:
    """Inbox and task-list pages over an office's open work, then the memory of completing
    the Prakom's tasks with readers beside, on one SQLite ``alur serve``."""
    url = f"sqlite:///{folder / 'office.sqlite3'}"
    setup(folder, url)
    with serving(folder, url) as server:
        office.copy_instance(url, office.walked(server, 2), size.open_prakom)
        office.copy_instance(url, office.walked(server, 3), size.open_kasubbag - 1)
        browser = lists.browser(server, "kasubbag", PASSWORD)
        api = server.api("Prakom")

        def inbox() -> None:
            lists.inbox_page(browser, server.base)

        def task_page() -> None:
            lists.task_page(api, server.base)

        def pages() -> None:
            seconds = lists.page_seconds(inbox, size.runs)
            table.add(f"Kotak Masuk page, {size.open_kasubbag} open tasks (HTTP)", _ms(seconds),
                      "≤ 30 ms", seconds <= 0.03)
            seconds = lists.page_seconds(task_page, size.runs)
            table.add(f"GET /api/v1/tasks page of {lists.PER_PAGE}, {size.open_prakom:,} open "
                      "(HTTP)", _ms(seconds), "≤ 30 ms", seconds <= 0.03)

        table.step("list pages", ["≤ 30 ms"] * 2, pages)

        def memory() -> None:
            done, busy, seconds = lists.complete_all(
                server, url, "Prakom", "Kegiatan_3", [inbox, task_page], size.memory_seconds)
            peak = server.peak_rss_mb()
            table.add(f"server peak RSS: {done:,} completions ({done / seconds:.0f}/s, "
                      f"{busy} busy retries) with list readers", f"{peak:.0f} MB",
                      "≤ 300 MB", peak <= 300)

        table.step("memory", ["≤ 300 MB"], memory)


def report_steps(table: Table, size: Size, folder: Path) -> None:
    """Each report's time over the finished history (``reports.history_database``)."""
    url = reports.history_database(folder, size.report_instances)
    with serving(folder, url, "--no-timer-loop") as server:
        browser = lists.browser(server, "admin", PASSWORD)
        for name, path in reports.REPORTS[:4]:
            def get(path=path) -> None:
                answer = browser.get(f"{server.base}{path}", timeout=600)
                assert answer.status_code == 200, (path, answer.status_code)

            get()
            seconds = median([timed(get) for _ in range(size.runs)])
            table.add(f"{name}, {size.report_instances:,} finished (HTTP)",
                      _seconds(seconds), "≤ 1 s", seconds <= 1)


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"


def _seconds(seconds: float) -> str:
    return _ms(seconds) if seconds < 1 else f"{seconds:.2f} s"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m tests.bench")
    parser.add_argument("--quick", action="store_true", help="smaller data, 3 runs")
    size = QUICK if parser.parse_args(argv).quick else Size()
    table = Table()
    print(f"load average at the start: {os.getloadavg()[0]:.1f}", flush=True)
    for name, goals, step in (
            ("SQLite serving", [], sqlite_steps),
            ("timers", ["≥ 500/s", "≥ 1.7×"], timer_steps),
            ("office lists", [], office_steps),
            ("reports", ["≤ 1 s"] * 4, report_steps)):
        with tempfile.TemporaryDirectory(prefix="alur-bench-") as folder:
            table.step(name, goals, lambda step=step, folder=folder: step(
                table, size, Path(folder)))
    table.print(size)


if __name__ == "__main__":
    main()
