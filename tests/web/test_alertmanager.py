"""A real Prometheus Alertmanager (Debian package ``prometheus-alertmanager``) posts its
webhook to a live ``alur serve``: an alert opens exactly one kritis incident for the right
system, firing again adds a note and opens nothing, resolving records the downtime; an
Uptime Kuma payload posted directly does the same."""

import os
import shutil
import subprocess
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import requests
from sqlalchemy import create_engine, text

from engine.time.wall_clock import wall_clock_text
from tests.helpers.servers import ALUR, alur_server, free_port

ZONE = "Asia/Jakarta"  # the office time zone alur setup stores by default
ALERTMANAGER = shutil.which("prometheus-alertmanager") or shutil.which("alertmanager")
CONFIG = """
route:
  receiver: alur
  group_by: [alertname]
  group_wait: 1s
  group_interval: 1s
  repeat_interval: 2s
receivers:
  - name: alur
    webhook_configs:
      - url: {url}/api/v1/alerts
        send_resolved: true
        http_config:
          authorization: {{credentials: {token}}}
"""


def until(check: Callable[[], Any], what: str, seconds: float = 30) -> Any:
    """Poll ``check`` until it returns something truthy; bounded by ``seconds``."""
    deadline = time.monotonic() + seconds
    while not (found := check()):
        assert time.monotonic() < deadline, what
        time.sleep(0.3)
    return found


def rows(url: str, sql: str) -> list[tuple]:
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            return [tuple(row) for row in connection.execute(text(sql))]
    finally:
        engine.dispose()


def add_source(env: dict[str, str], name: str, kind: str) -> str:
    done = subprocess.run([ALUR, "alerts", "add-source", name, "--kind", kind], env=env,
                          check=True, capture_output=True, text=True)
    return done.stdout.strip()


@pytest.mark.skipif(ALERTMANAGER is None, reason="Debian package prometheus-alertmanager "
                                                 "not installed (.ci/run installs it)")
def test_alertmanager_and_uptime_kuma_open_one_incident_and_record_the_downtime(
        tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'alur.sqlite3'}"
    settings = {"ALUR_DATABASE_URL": url, "ALUR_INSTANCE_PATH": str(tmp_path),
                "ALUR_SERVE_TIMER_LOOP": "0"}
    with alur_server(**settings) as alur:
        env = {**os.environ, **settings}
        token = add_source(env, "prometheus", "alertmanager")
        (tmp_path / "alertmanager.yml").write_text(CONFIG.format(url=alur, token=token))
        port = free_port()
        manager = subprocess.Popen(
            [ALERTMANAGER, f"--config.file={tmp_path / 'alertmanager.yml'}",
             f"--storage.path={tmp_path / 'am'}", f"--web.listen-address=127.0.0.1:{port}",
             "--cluster.listen-address="],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            until(lambda: _ready(base), "alertmanager did not start")
            # Started ten minutes ago; resolved ten minutes after its start (by then, the past).
            started = datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=10)
            alert = {"labels": {"alertname": "SippDown", "system": "SIPP",
                                "severity": "critical"},
                     "annotations": {"summary": "SIPP tidak menjawab"},
                     "startsAt": started.isoformat()}
            requests.post(f"{base}/api/v2/alerts", json=[alert], timeout=5).raise_for_status()
            [(instance_id, data)] = until(lambda: rows(
                url, "SELECT id, data FROM process_instances"), "no incident opened")
            assert '"sistem": "SIPP"' in data and '"prioritas": "kritis"' in data
            until(lambda: rows(url, "SELECT text FROM comments WHERE text LIKE "
                                    "'Peringatan masih menyala%'"), "the repeat left no note")
            ended = started + timedelta(minutes=10)
            requests.post(f"{base}/api/v2/alerts", json=[{**alert, "endsAt": ended.isoformat()}],
                          timeout=5).raise_for_status()
            [outage] = until(lambda: rows(url, "SELECT system FROM outages"), "no downtime")
            assert outage == ("SIPP",)
            assert rows(url, "SELECT id, status FROM process_instances") == [
                (instance_id, "running")]
            assert rows(url, "SELECT text FROM comments WHERE text LIKE 'Pulih:%'") == [
                ((f"Pulih: SIPP tidak tersedia 10 menit ({wall_clock_text(started, ZONE)}"
                  f" – {wall_clock_text(ended, ZONE)})."),)]
        finally:
            manager.terminate()
            manager.wait(timeout=10)
        kuma = {"Authorization": f"Bearer {add_source(env, 'kuma', 'uptime-kuma')}"}
        beat = {"monitor": {"id": 3, "name": "Website PN"}, "msg": "down",
                "heartbeat": {"status": 0, "time": "2026-11-23 02:00:00.000", "msg": "timeout"}}
        down = requests.post(f"{alur}/api/v1/alerts", headers=kuma, json=beat, timeout=10)
        assert down.status_code == 202
        [kuma_id] = down.json()["instances"]
        again = requests.post(f"{alur}/api/v1/alerts", headers=kuma, json=beat, timeout=10)
        assert again.json() == {"instances": [], "ignored": 0}
        up = {**beat, "heartbeat": {**beat["heartbeat"], "status": 1,
                                    "time": "2026-11-23 02:20:00.000"}}
        assert requests.post(f"{alur}/api/v1/alerts", headers=kuma, json=up,
                             timeout=10).status_code == 202
        assert rows(url, f"SELECT COUNT(*) FROM process_instances WHERE id != {kuma_id}") == [
            (1,)]
        assert rows(url, "SELECT system FROM outages ORDER BY id") == [("SIPP",),
                                                                      ("Website PN",)]


def _ready(base: str) -> bool:
    try:
        return requests.get(f"{base}/-/ready", timeout=1).ok
    except requests.RequestException:
        return False
