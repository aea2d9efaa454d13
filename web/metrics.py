"""Prometheus metrics (``/metrics``), all named ``alur_*``.

Requests are counted in the process that served them. Under ``alur serve`` (gunicorn,
possibly several processes) ``PROMETHEUS_MULTIPROC_DIR`` is set and each process writes
its counts to files there, which ``/metrics`` adds up. prometheus_client chooses between
memory and those files when it is first imported, so this module imports it only when a
request is first counted or scraped, which is after ``alur serve`` set the folder.

Everything else (steps, timers, outbox, instances, workers) is read from the database at
scrape time, so every web process answers the same and separate ``alur worker``
processes need no metrics port of their own. With the database unreachable the scrape
still succeeds, as an exporter's does (``pg_up``): ``alur_database_up`` is 0, the request
metrics and build info are there, the database's facts are left out (not shown as 0).
"""

import hmac
import importlib.metadata
import logging
import os
import platform
from collections.abc import Iterator
from typing import Any

from flask import Flask
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from engine.clock import Clock
from engine.db import database_words
from engine.escalation.heartbeat import heartbeats
from engine.reports import live

# Seconds; from a page served from memory to a report over a year of history.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)
_EXTENSION = "alur_metrics"
log = logging.getLogger("alur.metrics")


def _request_metrics(app: Flask) -> dict[str, Any]:
    """The app's request counter and latency histogram, made on first use."""
    found = app.extensions.get(_EXTENSION)
    if found is None:
        from prometheus_client import CollectorRegistry, Counter, Histogram

        registry = CollectorRegistry()
        found = {
            "registry": registry,
            "requests": Counter("alur_http_requests", "HTTP requests by route and status",
                                ["route", "method", "status"], registry=registry),
            "latency": Histogram("alur_http_request_duration_seconds",
                                 "Time to answer a request, by route", ["route", "method"],
                                 buckets=LATENCY_BUCKETS, registry=registry),
        }
        app.extensions[_EXTENSION] = found
    return found


def observe(app: Flask, route: str, method: str, status: int, seconds: float) -> None:
    """Count one answered request; ``route`` is the URL rule (``/tasks/<int:task_id>``),
    never the raw path, so the number of series stays bounded."""
    found = _request_metrics(app)
    found["requests"].labels(route, method, str(status)).inc()
    found["latency"].labels(route, method).observe(seconds)


def may_scrape(config: dict[str, Any], remote_addr: str | None, authorization: str) -> bool:
    """Whether a scrape is allowed: with ``ALUR_METRICS_TOKEN`` set, only with header
    ``Authorization: Bearer <token>``; without it, only from this machine (loopback)."""
    token = config.get("ALUR_METRICS_TOKEN") or ""
    if token:
        scheme, _, given = authorization.strip().partition(" ")
        # The scheme in any case (RFC 9110 §11.1), as the API's tokens are read.
        return scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(),
                                                                   token.encode())
    return remote_addr in ("127.0.0.1", "::1")


def exposition(app: Flask, session: Session, clock: Clock) -> tuple[bytes, str]:
    """The metrics in Prometheus text format and its content type; the processes' request
    counts left out (one warning) when their folder (``PROMETHEUS_MULTIPROC_DIR``) is gone,
    never a failed scrape."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        registry = CollectorRegistry()
        if os.path.isdir(directory):
            MultiProcessCollector(registry)
        else:  # the instance folder moved or its disk gone: the database's facts still
            log.warning("metrics: the folder %s of the processes' request counts is gone; "
                        "they are left out of this scrape", directory,
                        extra={"fields": {"event": "metrics.folder_missing"}})
    else:
        registry = _request_metrics(app)["registry"]
    text = generate_latest(registry) + generate_latest(_DatabaseRegistry(session, clock))
    return text, CONTENT_TYPE_LATEST


class _DatabaseRegistry:
    """A one-scrape registry of the facts read from the database (``engine.reports.live``)."""

    def __init__(self, session: Session, clock: Clock) -> None:
        self.session = session
        self.clock = clock

    def collect(self) -> Iterator[Any]:
        """The database's facts and ``alur_database_up`` 1, or only ``alur_database_up`` 0
        (a warning logged, without a traceback) when the database cannot be read; then
        ``alur_build_info``."""
        from prometheus_client.core import GaugeMetricFamily

        try:
            families, up = list(self._database_families()), 1
        except SQLAlchemyError as error:
            self.session.rollback()
            families, up = [], 0
            log.warning("metrics: the database cannot be read (%s: %s); alur_database_up 0",
                        type(error).__name__, database_words(error),
                        extra={"fields": {"event": "metrics.database_down"}})
        yield from families
        yield GaugeMetricFamily("alur_database_up",
                                "1 when this scrape could read the database, else 0", value=up)

        info = GaugeMetricFamily("alur_build_info", "Versions running",
                                 labels=["version", "spiffworkflow", "python"])
        info.add_metric([_version("alur"), _version("SpiffWorkflow"),
                         platform.python_version()], 1)
        yield info

    def _database_families(self) -> Iterator[Any]:
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        now = self.clock.now()
        steps = {name: GaugeMetricFamily(f"alur_steps_{name}", text, labels=["sop", "role"])
                 for name, text in (("open", "Open steps"),
                                    ("late", "Open steps past their deadline"),
                                    ("escalated", "Open steps with an escalation raised"))}
        for row in live.open_steps(self.session, now):
            for name, value in (("open", row.open), ("late", row.late),
                                ("escalated", row.escalated)):
                steps[name].add_metric([row.sop, row.role], value)
        yield from steps.values()

        due, oldest = live.timers_due(self.session, now)
        yield GaugeMetricFamily("alur_timers_due", "Timers whose fire time has passed",
                                value=due)
        lag = (now - oldest).total_seconds() if oldest else 0.0
        yield GaugeMetricFamily("alur_timer_fire_lag_seconds",
                                "How long the oldest due timer has waited", value=lag)

        outbox = {state: GaugeMetricFamily(f"alur_outbox_{state}", text, labels=["channel"])
                  for state, text in (("pending", "Outbox messages not yet sent"),
                                      ("failed", ("Unsent outbox messages whose last "
                                                  "attempt failed")))}
        for channel, counts in live.outbox_backlog(self.session).items():
            for state, family in outbox.items():
                family.add_metric([channel], counts[state])
        yield from outbox.values()

        started = CounterMetricFamily("alur_instances_started", "Instances started",
                                      labels=["sop"])
        completed = CounterMetricFamily("alur_instances_completed", "Instances completed",
                                        labels=["sop"])
        for sop, (begun, done) in live.instance_totals(self.session).items():
            started.add_metric([sop], begun)
            completed.add_metric([sop], done)
        yield from (started, completed)

        rounds = CounterMetricFamily("alur_worker_rounds", "Worker rounds", labels=["worker"])
        last = GaugeMetricFamily("alur_worker_last_round_timestamp_seconds",
                                 "When the worker last finished a round", labels=["worker"])
        for beat in heartbeats(self.session):
            rounds.add_metric([beat.worker_id], beat.rounds)
            last.add_metric([beat.worker_id], beat.last_round_at.timestamp())
        yield from (rounds, last)


def _version(distribution: str) -> str:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return "unknown"
