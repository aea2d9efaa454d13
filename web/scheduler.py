"""The timer loop: fires due timers every ``ALUR_TIMER_INTERVAL`` seconds.

Runs as ``alur worker`` on its own, or as a thread inside ``alur serve`` for the
embedded SQLite default.
"""

import threading

from flask import Flask

from engine.timers import fire_due_timers

from .extensions import clock, db


def fire_once(app: Flask) -> int:
    """Fire what is due now in one transaction; return how many timers fired.

    An error is logged and rolled back; the next round tries again.
    """
    with app.app_context():
        try:
            fired = fire_due_timers(db.session, clock())
            db.session.commit()
            return fired
        except Exception:
            db.session.rollback()
            app.logger.exception("firing due timers failed; retrying next round")
            return 0
        finally:
            db.session.remove()


def run(app: Flask, stop: threading.Event) -> None:
    """Fire due timers now, then every interval, until ``stop`` is set."""
    interval = app.config["ALUR_TIMER_INTERVAL"]
    while True:
        fire_once(app)
        if stop.wait(interval):
            return


def start_background(app: Flask) -> threading.Event:
    """Run ``run`` in a daemon thread; set the returned event to stop it."""
    stop = threading.Event()
    threading.Thread(target=run, args=(app, stop), name="alur-timers", daemon=True).start()
    return stop
