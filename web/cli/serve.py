"""Serving with gunicorn, with the timer loop inside each web process unless the office
runs separate ``alur worker`` processes."""

import os
from pathlib import Path
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from web.cli import worker as scheduler


class _Server(BaseApplication):
    def __init__(self, app: Flask, options: dict[str, Any]) -> None:
        self.application = app
        self.options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self.options.items():
            if key in self.cfg.settings:  # control_socket_disable is new in gunicorn 27
                self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def metrics_folder(app: Flask) -> Path:
    """Set up ``PROMETHEUS_MULTIPROC_DIR`` (default ``<instance>/metrics``), emptied of an
    earlier run's files: gunicorn's processes write their request counts there and
    ``/metrics`` adds them up. Must run before prometheus_client is imported."""
    folder = Path(os.environ.get("PROMETHEUS_MULTIPROC_DIR")
                  or Path(app.instance_path) / "metrics")
    folder.mkdir(parents=True, exist_ok=True)
    for stale in folder.glob("*.db"):
        stale.unlink()
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(folder)
    return folder


def _child_exit(server: Any, worker: Any) -> None:
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def _log_config(app: Flask) -> dict[str, Any]:
    """gunicorn's own messages in the same format as Alur's (``web.telemetry``); requests
    are logged by Alur (with route, user and request id), so gunicorn's access log is off."""
    return {
        "version": 1, "disable_existing_loggers": False,
        "formatters": {"alur": {"()": "web.telemetry.formatter",
                                "kind": app.config["ALUR_LOG_FORMAT"]}},
        "handlers": {"stderr": {"class": "logging.StreamHandler", "formatter": "alur",
                                "stream": "ext://sys.stderr"}},
        "loggers": {"gunicorn.error": {"handlers": ["stderr"], "level": "INFO",
                                       "propagate": False}},
        "root": {"handlers": ["stderr"], "level": "WARNING"},
    }


def serve(app: Flask, bind: str, workers: int = 1, timer_loop: bool = True) -> None:
    """Serve ``app`` on ``bind`` (host:port) with ``workers`` processes, 8 threads each.

    One process suits the embedded SQLite database (one writer); on PostgreSQL use more.
    With ``timer_loop`` each process also runs the worker loop (``web.cli.worker``);
    offices running ``alur worker`` units pass ``--no-timer-loop``.
    """
    metrics_folder(app)
    options: dict[str, Any] = {
        "bind": bind, "workers": workers, "threads": 8, "worker_class": "gthread",
        "accesslog": None, "timeout": 60, "logconfig_dict": _log_config(app),
        "child_exit": _child_exit,
        # No control socket in the service user's home (hardened units have none).
        "control_socket_disable": True,
    }
    if timer_loop:
        options["post_worker_init"] = lambda worker: scheduler.start_background(app)
    _Server(app, options).run()
