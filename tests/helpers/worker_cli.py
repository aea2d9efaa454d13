"""``alur worker`` run in the test's own process (its loop patched by the caller): its
SIGTERM handler and the heap it freezes (``web.cli.worker.freeze_startup_heap``) do not
outlive the call."""

import gc
import signal

from click.testing import Result
from flask import Flask


def invoke_worker(app: Flask) -> Result:
    """``alur worker`` on ``app`` through Flask's CLI runner; the SIGTERM handler it
    installs is put back and the heap it froze unfrozen afterwards."""
    previous = signal.getsignal(signal.SIGTERM)
    try:
        return app.test_cli_runner().invoke(args=["worker"])
    finally:
        signal.signal(signal.SIGTERM, previous)
        gc.unfreeze()
