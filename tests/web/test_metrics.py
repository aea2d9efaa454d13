"""``/metrics`` parsed with prometheus_client's own parser after a few requests: request
counts by route (the URL rule) and status, latency histograms, steps open/late/escalated
by SOP and role, timers, outbox, instances, workers, build info; and who may read it."""

from datetime import timedelta

from prometheus_client.parser import text_string_to_metric_families

from engine.models import Delivery
from tests.helpers.servers import free_port
from tests.web.conftest import api_token
from web import create_app
from web.cli.worker import run_round
from web.extensions import db

SERVER = "penanganan_gangguan_server"


def scrape(client, **kwargs) -> dict:
    """``{(sample name, sorted label items): value}`` of one scrape."""
    response = client.get("/metrics", **kwargs)
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain; version=")
    return {(sample.name, tuple(sorted(sample.labels.items()))): sample.value
            for family in text_string_to_metric_families(response.get_data(as_text=True))
            for sample in family.samples}


def value(samples: dict, name: str, **labels) -> float:
    return samples[(name, tuple(sorted(labels.items())))]


def test_request_and_process_metrics_after_a_few_requests(app, client, clock):
    for _ in range(3):
        assert client.get("/healthz").status_code == 200
    prakom = api_token(client, "prakom")
    assert client.post("/api/v1/instances", headers=prakom, json={
        "process_key": SERVER, "title": "Server SIPP mati"}).status_code == 201
    assert client.get("/api/v1/tasks/999", headers=prakom).status_code == 404
    assert client.get("/tidak-ada").status_code == 404

    samples = scrape(client)
    requests_total = "alur_http_requests_total"
    assert value(samples, requests_total, route="/healthz", method="GET", status="200") == 3
    assert value(samples, requests_total, route="/api/v1/instances", method="POST",
                 status="201") == 1
    assert value(samples, requests_total, route="/api/v1/tasks/<int:task_id>",
                 method="GET", status="404") == 1
    assert value(samples, requests_total, route="<unmatched>", method="GET",
                 status="404") == 1
    latency = "alur_http_request_duration_seconds"
    assert value(samples, f"{latency}_count", route="/healthz", method="GET") == 3
    assert value(samples, f"{latency}_bucket", route="/healthz", method="GET", le="+Inf") == 3
    assert not [key for key in samples if "/api/v1/tasks/999" in str(key)]

    assert value(samples, "alur_steps_open", sop=SERVER, role="Prakom") == 1
    assert value(samples, "alur_steps_late", sop=SERVER, role="Prakom") == 0
    assert value(samples, "alur_instances_started_total", sop=SERVER) == 1
    assert value(samples, "alur_instances_completed_total", sop=SERVER) == 0
    assert value(samples, "alur_timers_due") == 0
    assert value(samples, "alur_database_up") == 1
    for channel in ("email", "webhook"):  # zero, not absent (the operations probe)
        assert value(samples, "alur_outbox_pending", channel=channel) == 0
        assert value(samples, "alur_outbox_failed", channel=channel) == 0
    build = [key for key in samples if key[0] == "alur_build_info"]
    assert dict(build[0][1])["spiffworkflow"] == "3.2.0"

    clock.advance(timedelta(hours=1, minutes=5))  # the step's 1 hour has passed
    samples = scrape(client)
    assert value(samples, "alur_steps_late", sop=SERVER, role="Prakom") == 1
    assert value(samples, "alur_steps_escalated", sop=SERVER, role="Prakom") == 0
    assert value(samples, "alur_timers_due") == 1
    assert value(samples, "alur_timer_fire_lag_seconds") == 300

    run_round(app)  # fires the timer: escalation level 1
    with app.app_context():
        db.session.add(Delivery(channel="webhook", recipient="http://x", dedupe_key="k",
                                subject="s", body="b", next_attempt_at=clock.now(),
                                created_at=clock.now(), last_error="502"))
        db.session.commit()
    samples = scrape(client)
    assert value(samples, "alur_steps_escalated", sop=SERVER, role="Prakom") == 1
    assert value(samples, "alur_timers_due") == 0
    assert value(samples, "alur_outbox_pending", channel="webhook") == 1
    assert value(samples, "alur_outbox_failed", channel="webhook") == 1
    [rounds] = [v for (name, _), v in samples.items() if name == "alur_worker_rounds_total"]
    assert rounds == 1


def test_metrics_only_from_this_machine_or_with_the_token(app, client):
    refused = client.get("/metrics", environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert (refused.status_code, refused.mimetype, refused.get_data(True)) == (
        403, "text/plain", "Metrik hanya untuk pemegang token ALUR_METRICS_TOKEN atau dari "
        "mesin ini.\n"), "plain text, as a scraper or curl reads it (the operations probe)"
    app.config["ALUR_METRICS_TOKEN"] = "token-metrik"
    assert client.get("/metrics").status_code == 403
    assert client.get("/metrics", headers={"Authorization": "Bearer salah"}).status_code == 403
    assert scrape(client, headers={"Authorization": "Bearer token-metrik"},
                  environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert scrape(client, headers={"Authorization": "bearer token-metrik"},  # any case
                  environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert client.get("/metrics", headers={"Authorization": "Basic token-metrik"},
                      environ_base={"REMOTE_ADDR": "10.1.2.3"}).status_code == 403


def test_behind_a_proxy_the_forwarded_address_decides(app, client, tmp_path, monkeypatch):
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "instans"))
    proxied = create_app({**app.config, "ALUR_PROXY_COUNT": 1})
    outside = proxied.test_client().get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"})
    assert outside.status_code == 403
    assert client.get("/metrics", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 200


def test_with_the_database_unreachable_the_scrape_says_so_and_keeps_the_rest(
        log_lines, tmp_path, monkeypatch):
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "instans"))
    app = create_app({"SQLALCHEMY_DATABASE_URI":
                      f"postgresql+psycopg://postgres@127.0.0.1:{free_port()}/none"
                      "?connect_timeout=2", "SECRET_KEY": "uji"})
    client = app.test_client()
    assert client.get("/healthz").status_code == 200

    samples = scrape(client)
    assert value(samples, "alur_database_up") == 0
    assert value(samples, "alur_http_requests_total", route="/healthz", method="GET",
                 status="200") == 1
    assert [key for key in samples if key[0] == "alur_build_info"]
    # Not reported as 0: a timer count nobody could read is no count.
    assert not [key for key in samples if key[0].startswith(("alur_steps_", "alur_timer"))]
    [warning] = [line for line in log_lines() if line.get("event") == "metrics.database_down"]
    assert warning["level"] == "warning" and "exception" not in warning
    assert "Connection refused" in warning["message"]


def test_a_scrape_without_the_request_counts_folder_still_answers(app, client, monkeypatch,
                                                                  tmp_path, log_lines):
    """The instance folder moved away under a running server: the request counts of its
    processes are left out, with one warning, and the database's facts still answer."""
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path / "sudah-dipindahkan"))
    samples = scrape(client)
    assert value(samples, "alur_database_up") == 1
    assert not [key for key in samples if key[0] == "alur_http_requests_total"]
    [warning] = [line for line in log_lines() if line.get("event") == "metrics.folder_missing"]
    assert warning["level"] == "warning"
