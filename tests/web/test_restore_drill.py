"""``alur restore --latihan``: a restore drill's copy sends nothing — no e-mail to real
people, no post to the office's gateway — while a plain restore says that it will (the
operations probe: a drill's copy escalated to the real webhook)."""

from sqlalchemy import select

from engine import settings
from engine.escalation.drill import DROPPED
from engine.models import AuditRecord, Delivery
from tests.web.test_backup_refused import make_app, source
from web.extensions import db
from web.views.settings_history import change_lines

SMTP = {"host": "mail.pn.go.id", "port": 587, "sender": "alur@pn.go.id"}
HOOK = "https://chat.pn.go.id/hooks/alur"


def test_a_drill_s_copy_sends_nothing_and_a_plain_restore_says_it_will(tmp_path, clock,
                                                                      monkeypatch):
    app = source(tmp_path, clock, monkeypatch, {})
    with app.app_context():
        settings.put(db.session, "smtp", {**settings.get(db.session, "smtp"), **SMTP})
        settings.put(db.session, "webhook", {**settings.get(db.session, "webhook"),
                                             "url": HOOK})
        db.session.add(Delivery(channel="webhook", recipient=HOOK, dedupe_key="k", subject="s",
                                body="b", payload={}, state="pending", attempts=0,
                                next_attempt_at=clock.now(), created_at=clock.now()))
        db.session.commit()
    made = app.test_cli_runner().invoke(args=["backup", str(tmp_path / "cadangan")])
    assert made.exit_code == 0, made.output
    [backup] = (tmp_path / "cadangan").iterdir()

    plain = _restore(tmp_path / "biasa", monkeypatch, str(backup))
    assert ("salinan ini mengirim surel dan webhook dengan pengaturan kantor, juga pesan yang "
            "menunggu di kotak keluarnya; untuk latihan pemulihan, pulihkan dengan --latihan "
            "agar tidak ada pesan keluar") in plain

    drill = _restore(tmp_path / "latihan", monkeypatch, str(backup), "--latihan")
    assert ("latihan: server SMTP dan alamat webhook dikosongkan di Pengaturan; 1 pesan yang "
            "menunggu dibuang, tidak dikirim") in drill
    copy = make_app(tmp_path / "latihan")
    with copy.app_context():
        assert settings.get(db.session, "smtp")["host"] == ""
        assert settings.get(db.session, "smtp")["sender"] == "alur@pn.go.id", "the rest kept"
        assert settings.get(db.session, "webhook")["url"] == ""
        assert not settings.mails(db.session)
        assert db.session.execute(select(Delivery.state, Delivery.last_error)).all() == [
            ("dropped", DROPPED)]
        record = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "settings.changed")).one()
        assert (record.actor_id, record.detail["keys"]) == (None, ["smtp", "webhook"])
        # Said as the drill's, by who ran it (the regression probe: it read as "sistem").
        assert record.detail["reason"] == "latihan_pemulihan" and "@" in record.detail["via"]
        with copy.test_request_context():
            assert change_lines(record.detail)[0] == (
                "Latihan pemulihan (alur restore --latihan): salinan ini tidak mengirim surel "
                "atau webhook")
        db.session.remove()
        db.engine.dispose()
    with app.app_context():  # the source is as it was
        assert settings.get(db.session, "webhook")["url"] == HOOK
        assert db.session.scalar(select(Delivery.state)) == "pending"


def _restore(target, monkeypatch, *args: str) -> str:
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(target))
    app = make_app(target)
    result = app.test_cli_runner().invoke(args=["restore", *args])
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    assert result.exit_code == 0, result.output
    return result.output
