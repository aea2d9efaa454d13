"""The real ``alur`` command in a subprocess, on an instance folder under a test's
``tmp_path``."""

import os
import subprocess
from pathlib import Path

from tests.helpers.servers import ALUR


def run_alur(tmp_path, *args: str, detached: bool = False, piped: str | None = None,
             cwd: Path | None = None, **environment: str) -> subprocess.CompletedProcess:
    """Run ``alur *args`` with its instance (and SQLite file) in ``tmp_path / "instans"``,
    ``ALUR_DEMO`` unset and ``environment`` added; returns the finished process, its
    output as text. ``detached``: without a terminal, as under cron or systemd (stdin
    /dev/null, a new session with no controlling terminal); ``piped``: without one too,
    with this text on stdin (a script's ``printf … | alur …``); ``cwd``: the folder it runs
    in (the test's own, never the checkout, where a command may write)."""
    env = {**os.environ, "ALUR_INSTANCE_PATH": str(tmp_path / "instans"),
           "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'instans' / 'alur.sqlite3'}"}
    env.pop("ALUR_DEMO", None)
    env.update(environment)
    stdin = {"input": piped} if piped is not None else (
        {"stdin": subprocess.DEVNULL} if detached else {})
    return subprocess.run([ALUR, *args], env=env, capture_output=True, text=True, timeout=120,
                          cwd=cwd,
                          check=False, start_new_session=detached or piped is not None,
                          **stdin)
