"""The units of deploy/systemd append standard error to /var/log/alur/*.log, which the guide
reads with jq (docs/deploy.md): everything ``alur serve`` and ``alur worker`` write there
is one JSON object per line; what they say to people (where Alur listens) is on standard
output, which the units send to the journal."""

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import requests

from tests.helpers.servers import ALUR, free_port, wait_for

UNITS = Path(__file__).resolve().parents[2] / "deploy" / "systemd"


def test_the_units_keep_the_log_files_json_and_people_s_lines_in_the_journal():
    for name, log in (("alur-web.service", "web"), ("alur-worker.service", "worker")):
        text = (UNITS / name).read_text()
        assert f"StandardError=append:/var/log/alur/{log}.log" in text
        assert "StandardOutput=journal" in text


def test_serve_and_worker_write_only_json_lines_on_standard_error(tmp_path):
    bind = f"127.0.0.1:{free_port()}"
    env = {**os.environ, "ALUR_INSTANCE_PATH": str(tmp_path), "ALUR_BIND": bind,
           "ALUR_DATABASE_URL": f"sqlite:///{tmp_path / 'alur.db'}", "ALUR_LOG_FORMAT": "json",
           "ALUR_LOG_LEVEL": "INFO", "ALUR_TIMER_INTERVAL": "0.2"}
    subprocess.run([ALUR, "setup"], env=env, check=True, capture_output=True)
    # --workers 2: on SQLite lowered to one, which it says (to people, on stdout).
    serve = subprocess.Popen([ALUR, "serve", "--workers", "2", "--no-timer-loop"], env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    worker = subprocess.Popen([ALUR, "worker"], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True)
    try:
        wait_for(f"http://{bind}/masuk")
        requests.get(f"http://{bind}/tidak-ada", timeout=5)
        time.sleep(1)  # a few worker rounds
    finally:
        for process in (serve, worker):
            process.send_signal(signal.SIGTERM)
        outputs = [process.communicate(timeout=30) for process in (serve, worker)]
    (serve_out, serve_err), (worker_out, worker_err) = outputs
    assert f"Alur berjalan di http://{bind}" in serve_out
    assert "alur worker: memeriksa timer" in worker_out
    logged = [json.loads(line) for line in (serve_err + worker_err).splitlines()]
    assert {"level", "message"} <= set().union(*logged)  # each line one JSON object
    assert "--workers 2 diturunkan menjadi 1" in logged[0]["message"]
    assert any(line.get("status") == 404 for line in logged)
