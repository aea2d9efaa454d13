"""Benchmark: timers fired per second by ``alur worker`` processes on PostgreSQL.

Each timer is a SpiffWorkflow boundary timer of an overdue step: firing it loads the
instance, runs the timer, escalates, and stores the instance and its projections.
Run with ``make bench`` (needs the machine's PostgreSQL, ALUR_TEST_POSTGRES_URL).
"""

import tempfile
import time
from pathlib import Path

from sqlalchemy import create_engine, func, select

from engine.models import Timer
from tests.helpers.database import postgres_schema
from tests.helpers.workload import prepare, worker

TIMERS = 2000


def timers_per_second(workers: int) -> float:
    """Fire ``TIMERS`` due timers with ``workers`` worker processes; return timers/s."""
    with postgres_schema() as url:
        prepare(url, None, TIMERS)
        engine = create_engine(url)
        folder = Path(tempfile.mkdtemp(prefix="alur-bench-"))
        begin = time.perf_counter()
        processes = [worker(url, folder) for _ in range(workers)]
        try:
            with engine.connect() as connection:
                while connection.scalar(select(func.count()).select_from(Timer)):
                    connection.rollback()
                    time.sleep(0.05)
            elapsed = time.perf_counter() - begin
        finally:
            for process in processes:
                process.terminate()
                process.wait(timeout=20)
            engine.dispose()
    return TIMERS / elapsed


def main() -> None:
    one, two = timers_per_second(1), timers_per_second(2)
    print(f"Timers fired on PostgreSQL ({TIMERS} due boundary timers, worker start-up included):")
    print(f"  1 worker : {one:8.1f} timers/s")
    print(f"  2 workers: {two:8.1f} timers/s   (ratio 2/1: {two / one:.2f}x)")


if __name__ == "__main__":
    main()
