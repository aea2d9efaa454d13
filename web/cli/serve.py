"""Serving with gunicorn: ``workers`` processes of ``threads`` threads each, and the timer
loop (``web.cli.worker``) in exactly one of them at a time unless the office runs separate
``alur worker`` processes.

Which process runs the loop: each web process starts a thread that tries an exclusive
``flock`` on ``<instance>/timer-loop.lock`` every second; the one that gets it runs the
loop. The kernel releases the lock when that process ends (gunicorn restarts it,
``--max-requests``, a crash, SIGKILL), and a waiting process takes over within a second.
The embedded SQLite database has one writer, so on SQLite ``workers`` is clamped to 1 with
a message.
"""

import errno
import fcntl
import logging
import os
import socket
import threading
from pathlib import Path
from typing import Any

import click
from click.core import ParameterSource
from flask import Flask
from gunicorn.app.base import BaseApplication
from gunicorn.glogging import Logger

from web import environment
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


class QuietLogger(Logger):
    """gunicorn's logger without its access log. Alur logs each request itself (route,
    user, request id: ``web.telemetry``); gunicorn counts its access log as on whenever a
    logging configuration is given (``_log_config`` is) and built each line's fields for
    nothing, a fortieth of a request's time in ``make bench``."""

    def access(self, resp: Any, req: Any, environ: dict[str, Any], request_time: Any) -> None:
        """Nothing: no access log line."""


def metrics_folder(app: Flask) -> Path:
    """Set up ``PROMETHEUS_MULTIPROC_DIR`` (default ``<instance>/metrics``), emptied of an
    earlier run's files: gunicorn's processes write their request counts there and
    ``/metrics`` adds them up. Must run before prometheus_client is imported.

    Raises:
        environment.ConfigError: the folder cannot be made, written or emptied, or another
            ``alur serve`` running uses it (``_hold_for_this_server``).
    """
    name = "PROMETHEUS_MULTIPROC_DIR"
    folder = environment.writable_folder(name, Path(app.instance_path) / "metrics")
    _hold_for_this_server(name, folder)
    try:
        for stale in folder.glob("*.db"):
            stale.unlink()
    except OSError as error:
        raise environment.ConfigError(f"{name} {str(folder)!r}: hitungan lama tidak "
                                      f"dapat dihapus: {environment.os_words(error)}") from None
    os.environ[name] = str(folder)
    return folder


# The lock on the metrics folder's "serve.lock", held open for the life of this process
# (gunicorn's master; its workers inherit it).
_held: list[Any] = []


def _hold_for_this_server(name: str, folder: Path) -> None:
    """Lock ``folder`` for this ``alur serve``, or refuse: a second one on the same instance
    (another port) emptied the metrics folder the first one's processes write to, and
    their request counts were gone from ``/metrics`` until it restarted."""
    handle = (folder / "serve.lock").open("a")
    try:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        handle.close()
        raise environment.ConfigError(
            f"{name} {str(folder)!r} dipakai alur serve lain yang sedang berjalan (folder "
            "instans yang sama); hentikan yang itu, atau beri yang ini ALUR_INSTANCE_PATH "
            f"atau {name} lain") from None
    _held.append(handle)


def bind_problem(bind: str) -> str | None:
    """Why gunicorn could not listen on ``bind`` (``HOST:PORT``, checked by
    ``environment.address_problem``), in words, or None: a socket is bound there with
    ``SO_REUSEADDR``, as gunicorn binds, and closed at once. gunicorn would otherwise retry
    in English for five seconds after Alur said it was running, then exit 1. A ``unix:``
    path is checked as gunicorn would use it: its folder must exist and be writable, and
    what is there already must be a socket (gunicorn replaces that)."""
    if bind.startswith("unix:"):
        return _socket_path_problem(Path(bind.removeprefix("unix:")))
    host, _, port = bind.rpartition(":")
    try:
        family, kind, protocol, _, address = socket.getaddrinfo(
            host.strip("[]"), int(port), type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)[0]
    except OSError:
        return "tidak dapat dipakai: nama host tidak dikenal"
    with socket.socket(family, kind, protocol) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(address)
        except OSError as error:
            return _BIND_WORDS.get(error.errno, f"tidak dapat dipakai: {error.strerror}")
    return None


def _socket_path_problem(path: Path) -> str | None:
    """Why a Unix socket cannot be made at ``path``, in words, or None."""
    if path.exists() and not path.is_socket():
        return "tidak dapat dipakai: sudah ada berkas di sana yang bukan soket"
    if not path.parent.is_dir():
        return "tidak dapat dipakai: foldernya tidak ada"
    if not os.access(path.parent, os.W_OK | os.X_OK):
        return "tidak dapat dipakai: foldernya tidak dapat ditulisi"
    return None


_BIND_WORDS = {
    errno.EADDRINUSE: "sudah dipakai program lain",
    errno.EADDRNOTAVAIL: "tidak dapat dipakai: alamat itu bukan milik mesin ini",
    errno.EACCES: "tidak dapat dipakai: port di bawah 1024 memerlukan hak administrator",
}


