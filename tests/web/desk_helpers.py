"""Helpers of the service desk tests: an employee with no IT role."""

from engine.models import User
from tests.web.conftest import PASSWORD
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
