"""The worker loop: fires due timers, sends the outbox and settles what crashed uploads
left in the attachments folder, every ``ALUR_TIMER_INTERVAL`` seconds. Runs as
``alur worker`` (as many as wanted against one PostgreSQL database) or as a thread inside
``alur serve`` for the embedded SQLite default.

Each round (``run_round``, which tests call too) has an id (``round-…``) that its log line
and the audit records it adds carry, and ends with a heartbeat row
(``engine.escalation.heartbeat``) that ``/readyz`` checks.
"""

import gc
import logging
import os
import socket
import sqlite3
import sys
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from time import perf_counter

from flask import Flask
from sqlalchemy.exc import InterfaceError, OperationalError

from engine import audit, settings
from engine.desk import ratings
from engine.escalation import heartbeat, incidents, outbox
from engine.escalation.delivery import Sender
from engine.escalation.timers import fire_round
from engine.people import claims
from engine.process import files, recount
from web.extensions import clock, db

WORKER_ID = f"{socket.gethostname()}:{os.getpid()}"
log = logging.getLogger("alur.worker")
# Batches of timers (``engine.escalation.timers.BATCH`` each) a round fires at most before
# it sends the outbox and records its heartbeat.
ROUND_BATCHES = 8
# Seconds a round spends sending the outbox at most (wall time, not the injected clock)
# before it gives the rest back for the next round.
OUTBOX_SECONDS = 30


@dataclass
class RoundFailures:
    """How many parts of a round raised (each is logged with its traceback)."""

    count: int = 0


class DatabaseUnavailable(Exception):
    """The database cannot be used now (down, unreachable, locked, its tables missing): no
    instance's fault, so none is put in Galat, and the round stops with one log line
    instead of a traceback per instance and per part; the next round tries again."""


def unavailable(error: BaseException | None) -> bool:
    """Whether ``error`` is the database's own (``OperationalError``, ``InterfaceError``,
    SQLite's raw lock error), not the work's."""
    return isinstance(error, (DatabaseUnavailable, OperationalError, InterfaceError,
                              sqlite3.OperationalError))


def _failed(failures: RoundFailures | None, message: str, event: str) -> None:
    """Count and log the failure being handled (in an ``except`` block) as ``event``; one
    of the database's own is raised on as ``DatabaseUnavailable`` for ``run_round``."""
    if failures is not None:
        failures.count += 1
    error = sys.exc_info()[1]
    if isinstance(error, DatabaseUnavailable):
        raise error
    if unavailable(error):
        raise _down(error) from error
    log.exception(message, extra={"fields": {"event": event}})


def _down(error: BaseException) -> DatabaseUnavailable:
    """``error`` as ``DatabaseUnavailable``, its first line the reason logged."""
    return DatabaseUnavailable((str(error).splitlines() or [type(error).__name__])[0])


def fire_once(app: Flask, failures: RoundFailures | None = None,
              owner: str = WORKER_ID) -> int:
    """Claim a batch of due timers for ``owner`` and fire them (``engine.escalation.timers
    .fire_round``: the claim in one transaction, the batch in another, in one savepoint, or
    one savepoint per instance once an instance failed); return how many timers fired.

    An instance whose timer or engine run fails goes into Galat inside its savepoint
    (``engine.runtime.unit``). Any other failure of an instance rolls back its savepoint,
    is logged, and puts the instance in Galat (``incidents.mark_failed``), so it leaves the
    due list: no instance is retried round after round, an administrator retries it. A
    batch whose commit fails is rolled back and logged; its claims expire after
    ``ALUR_LEASE_SECONDS`` and the timers are fired again then.
    """
    def settle(instance_id: int | None, error: Exception | None) -> None:
        if instance_id is None:
            db.session.commit()
            return
        if unavailable(error):  # not this instance's fault: no Galat, the round stops
            raise _down(error) from error
        if failures is not None:
            failures.count += 1
        log.error("firing timers of instance %s failed", instance_id, exc_info=error,
                  extra={"fields": {"event": "worker.fire_failed", "instance_id": instance_id}})
        _mark_failed(instance_id, error)

    lease = timedelta(seconds=app.config["ALUR_LEASE_SECONDS"])
    with app.app_context():
        try:
            return fire_round(db.session, clock(), settle, owner=owner, lease=lease,
                              batches=ROUND_BATCHES)
        except Exception:  # noqa: BLE001 - _failed logs it, or raises the database's on
            db.session.rollback()
            _failed(failures, "firing a batch of timers failed; its claims expire and it is "
                              "fired again", "worker.batch_failed")
            return 0
        finally:
            db.session.remove()


