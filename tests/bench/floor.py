"""The floor beside Alur in ``make bench``: ``tests.bench.floor_app`` served by gunicorn as
``alur serve`` serves Alur (one process of 8 gthread threads), on its own SQLite file.

The bench walks the RKT and starts and completes tasks on it with the very code it uses
for Alur (``tests.bench.rkt_walk``, ``tests.bench.throughput``), so the two figures differ
only by what Alur does beyond the stack and the engine.
"""

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.bench import floor_app
from tests.bench.serving import Server, served

GUNICORN = str(Path(sys.executable).with_name("gunicorn"))
ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def serving(folder: Path) -> Iterator[Server]:
    """The floor app on a new SQLite file in ``folder``; yields once it answers."""
    database = folder / "floor.sqlite3"
    floor_app.create_schema(database)

    def command(bind: str) -> list[str]:
        return [GUNICORN, "--workers", "1", "--threads", "8", "--worker-class", "gthread",
                "--bind", bind, "--chdir", str(ROOT), "tests.bench.floor_app:app"]

    with served(command, {**os.environ, "FLOOR_DATABASE": str(database)}) as server:
        yield server
