"""Serving with gunicorn, with the timer loop inside the (single) worker process."""

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
            self.cfg.set(key, value)

    def load(self) -> Flask:
        return self.application


def serve(app: Flask, bind: str) -> None:
    """Serve ``app`` on ``bind`` (host:port): one process, threads for requests.

    One process, because the embedded SQLite database has one writer; the timer loop
    starts in that process once it is up.
    """
    options = {
        "bind": bind, "workers": 1, "threads": 8, "worker_class": "gthread",
        "accesslog": "-", "timeout": 60,
        "post_worker_init": lambda worker: scheduler.start_background(app),
    }
    _Server(app, options).run()
