"""``alur prune``: read notifications and finished outbox messages older than the days
given are deleted, in batches; unread ones, waiting messages, the audit trail and the
processes are kept."""

from datetime import timedelta

from sqlalchemy import select

from engine import retention
from engine.models import AuditRecord, Notification, ProcessInstance, User
from engine.outbox_models import Delivery
from tests.helpers.rows import app_count
from web.extensions import clock, db


def _grown(app, now) -> None:
    """Per age (400 and 10 days): a read and an unread notice, a sent, a dropped and a
    waiting message."""
    with app.app_context():
        prakom = db.session.scalar(select(User.id).where(User.username == "prakom"))
        for age in (400, 10):
            at = now - timedelta(days=age)
            for read in (at, None):
                db.session.add(Notification(user_id=prakom, kind="penugasan", role="Prakom",
                                            message=f"{age} hari", created_at=at,
                                            read_at=read))
            # Kinerja per orang counts them: kept, read or not.
            db.session.add(Notification(user_id=prakom, kind="eskalasi", role="Prakom",
                                        message=f"eskalasi {age} hari", created_at=at,
                                        read_at=at))
            for state in ("sent", "dropped", "pending"):
                db.session.add(Delivery(channel="email", recipient="p@x.id",
                                        dedupe_key=f"{age}-{state}", subject="s", body="b",
                                        state=state, next_attempt_at=at, created_at=at))
        db.session.commit()


def test_prune_lets_go_of_what_is_old_and_done_and_keeps_the_rest(app, monkeypatch):
    with app.app_context():
        now = clock().now()
    _grown(app, now)
    monkeypatch.setattr(retention, "BATCH", 1)  # every batch a transaction of its own
    audited = app_count(app, AuditRecord)
    result = app.test_cli_runner().invoke(args=["prune"])
    assert result.exit_code == 0, result.output
    assert result.output == (
        "lebih tua dari 365 hari: 1 notifikasi yang sudah dibaca dan 2 pesan keluar yang sudah "
        "terkirim atau dibuang dihapus; eskalasi, jejak audit dan proses tidak pernah dihapus\n")
    with app.app_context():
        kept = db.session.execute(select(Notification.message, Notification.read_at.is_(None))
                                  .order_by(Notification.id)).all()
        assert [tuple(row) for row in kept] == [
            ("400 hari", True), ("eskalasi 400 hari", False), ("10 hari", False),
            ("10 hari", True), ("eskalasi 10 hari", False)]
        assert sorted(db.session.scalars(select(Delivery.dedupe_key))) == [
            "10-dropped", "10-pending", "10-sent", "400-pending"]
        [record] = db.session.scalars(select(AuditRecord).where(
            AuditRecord.action == "maintenance.pruned")).all()
        assert {key: record.detail[key] for key in ("days", "notifikasi", "pesan_keluar")} == {
            "days": 365, "notifikasi": 1, "pesan_keluar": 2}
    assert app_count(app, AuditRecord) == audited + 1
    assert app_count(app, ProcessInstance) == 0
    again = app.test_cli_runner().invoke(args=["prune", "--hari", "30"])
    assert again.exit_code == 0 and "0 notifikasi yang sudah dibaca dan 0 pesan" in again.output
    refused = app.test_cli_runner().invoke(args=["prune", "--hari", "7"])
    assert refused.exit_code == 2 and "--hari" in refused.output
