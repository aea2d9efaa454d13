"""``alur rebuild-facts`` and ``alur setup`` fill the report facts from the records."""

from datetime import timedelta

from sqlalchemy import delete, select

from engine.clock import ManualClock
from engine.models import EscalationFact, HumanTask, InstanceFact, StepFact, User
from engine.process.instances import start_instance
from engine.process.tasks import complete_task
from tests.conftest import MONDAY_0800
from tests.helpers.report_history import onward
from tests.web.conftest import unmigrated_app
from web.cli.demo_history import catch_up
from web.extensions import db

FACTS = (StepFact, InstanceFact, EscalationFact)
SERVER = "penanganan_gangguan_server"


def _rows() -> list[list[tuple]]:
    return [[tuple(getattr(row, c.key) for c in model.__table__.columns)
             for row in db.session.scalars(select(model).order_by(*model.__table__.primary_key))]
            for model in FACTS]


def test_rebuild_facts_writes_the_same_facts_again(app, clock):
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        for number in range(3):
            instance = start_instance(db.session, clock, process_key=SERVER, user=prakom,
                                      title=f"Server mati {number}")
            db.session.commit()
            clock.advance(timedelta(minutes=30 + 90 * number))  # the second and third are late
            catch_up(db.session, clock, instance.id, clock.now())
            task = db.session.scalar(select(HumanTask).where(
                HumanTask.instance_id == instance.id, HumanTask.state == "open"))
            complete_task(db.session, clock, task.id, prakom, onward(task, clock.now()))
            db.session.commit()
        kept = _rows()
        assert [len(rows) for rows in kept[:2]] == [3, 3]  # steps, instances
        # The late steps' escalations name who completed the step.
        assert kept[2] and {row[-1] for row in kept[2]} == {prakom.id}
        for model in FACTS:
            db.session.execute(delete(model))
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["rebuild-facts", "--batch", "100"])
    assert result.exit_code == 0, result.output
    assert f"Fakta laporan dibangun ulang: {sum(map(len, kept))} baris." in result.output
    with app.app_context():
        assert _rows() == kept
    again = app.test_cli_runner().invoke(args=["rebuild-facts"])
    assert again.exit_code == 0, again.output
    with app.app_context():
        assert _rows() == kept


def test_rebuild_facts_refuses_a_batch_out_of_bounds(app):
    result = app.test_cli_runner().invoke(args=["rebuild-facts", "--batch", "10"])
    assert result.exit_code == 2
    assert "--batch" in result.output


def test_setup_fills_the_facts_of_a_history_made_before_them(database, tmp_path):
    app = unmigrated_app(database, tmp_path)
    runner = app.test_cli_runner()
    first = runner.invoke(args=["setup", "--demo"], env={"ALUR_DEMO_PASSWORD": "uji-sandi"})
    assert first.exit_code == 0, first.output
    assert "fakta laporan" not in first.output  # nothing to fill on an empty database
    with app.app_context():
        prakom = db.session.scalar(select(User).where(User.username == "prakom"))
        start_instance(db.session, ManualClock(MONDAY_0800), process_key=SERVER,
                       title="Server mati", user=prakom)
        db.session.commit()
        kept = _rows()
        assert len(kept[1]) == 1
        for model in FACTS:  # as a database migrated from before the facts has them
            db.session.execute(delete(model))
        db.session.commit()
    again = runner.invoke(args=["setup", "--demo"], env={"ALUR_DEMO_PASSWORD": "uji-sandi"})
    assert again.exit_code == 0, again.output
    assert "fakta laporan dibangun dari riwayat: 1 baris" in again.output
    with app.app_context():
        assert _rows() == kept
        db.session.remove()
        db.engine.dispose()
