"""A real Prometheus (Debian package ``prometheus``) scrapes a live ``alur serve`` with two
gunicorn processes, using the metrics token; its HTTP API then answers for
``alur_steps_late`` and for the request counts and latency series of both processes."""

import shutil
import subprocess
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests

from engine.clock import ManualClock, SystemClock
from engine.models import User, UserRole
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn
from tests.helpers.servers import alur_server, free_port
from tests.helpers.workload import ROUND_THE_CLOCK
from web import create_app
from web.extensions import db

PROMETHEUS = shutil.which("prometheus")
TOKEN = "token-metrik-uji"
CONFIG = """
global: {{scrape_interval: 1s, evaluation_interval: 1s}}
scrape_configs:
  - job_name: alur
    authorization: {{credentials: {token}}}
    static_configs: [{{targets: ["{target}"]}}]
"""


def late_step(url: str) -> None:
    """One instance of the test SOP started a day ago: its 30-minute step is late."""
    yesterday = ManualClock(SystemClock().now() - timedelta(days=1))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "ALUR_CLOCK": yesterday})
    with app.app_context():
        deploy(db.session, yesterday, mini_bpmn(ROUND_THE_CLOCK))
        starter = User(username="prakom_uji", full_name="Prakom Uji", password_hash="-",
                       created_at=yesterday.now(), roles=[UserRole(role="Prakom")])
        start_instance(db.session, yesterday, process_key="sop_uji", title="Lama",
                       user=starter)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def query(base: str, promql: str) -> list[dict]:
    response = requests.get(f"{base}/api/v1/query", params={"query": promql}, timeout=5)
    response.raise_for_status()
    return response.json()["data"]["result"]


def wait_for(base: str, promql: str, expected: float, seconds: float = 30) -> list[dict]:
    """Query until the single series equals ``expected``; bounded by ``seconds``."""
    deadline = time.monotonic() + seconds
    while True:
        result = query(base, promql)
        if len(result) == 1 and float(result[0]["value"][1]) == expected:
            return result
        assert time.monotonic() < deadline, f"{promql}: {result}"
        time.sleep(0.5)


@pytest.mark.skipif(PROMETHEUS is None, reason="Debian package prometheus not installed "
                                               "(.ci/run installs it)")
def test_prometheus_scrapes_steps_late_and_request_latency(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'alur.sqlite3'}"
    with alur_server(ALUR_DATABASE_URL=url, ALUR_INSTANCE_PATH=str(tmp_path),
                     ALUR_METRICS_TOKEN=TOKEN, ALUR_WEB_WORKERS="2",
                     ALUR_SERVE_TIMER_LOOP="0") as alur:
        late_step(url)
        for _ in range(10):
            assert requests.get(f"{alur}/healthz", timeout=5).status_code == 200
        assert requests.get(f"{alur}/metrics", timeout=5).status_code == 403  # no token
        port = free_port()
        (tmp_path / "prometheus.yml").write_text(
            CONFIG.format(token=TOKEN, target=alur.removeprefix("http://")))
        prometheus = subprocess.Popen(
            [PROMETHEUS, f"--config.file={tmp_path / 'prometheus.yml'}",
             f"--storage.tsdb.path={tmp_path / 'tsdb'}",
             f"--web.listen-address=127.0.0.1:{port}"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    requests.get(f"{base}/-/ready", timeout=1).raise_for_status()
                    break
                except requests.RequestException:
                    assert time.monotonic() < deadline, "prometheus did not start"
                    time.sleep(0.2)
            wait_for(base, 'up{job="alur"}', 1)
            [late] = wait_for(base, 'alur_steps_late{sop="sop_uji"}', 1)
            assert late["metric"]["role"] == "Prakom"
            # alur_server's first /healthz and ten more, answered by either of the two
            # processes, added up.
            wait_for(base, 'sum(alur_http_request_duration_seconds_count'
                           '{route="/healthz",method="GET"})', 11)
            wait_for(base, 'sum(alur_http_requests_total{route="/healthz",status="200"})', 11)
            [median] = query(base, 'histogram_quantile(0.5, sum by (le) ('
                                   'alur_http_request_duration_seconds_bucket'
                                   '{route="/healthz"}))')
            assert 0 < float(median["value"][1]) <= 30
        finally:
            prometheus.terminate()
            prometheus.wait(timeout=10)