def _mark_failed(instance_id: int, error: Exception | None) -> None:
    """Put the instance in Galat in a savepoint of the batch's transaction."""
    try:
        with db.session.begin_nested():
            incidents.mark_failed(db.session, clock(), instance_id,
                                  f"Pengatur waktu gagal: {type(error).__name__}: {error}")
    except Exception:
        log.exception("marking instance %s as failed failed; next round", instance_id,
                      extra={"fields": {"event": "worker.mark_failed_failed",
                                        "instance_id": instance_id}})


def recount_once(app: Flask, failures: RoundFailures | None = None) -> int:
    """Count the open steps' deadlines of a batch of instances again when the office
    calendar changed (``engine.process.recount``), committed; return how many instances.
    An instance whose state cannot be loaded or saved keeps its deadlines and is logged."""
    with app.app_context():
        try:
            done = recount.recount_round(db.session, clock())
            db.session.commit()
        except Exception:  # noqa: BLE001 - _failed logs it, or raises the database's on
            db.session.rollback()
            _failed(failures, "counting deadlines again failed; retrying next round",
                    "worker.recount_failed")
            return 0
        finally:
            db.session.remove()
    for instance_id, error in done.failed:
        if failures is not None:
            failures.count += 1
        log.error("counting the deadlines of instance %s again failed; they stay", instance_id,
                  exc_info=error, extra={"fields": {"event": "worker.recount_failed",
                                                    "instance_id": instance_id}})
    return len(done.recounted)


def send_once(app: Flask, owner: str = WORKER_ID, failures: RoundFailures | None = None,
              stop: threading.Event | None = None) -> int:
    """Lease due outbox deliveries, send them, record each result; return how many were
    sent. Failures are retried later with backoff (``engine.escalation.outbox``) and
    logged (a warning naming the message, never the webhook's path). A round sends for at
    most ``OUTBOX_SECONDS`` and gives the rest back, so that a slow mail server or gateway
    does not hold up the timers of the next round; it gives them back at once when
    ``stop`` is set (the process is ending: a slow server would hold up its exit).

    While the SMTP password or the webhook's signing secret was sealed under another
    ``ALUR_SECRET_KEY`` nothing is leased or sent: the round counts one failure and logs one
    line naming the secret (no traceback), until an administrator types it again."""
    sent = 0
    lease = timedelta(seconds=app.config["ALUR_LEASE_SECONDS"])
    with app.app_context():
        try:
            try:
                smtp = settings.smtp_for_sending(db.session, app.secret_key,
                                                 app.config["ALUR_SMTP_PASSWORD"])
                webhook, webhook_secret = settings.webhook_for_sending(db.session,
                                                                       app.secret_key)
            except settings.SealedUnderAnotherKey as unreadable:
                _held(failures, unreadable)
                return 0
            leased = outbox.lease_due(db.session, clock(), owner, limit=50, lease=lease)
            db.session.commit()
            sender = Sender(smtp, clock(), webhook, webhook_secret)
            began = perf_counter()
            try:
                for number, delivery in enumerate(leased):
                    if perf_counter() - began > OUTBOX_SECONDS or (stop and stop.is_set()):
                        outbox.release(db.session, owner, [d.id for d in leased[number:]])
                        db.session.commit()
                        break
                    held = outbox.hold_for_sending(db.session, clock(), delivery.id, owner,
                                                   lease)
                    db.session.commit()
                    if not held:
                        continue
                    why = outbox.unsendable(db.session, delivery, webhook)
                    if why is not None:
                        outbox.drop(db.session, delivery.id, owner, why)
                        db.session.commit()
                        continue
                    error = sender.send(delivery)
                    if error is not None:
                        log.warning("sending message %s (%s) failed: %s", delivery.id,
                                    delivery.channel, error, extra={"fields": {
                                        "event": "worker.delivery_failed",
                                        "delivery_id": delivery.id}})
                    outbox.record_result(db.session, clock(), delivery.id, owner, error)
                    db.session.commit()
                    sent += error is None
            finally:
                sender.close()
        except Exception:  # noqa: BLE001 - _failed logs it, or raises the database's on
            db.session.rollback()
            _failed(failures, "sending the outbox failed; retrying next round",
                    "worker.send_failed")
        finally:
            db.session.remove()
    return sent


def _held(failures: RoundFailures | None, unreadable: Exception) -> None:
    """Count and log, in one line, an outbox held for a secret that cannot be read."""
    if failures is not None:
        failures.count += 1
    log.warning("the outbox waits: %s", unreadable,
                extra={"fields": {"event": "worker.secret_unreadable"}})


