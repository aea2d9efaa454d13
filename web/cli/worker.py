"""The worker loop: fires due timers and sends the outbox, every ``ALUR_TIMER_INTERVAL``
seconds. Runs as ``alur worker`` (as many as wanted against one PostgreSQL database) or
as a thread inside ``alur serve`` for the embedded SQLite default.
"""

import os
import socket
import threading
from datetime import timedelta

from flask import Flask

from engine import settings
from engine.escalation import outbox
from engine.escalation.delivery import Sender
from engine.escalation.timers import due_instances, fire_instance_timers
from web.extensions import clock, db

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"


def fire_once(app: Flask) -> int:
    """Fire what is due now, one transaction per instance; return how many timers fired.

    An instance whose firing fails is rolled back and logged; the next round retries it.
    """
    fired = 0
    with app.app_context():
        try:
            for instance_id in due_instances(db.session, clock(), limit=200):
                try:
                    fired += fire_instance_timers(db.session, clock(), instance_id)
                    db.session.commit()
                except Exception:
                    db.session.rollback()
                    app.logger.exception("firing timers of instance %s failed", instance_id)
        finally:
            db.session.remove()
    return fired


def send_once(app: Flask, owner: str = WORKER_ID) -> int:
    """Lease due outbox deliveries, send them, record each result; return how many were
    sent. Failures are retried later with backoff (``engine.escalation.outbox``)."""
    sent = 0
    lease = timedelta(seconds=app.config["ALUR_LEASE_SECONDS"])
    with app.app_context():
        try:
            leased = outbox.lease_due(db.session, clock(), owner, limit=50, lease=lease)
            smtp = settings.smtp_for_sending(db.session, app.secret_key,
                                             app.config["ALUR_SMTP_PASSWORD"])
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


def run(app: Flask, stop: threading.Event) -> None:
    """Fire timers and send the outbox now, then every interval, until ``stop`` is set.
    A round that found work is followed by the next at once (catching up after a pause)."""
    interval = app.config["ALUR_TIMER_INTERVAL"]
    owner = f"{WORKER_ID}:{threading.get_ident()}"
    while not stop.is_set():
        busy = fire_once(app) + send_once(app, owner)
        if not busy and stop.wait(interval):
            return


def start_background(app: Flask) -> threading.Event:
    """Run ``run`` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(app, stop), name="alur-worker", daemon=True).start()
    return stop
