"""Moving a process on the served database the way its officials would, for browser tests
that need a case further along: each open step completed by its role's demo user."""

from datetime import timedelta
from typing import Any

from sqlalchemy import select, update

from engine.clock import SystemClock
from engine.models import HumanTask, User
from engine.process.tasks import complete_task
from tests.browser.test_admin_reports_documents import _app
from web.extensions import db


def complete_steps(database: str, url: str, steps: int = 1, data: dict[str, Any] | None = None,
                   late: bool = False) -> str | None:
    """Complete the open step of the process at ``url`` (``…/proses/<id>``) ``steps`` times,
    each with ``data`` (a triage, "Menentukan …", gets ``prioritas`` minor); ``late``: each
    one past a deadline an hour ago. The BPMN id of the step open afterwards, or None."""
    instance_id = int(url.rsplit("/", 1)[1])
    clock = SystemClock()
    app = _app(database)
    with app.app_context():
        users = {u.username: u for u in db.session.scalars(select(User))}
        for _ in range(steps):
            [step] = db.session.scalars(select(HumanTask).where(
                HumanTask.instance_id == instance_id, HumanTask.state == "open"))
            if late:
                db.session.execute(update(HumanTask).where(HumanTask.id == step.id).values(
                    due_at=clock.now() - timedelta(hours=1)))
            given = {"prioritas": "minor"} if step.name.startswith("Menentukan") else data
            complete_task(db.session, clock, step.id,
                          users[step.role.lower().replace(" ", "_")], given or {})
            db.session.commit()
        current = db.session.scalar(select(HumanTask.bpmn_id).where(
            HumanTask.instance_id == instance_id, HumanTask.state == "open"))
        db.session.remove()
        db.engine.dispose()
    return current
