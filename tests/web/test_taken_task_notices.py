"""A "tugas baru" notice is read once its step is taken or assigned to someone: nothing is
left for its readers to do, and the badge of twenty Prakom does not count a step one of
them holds (found by the larger-office probe)."""

from sqlalchemy import select, text, update

from engine.models import Notification, User, UserRole
from engine.people.accounts import refresh_notice_roles
from tests.helpers.database import on_postgres
from tests.web.conftest import PASSWORD, api_token, login
from tests.web.test_notification_centre import _start
from web.extensions import clock, db
from web.views.auth import hash_password


def _unread(app) -> dict[str, int]:
    with app.app_context():
        rows = db.session.execute(select(User.username, Notification.id).join(
            Notification, Notification.user_id == User.id).where(
            Notification.kind == "tugas_baru", Notification.read_at.is_(None))).all()
    counted: dict[str, int] = {}
    for username, _ in rows:
        counted[username] = counted.get(username, 0) + 1
    return counted


def test_a_step_taken_leaves_no_unread_new_task_notice(app, client):
    with app.app_context():
        db.session.add(User(username="gita", full_name="Gita Prakom", created_at=clock().now(),
                            roles=[UserRole(role="Prakom")], notify_new_tasks=True,
                            password_hash=hash_password(PASSWORD)))
        db.session.execute(update(User).where(User.username == "prakom")
                           .values(notify_new_tasks=True))
        refresh_notice_roles(db.session, clock().now())
        db.session.commit()
    login(client, "kasubbag")
    first, second = _start(client, "Server A"), _start(client, "Server B")
    assert _unread(app) == {"prakom": 2, "gita": 2}
    tasks = {task["instance_id"]: task["id"] for task in client.get(
        "/api/v1/tasks?view=bawahan", headers=api_token(client, "kasubbag")).json}
    gita = api_token(client, "gita")
    assert client.post(f"/api/v1/tasks/{tasks[first]}/claim", headers=gita).status_code == 200
    assert _unread(app) == {"prakom": 1, "gita": 1}
    assigned = client.post(f"/api/v1/tasks/{tasks[second]}/assign", json={"assignee": "prakom"},
                           headers=api_token(client, "kasubbag"))
    assert assigned.status_code == 200, assigned.json
    assert _unread(app) == {}
    login(client, "prakom")
    assert client.get("/notifikasi/jumlah").json["unread"] == 1  # the assignment itself


def test_a_steps_notices_are_found_from_an_index(app):
    """Taking a step reads its notices by step: one index, not the whole table (every
    claim and assignment does it)."""
    with app.app_context():
        if on_postgres():
            return  # a tiny table: PostgreSQL's planner rightly reads it whole
        plan = " ".join(str(row[-1]) for row in db.session.execute(text(
            "EXPLAIN QUERY PLAN UPDATE notifications SET read_at = '2026-12-01' WHERE "
            "human_task_id = 1 AND kind = 'tugas_baru' AND read_at IS NULL")))
    assert "USING INDEX ix_notifications_task" in plan, plan


def test_a_step_completed_or_cancelled_leaves_no_unread_new_task_notice(app, client):
    """Completed by a Prakom who never took it, or cancelled with its process: nothing is
    left to do about either step, so neither counts in the badge."""
    with app.app_context():
        db.session.execute(update(User).where(User.username == "prakom")
                           .values(notify_new_tasks=True))
        refresh_notice_roles(db.session, clock().now())
        db.session.commit()
    login(client, "kasubbag")
    first, second, third = (_start(client, title) for title in ("A", "B", "C"))
    assert _unread(app) == {"prakom": 3}
    prakom = api_token(client, "prakom")
    tasks = {task["instance_id"]: task["id"]
             for task in client.get("/api/v1/tasks", headers=prakom).json}
    done = client.post(f"/api/v1/tasks/{tasks[first]}/complete", headers=prakom,
                       json={"data": {"catatan": "langsung"}})
    assert done.status_code == 200, done.json
    cancelled = client.post(f"/api/v1/instances/{second}/cancel", json={"reason": "ganda"},
                            headers=api_token(client, "admin"))
    assert cancelled.status_code == 200, cancelled.json
    with app.app_context():
        unread = set(db.session.scalars(select(Notification.human_task_id).where(
            Notification.kind == "tugas_baru", Notification.read_at.is_(None))))
    assert tasks[third] in unread
    assert not unread & {tasks[first], tasks[second]}
