"""The worker loop: fires due timers, sends the outbox and settles what crashed uploads
left in the attachments folder, every ``ALUR_TIMER_INTERVAL`` seconds. Runs as ``alur worker`` (as many as wanted against one PostgreSQL database) or
as a thread inside ``alur serve`` for the embedded SQLite default.
"""

import os
import socket
import threading
from datetime import timedelta
from pathlib import Path

from flask import Flask

from engine import settings
from engine.escalation import incidents, outbox
from engine.escalation.delivery import Sender
from engine.escalation.timers import due_instances, fire_instance_timers
from engine.process import files
from web.extensions import clock, db

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def fire_once(app: Flask) -> int:
    """Fire what is due now, one transaction per instance; return how many timers fired.

    An instance whose timer or engine run fails goes into Galat inside its transaction
    (``engine.runtime.unit``). Any other failure is rolled back, logged, and the instance
    put in Galat in a transaction of its own (``incidents.mark_failed``), so it leaves the
    due list: no instance is retried round after round, an administrator retries it.
    """
    fired = 0
    with app.app_context():
        try:
            for instance_id in due_instances(db.session, clock(), limit=200):
                try:
                    fired += fire_instance_timers(db.session, clock(), instance_id)
                    db.session.commit()
                except Exception as error:
                    db.session.rollback()
                    app.logger.exception("firing timers of instance %s failed", instance_id)
                    _mark_failed(app, instance_id, error)
        finally:
            db.session.remove()
    return fired


def _mark_failed(app: Flask, instance_id: int, error: Exception) -> None:
    try:
        incidents.mark_failed(db.session, clock(), instance_id,
                              f"Pengatur waktu gagal: {type(error).__name__}: {error}")
        db.session.commit()
    except Exception:
        db.session.rollback()
        app.logger.exception("marking instance %s as failed failed; next round", instance_id)


def send_once(app: Flask, owner: str = WORKER_ID) -> int:
    """Lease due outbox deliveries, send them, record each result; return how many were
    sent. Failures are retried later with backoff (``engine.escalation.outbox``)."""
    sent = 0
    lease = timedelta(seconds=app.config["ALUR_LEASE_SECONDS"])
    with app.app_context():
        try:
            leased = outbox.lease_due(db.session, clock(), owner, limit=50, lease=lease)
            smtp = settings.get(db.session, "smtp")
            db.session.commit()
            sender = Sender(smtp)
            try:
                for delivery in leased:
                    error = sender.send(delivery)
                    outbox.record_result(db.session, clock(), delivery.id, owner, error)
                    db.session.commit()
                    sent += error is None
            finally:
                sender.close()
        except Exception:
            db.session.rollback()
            app.logger.exception("sending the outbox failed; retrying next round")
        finally:
            db.session.remove()
    return sent


def sweep_once(app: Flask, every_file: bool = False) -> int:
    """Move into place or delete the attachment files of uploads whose process died before
    its transaction ended (``engine.process.files.sweep``); return how many."""
    with app.app_context():
        try:
            return files.sweep(db.session, Path(app.config["ALUR_ATTACHMENTS_PATH"]),
                               every_file=every_file)
        except Exception:
            app.logger.exception("sweeping the attachments folder failed; retrying next round")
            return 0
        finally:
            db.session.remove()


def run(app: Flask, stop: threading.Event) -> None:
    """Fire timers, send the outbox and sweep the attachments folder now (the first sweep
    looks at every file), then every interval, until ``stop`` is set. A round that found
    work is followed by the next at once (catching up after a pause)."""
    interval = app.config["ALUR_TIMER_INTERVAL"]
    owner = f"{WORKER_ID}:{threading.get_ident()}"
    first = True
    while not stop.is_set():
        sweep_once(app, every_file=first)
        first = False
        busy = fire_once(app) + send_once(app, owner)
        if not busy and stop.wait(interval):
            return


def start_background(app: Flask) -> threading.Event:
    """Run ``run`` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(app, stop), name="alur-worker", daemon=True).start()
    return stop
