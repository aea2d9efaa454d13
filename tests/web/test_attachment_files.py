"""Attachment bytes take their name only after the transaction commits; what a killed
upload leaves is settled by the next worker round (engine.process.files)."""

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import func, select

from engine.models import Attachment, HumanTask, User
from engine.process import files
from engine.process.attachments import attach
from tests.web.test_attachments import PDF, _task
from web.cli.worker import sweep_once
from web.extensions import clock, db

# An upload in another process, stopped before its commit, or after its commit but before
# the file is moved into place (a listener ahead of Alur's hangs there).
UPLOADER = """
import sys, time
from pathlib import Path
from sqlalchemy import create_engine, event, select
from sqlalchemy.orm import Session
from engine.clock import SystemClock
from engine.models import HumanTask, User
from engine.process.attachments import attach

url, folder, moment = sys.argv[1:]
with Session(create_engine(url)) as session:
    task = session.scalars(select(HumanTask)).first()
    user = session.scalars(select(User).where(User.username == "prakom")).one()
    attach(session, SystemClock(), Path(folder), task, user, "laporan.pdf", b"%PDF-1.4 x")
    if moment == "before-commit":
        print("siap", flush=True)
        time.sleep(600)

    @event.listens_for(Session, "after_commit", insert=True)
    def hang(session):
        print("siap", flush=True)
        time.sleep(600)

    session.commit()
"""


def _folder(app) -> Path:
    return Path(app.config["ALUR_ATTACHMENTS_PATH"])


def _names(app) -> list[str]:
    return sorted(path.name for path in _folder(app).glob("*"))


def _rows(app) -> list[str]:
    with app.app_context():
        return list(db.session.scalars(select(Attachment.stored_name)))


def _attach(app, task_id: int) -> str:
    """Attach a PDF to the task in the current app context, not committed."""
    user = db.session.scalars(select(User).where(User.username == "prakom")).one()
    attachment = attach(db.session, clock(), _folder(app), db.session.get(HumanTask, task_id),
                        user, "laporan.pdf", PDF)
    assert _names(app) == [f"{attachment.stored_name}.baru"]  # not yet under its name
    return attachment.stored_name


def test_the_file_takes_its_name_at_commit(app, client):
    task_id = _task(client)
    with app.app_context():
        name = _attach(app, task_id)
        db.session.commit()
    assert _names(app) == [name] and _rows(app) == [name]
    assert (_folder(app) / name).read_bytes() == PDF


def test_a_rolled_back_upload_leaves_no_file(app, client):
    task_id = _task(client)
    with app.app_context():
        _attach(app, task_id)
        db.session.rollback()
    assert _names(app) == [] and _rows(app) == []


@pytest.mark.parametrize("moment, kept", [("before-commit", 0), ("after-commit", 1)])
def test_a_killed_upload_leaves_no_orphan_after_the_next_worker_round(app, client, moment,
                                                                      kept):
    _task(client)
    uploader = subprocess.Popen(
        [sys.executable, "-c", UPLOADER, app.config["SQLALCHEMY_DATABASE_URI"],
         str(_folder(app)), moment], stdout=subprocess.PIPE, text=True)
    try:
        assert uploader.stdout.readline().strip() == "siap"
        pending = _names(app)
        assert len(pending) == 1 and pending[0].endswith(".baru")
        # While the uploader lives its file is locked: a worker round leaves it alone.
        assert sweep_once(app) == 0 and _names(app) == pending
    finally:
        os.kill(uploader.pid, signal.SIGKILL)
        uploader.wait(timeout=30)
        uploader.stdout.close()
    assert sweep_once(app) == 1
    rows = _rows(app)
    assert len(rows) == kept
    assert _names(app) == rows  # moved into place with its row, or gone without one
    assert sweep_once(app) == 0


def test_the_first_round_of_a_worker_removes_files_without_a_row(app, client):
    task_id = _task(client)
    with app.app_context():
        name = _attach(app, task_id)
        db.session.commit()
    orphan = _folder(app) / ("0" * 32)
    orphan.write_bytes(PDF)  # as versions that wrote before committing could leave
    stale = _folder(app) / ("1" * 32 + files.PARTIAL)
    stale.write_bytes(PDF)
    os.utime(stale, (0, 0))  # a crash between creating and locking, long ago
    assert sweep_once(app) == 1 and orphan.exists()  # later rounds look at pending files
    assert sweep_once(app, every_file=True) == 1
    assert _names(app) == [name]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Attachment)) == 1