def refuse_unusable_address(bind: str) -> None:
    """In ``alur serve``, before anything else: refuse ``bind`` when gunicorn could not
    listen there (``bind_problem``), with exit code 2 as an unusable ALUR_BIND, naming
    where it came from: ``GAGAL: ALUR_BIND 127.0.0.1:5000 sudah dipakai program lain``
    (or ``--bind``).

    Raises:
        click.ClickException: the address cannot be listened on.
    """
    problem = bind_problem(bind)
    if problem:
        given = click.get_current_context().get_parameter_source("bind")
        named = "ALUR_BIND" if given == ParameterSource.DEFAULT else "--bind"
        refused = click.ClickException(f"{named} {bind} {problem}")
        refused.exit_code = 2
        raise refused


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


def web_workers(app: Flask, workers: int, from_environment: bool = False) -> int:
    """The number of web processes to start: ``workers``, but 1 on SQLite (one writer; a
    second process would wait on the file's lock), saying so in the log (stderr, a JSON
    line with ``ALUR_LOG_FORMAT=json``, as the service's log file reads) in the words it
    was asked in: ``--workers 2``, or ``ALUR_WEB_WORKERS=2`` ``from_environment``."""
    if workers > 1 and app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        asked = f"ALUR_WEB_WORKERS={workers}" if from_environment else f"--workers {workers}"
        logging.getLogger("alur.serve").warning(
            "alur serve: SQLite melayani satu proses web; %s diturunkan menjadi 1 "
            "(pakai PostgreSQL untuk lebih banyak proses).", asked)
        return 1
    return workers


def warn_unshared_login_limits(app: Flask, workers: int) -> None:
    """Say in the log when ``workers`` web processes each keep their own count of failed
    logins (``ALUR_RATELIMIT_STORAGE_URI=memory://``): the documented limits (10 per
    account in 15 minutes) then hold per process, ``workers`` times looser in all."""
    if workers > 1 and app.config["ALUR_RATELIMIT_STORAGE_URI"].startswith("memory://"):
        logging.getLogger("alur.serve").warning(
            "alur serve: %(n)s proses web menghitung masuk yang gagal sendiri-sendiri "
            "(ALUR_RATELIMIT_STORAGE_URI=memory://), sehingga batas masuk %(n)s kali lebih "
            "longgar; pakai redis://… (README, Konfigurasi).", {"n": workers})


class ElectedTimerLoop:
    """The timer loop of one web process: a daemon thread that tries the timer-loop lock
    file (``<instance>/timer-loop.lock``) every second and, once it holds it, runs the
    worker loop until ``stop`` is called.

    ``stop`` ends the loop after its round and waits for it (at most ``wait`` seconds),
    so the process ends with no query of the loop's half done: a daemon thread cut off
    while it holds a database connection's lock can hang the process's exit until
    gunicorn kills it (its ``graceful_timeout``, 30 seconds).
    """

    def __init__(self, app: Flask) -> None:
        self.app = app
        self.stopping = threading.Event()
        self.thread = threading.Thread(target=self._wait_then_run, name="alur-timer-loop",
                                       daemon=True)

    def start(self) -> "ElectedTimerLoop":
        """Start the thread; returns ``self``."""
        self.thread.start()
        return self

    def stop(self, wait: float = 20.0) -> None:
        """Ask the loop to end after its round and wait for it, ``wait`` seconds at most."""
        self.stopping.set()
        self.thread.join(wait)

    def _wait_then_run(self) -> None:
        path = Path(self.app.instance_path) / "timer-loop.lock"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a") as handle:  # kept open while the loop runs: closing releases it
            while not self.stopping.is_set():
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    self.stopping.wait(1.0)
                    continue
                scheduler.run(self.app, self.stopping)


def _start_timer_loop(app: Flask, worker: Any) -> None:
    worker.alur_timer_loop = ElectedTimerLoop(app).start()


def _stop_timer_loop(server: Any, worker: Any) -> None:
    loop = getattr(worker, "alur_timer_loop", None)
    if loop is not None:
        loop.stop()


def serve(app: Flask, bind: str, workers: int = 1, timer_loop: bool = True,
          threads: int = 8, workers_from_environment: bool = False) -> None:
    """Serve ``app`` on ``bind`` (host:port) with ``workers`` processes (1 on SQLite,
    ``web_workers``) of ``threads`` threads each (gunicorn's gthread worker).

    With ``timer_loop`` one of the processes at a time also runs the worker loop
    (``ElectedTimerLoop``), stopped before the process ends; offices running ``alur
    worker`` units pass ``--no-timer-loop``. Call ``metrics_folder`` first (``alur serve`` does, before it
    says where it listens).
    """
    workers = web_workers(app, workers, workers_from_environment)
    warn_unshared_login_limits(app, workers)
    options: dict[str, Any] = {
        "bind": bind, "workers": workers, "threads": threads,
        "worker_class": "gthread", "accesslog": None, "logger_class": QuietLogger,
        "timeout": 60,
        "logconfig_dict": _log_config(app), "child_exit": _child_exit,
        # No control socket in the service user's home (hardened units have none).
        "control_socket_disable": True,
    }
    if timer_loop:
        options["post_worker_init"] = lambda worker: _start_timer_loop(app, worker)
        options["worker_exit"] = _stop_timer_loop
    scheduler.freeze_startup_heap()  # before gunicorn forks: its processes share it
    _Server(app, options).run()
