"""A start that fails stores nothing: on the app's own database engine, where SQLite
writers queue (``engine.sqlite_writers``) and a start takes its number inside a savepoint
opened before its first write."""

import pytest
from sqlalchemy import func, select

from engine import facts
from engine.models import ProcessInstance, User
from engine.process.instances import start_instance
from web.extensions import clock, db

SERVER_SOP = "penanganan_gangguan_server"


def _start(title: str) -> ProcessInstance:
    prakom = db.session.scalar(select(User).where(User.username == "prakom"))
    return start_instance(db.session, clock(), process_key=SERVER_SOP, title=title,
                          user=prakom)


def test_a_start_failing_after_its_number_was_taken_leaves_no_instance(app, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("gagal sesudah nomor diambil")

    with app.app_context():
        monkeypatch.setattr(facts, "record_start", fail)
        with pytest.raises(RuntimeError):
            _start("Server mati (gagal)")
        db.session.rollback()
        monkeypatch.undo()
        assert db.session.scalar(select(func.count()).select_from(ProcessInstance)) == 0
        number = _start("Server mati").number
        db.session.commit()
    assert number.endswith("-0001")