def sweep_once(app: Flask, every_file: bool = False,
               failures: RoundFailures | None = None) -> int:
    """Move into place or delete the attachment files of uploads whose process died before
    its transaction ended (``engine.process.files.sweep``); return how many."""
    with app.app_context():
        try:
            return files.sweep(db.session, Path(app.config["ALUR_ATTACHMENTS_PATH"]),
                               every_file=every_file)
        except Exception:  # noqa: BLE001 - _failed logs it, or raises the database's on
            _failed(failures, "sweeping the attachments folder failed; retrying next round",
                    "worker.sweep_failed")
            return 0
        finally:
            db.session.remove()


def run_round(app: Flask, owner: str = WORKER_ID, *, every_file: bool = False,
              stop: threading.Event | None = None) -> int:
    """One round: sweep the attachments folder (``every_file``: all of it, as the first
    round of a process does), count deadlines again after a change of the office calendar
    (a batch of instances), fire timers, send the outbox, close tickets unrated after
    5 working days (``engine.desk.ratings``), give back the steps whose holder may no
    longer act in their role (``engine.people.claims``), record the heartbeat, log the
    round. Returns how much work was done (instances counted again + timers fired +
    messages sent). ``stop`` set, the outbox's messages not yet sent are given back."""
    token = audit.REQUEST_ID.set(f"round-{uuid.uuid4().hex[:16]}")
    started = perf_counter()
    failures = RoundFailures()
    try:
        return _round(app, owner, every_file, failures, started, stop)
    except DatabaseUnavailable as down:
        log.warning("worker round stopped: the database cannot be used (%s); the next round "
                    "tries again", down, extra={"fields": {
                        "event": "worker.database_unavailable", "worker": owner,
                        "failures": failures.count,
                        "duration_ms": round((perf_counter() - started) * 1000, 2)}})
        return 0
    finally:
        audit.REQUEST_ID.reset(token)


def _round(app: Flask, owner: str, every_file: bool, failures: RoundFailures,
           started: float, stop: threading.Event | None) -> int:
    """``run_round``'s parts, in order; raises DatabaseUnavailable at the first part that
    finds the database unusable."""
    sweep_once(app, every_file, failures)
    recounted = recount_once(app, failures)
    fired = fire_once(app, failures, owner)
    sent = send_once(app, owner, failures, stop)
    with app.app_context():
        try:
            _committed(failures, "worker.unrated_failed", "closing unrated tickets",
                       lambda: ratings.close_unrated(db.session, clock()))
            _committed(failures, "worker.claims_failed", "releasing lapsed claims",
                       lambda: claims.release_lapsed(db.session, clock()))
            _committed(failures, "worker.heartbeat_failed", "recording the heartbeat",
                       lambda: heartbeat.record_round(db.session, clock(), owner,
                                                      failed=bool(failures.count)))
        finally:
            db.session.remove()
    busy = recounted + fired + sent
    level = logging.WARNING if failures.count else (logging.INFO if busy else logging.DEBUG)
    log.log(level, "worker round: %d timers fired, %d messages sent", fired, sent,
            extra={"fields": {"event": "worker.round", "worker": owner,
                              "recounted": recounted, "fired": fired,
                              "sent": sent, "failures": failures.count,
                              "duration_ms": round((perf_counter() - started) * 1000, 2)}})
    return busy


def _committed(failures: RoundFailures, event: str, what: str, work: Callable[[], object]
               ) -> None:
    """Run ``work`` and commit it; a failure is rolled back, counted in ``failures`` and
    logged as ``event`` ("<what> failed"), and the round goes on."""
    try:
        work()
        db.session.commit()
    except Exception:  # noqa: BLE001 - _failed logs it, or raises the database's on
        db.session.rollback()
        _failed(failures, f"{what} failed", event)


def freeze_startup_heap() -> None:
    """Move every object alive now (modules, the app, its caches) out of the cyclic
    garbage collector's reach (``gc.freeze``), so that its collections walk only what the
    work creates afterwards. Called once, when a process has started and before it serves
    or fires: loading instances allocates many objects, and each full collection would
    walk the startup heap again. In ``make bench`` (Python 3.11) two ``alur worker``
    processes fired a quarter to a third more timers per second with it."""
    gc.collect()
    gc.freeze()


def run(app: Flask, stop: threading.Event) -> None:
    """Run rounds now, then every interval, until ``stop`` is set. The first round sweeps
    every file of the attachments folder. A round that found work is followed by the next
    at once (catching up after a pause)."""
    interval = app.config["ALUR_TIMER_INTERVAL"]
    # The id is taken here, not at import: ``alur serve`` imports this module before forking.
    owner = f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"
    first = True
    while not stop.is_set():
        busy = run_round(app, owner, every_file=first, stop=stop)
        first = False
        if not busy and stop.wait(interval):
            return
