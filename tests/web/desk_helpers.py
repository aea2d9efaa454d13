"""Helpers of the service desk tests: an employee with no IT role, a ticket walked to its
triage."""

from sqlalchemy import func, select

from engine.models import ProcessInstance, User
from engine.roles import username_for
from tests.conftest import START_DATA, csrf_token
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


def file_ticket(app, client, title: str, **more: str) -> int:
    """File a Layanan TI ticket through Ajukan tiket as the logged-in user, with the demo
    start data and ``more`` fields; the ticket's id (the form answered 302)."""
    key = "penanganan_permintaan_layanan_ti"
    page = client.get(f"/tiket/ajukan?process_key={key}").get_data(True)
    assert client.post("/tiket/ajukan", data={
        "csrf_token": csrf_token(page), "process_key": key, "title": title,
        **START_DATA[key], **more}).status_code == 302
    with app.app_context():
        return db.session.scalar(select(func.max(ProcessInstance.id)))


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
