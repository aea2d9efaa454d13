"""A workload for worker tests and benchmarks: many instances whose step is overdue, in a
PostgreSQL schema, and ``alur worker`` processes to work it off."""

import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from engine import settings
from engine.clock import ManualClock, SystemClock
from engine.models import User, UserRole
from engine.process.deploy import deploy
from engine.process.instances import start_instance
from tests.conftest import mini_bpmn
from web import create_app
from web.extensions import db

PRAKOM_EMAILS = ("prakom.satu@pn.go.id", "prakom.dua@pn.go.id")
ROUND_THE_CLOCK = {'<spiffworkflow:property name="waktu" value="30 menit" />':
                   '<spiffworkflow:property name="waktu" value="30 menit" />'
                   '<spiffworkflow:property name="sepanjang_waktu" value="ya" />'}
ALUR = str(Path(sys.executable).with_name("alur"))


def prepare(url: str, smtp_port: int | None, count: int) -> None:
    """``count`` instances whose round-the-clock step went past its 30 minutes a day ago;
    escalation level 1 only; two Prakom, with e-mail addresses when ``smtp_port`` is
    given (then every escalation sends two e-mails)."""
    started = ManualClock(SystemClock().now() - timedelta(days=1))
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": "uji",
                      "ALUR_CLOCK": started})
    with app.app_context():
        db.create_all()
        deploy(db.session, started, mini_bpmn(ROUND_THE_CLOCK))
        settings.put(db.session, "escalation", {"multiples": [1]})
        if smtp_port is not None:
            settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"),
                                              "host": "127.0.0.1", "port": smtp_port})
        starter = None
        for number, email in enumerate(PRAKOM_EMAILS):
            starter = User(username=f"prakom{number}", full_name=f"Prakom {number}",
                           password_hash="-", email=email if smtp_port else None,
                           created_at=started.now(),
                           roles=[UserRole(role="Prakom")])
            db.session.add(starter)
        for number in range(count):
            start_instance(db.session, started, process_key="sop_uji", title=f"Tiket {number}",
                           user=starter)
        db.session.commit()
        db.session.remove()
        db.engine.dispose()


def worker(url: str, folder: Path) -> subprocess.Popen:
    """Start ``alur worker`` on ``url`` (polling every 0.2 s, 3 s leases)."""
    env = {**os.environ, "ALUR_DATABASE_URL": url, "ALUR_INSTANCE_PATH": str(folder),
           "ALUR_TIMER_INTERVAL": "0.2", "ALUR_LEASE_SECONDS": "3"}
    return subprocess.Popen([ALUR, "worker"], env=env, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)


