"""Real servers that tests start on this machine: an SMTP server (aiosmtpd) and an HTTP
receiver for webhooks. Each records what it received."""

import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from email import message_from_bytes, policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import requests
from aiosmtpd.controller import Controller
from flask import Flask
from werkzeug.serving import make_server

ALUR = str(Path(sys.executable).with_name("alur"))


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on (yet)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An SMTP server on ``port``; ``messages`` holds the e-mails it accepted."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Any] = []
        self._lock = threading.Lock()
        self._controller = Controller(self, hostname="127.0.0.1", port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        with self._lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def start(self) -> "SmtpServer":
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()


class WebhookReceiver:
    """An HTTP server on ``port`` that answers 204 and records each POST's JSON body
    (``posts``) and its bytes as received (``bodies``)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.posts: list[tuple[dict[str, str], Any]] = []
        self.bodies: list[bytes] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # the name http.server calls
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.bodies.append(body)
                receiver.posts.append((dict(self.headers), json.loads(body)))
                self.send_response(204)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "WebhookReceiver":
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()


@contextmanager
def alur_server(**settings: str) -> Iterator[str]:
    """``alur setup`` then ``alur serve`` with ``settings`` as ALUR_* environment variables
    (ALUR_BIND is chosen here); yields the base URL once /healthz answers."""
    env = {**os.environ, **settings, "ALUR_BIND": f"127.0.0.1:{free_port()}"}
    subprocess.run([ALUR, "setup"], env=env, check=True, capture_output=True)
    process = subprocess.Popen([ALUR, "serve"], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    base = f"http://{env['ALUR_BIND']}"
    try:
        wait_for(f"{base}/healthz")
        yield base
    finally:
        process.terminate()
        process.wait(timeout=10)


def wait_for(url: str) -> None:
    """Return once ``url`` answers 2xx (a server starting), trying for 15 seconds.

    Raises:
        RuntimeError: it never did.
    """
    for _ in range(150):
        try:
            if requests.get(url, timeout=1).ok:
                return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise RuntimeError(f"{url} did not answer")


@contextmanager
def threaded_server(app: Flask) -> Iterator[str]:
    """Serve ``app`` over real HTTP on 127.0.0.1, one thread per request (as ``alur
    serve``'s gthread worker does); yields the base URL."""
    server = make_server("127.0.0.1", free_port(), app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def children(pid: int) -> set[int]:
    """The processes whose parent is ``pid`` (gunicorn's workers of its master)."""
    found = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.add(int(stat.parent.name))
    return found
