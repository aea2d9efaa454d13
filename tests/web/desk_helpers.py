"""Helpers of the service desk tests: an employee with no IT role, a ticket walked to its
triage."""

from engine.models import User
from engine.roles import username_for
from tests.web.conftest import PASSWORD, api_token
from web.extensions import clock, db
from web.views.auth import hash_password


def add_employee(app, username: str = "pegawai", email: str | None = None) -> None:
    """An active account holding no role (a plain employee: only Pemohon)."""
    with app.app_context():
        user = User(username=username, full_name="Pegawai Biasa", email=email,
                    created_at=clock().now(), roles=[])
        user.password_hash = hash_password(PASSWORD)
        db.session.add(user)
        db.session.commit()


def triage(client, instance_id: int, priority: str) -> None:
    """Complete the ticket's steps up to and including its triage ("Menentukan …"), which
    sets ``priority``; each step by its role's demo user (at most 8 steps), each
    completion answered 200."""
    admin = api_token(client, "admin")
    for _ in range(8):
        [task] = client.get(f"/api/v1/instances/{instance_id}", headers=admin).json["open_tasks"]
        triaged = task["name"].startswith("Menentukan")
        completed = client.post(f"/api/v1/tasks/{task['id']}/complete",
                                headers=api_token(client, username_for(task["role"])),
                                json={"data": {"prioritas": priority} if triaged else {}})
        assert completed.status_code == 200, (task["name"], completed.status_code)
        if triaged:
            return
    raise AssertionError(f"no triage step within 8 steps of instance {instance_id}")
