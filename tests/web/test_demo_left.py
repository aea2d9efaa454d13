"""A database set up in demo mode, then served as the office's own (ALUR_DEMO removed),
keeps its demo accounts with a password anyone knows (found by the operations probe):
``alur serve`` names them on stderr until they are disabled or their password changed."""

from sqlalchemy import select

from engine.models import User
from web.cli.demo_users import still_demo
from web.extensions import clock, db
from web.views.auth import hash_password


def test_demo_accounts_with_the_public_password_are_named(app):
    with app.app_context():
        for username, name, password, disabled in (
                ("admin_lain", "Demo Ketua", "alur-demo", False),
                ("demo_ganti", "Demo Prakom", "sandi-kantor-baru", False),
                ("demo_mati", "Demo Panitera", "alur-demo", True),
                ("budi", "Budi", "alur-demo", False)):
            db.session.add(User(username=username, full_name=name, created_at=clock().now(),
                                password_hash=hash_password(password), is_disabled=disabled))
        db.session.commit()
        assert "admin_lain" in still_demo()
        assert not {"demo_ganti", "demo_mati", "budi"} & set(still_demo()), (
            "a changed password, a disabled account, an account not made by demo-users")
        db.session.scalars(select(User).filter_by(username="admin_lain")).one().is_disabled = True
        db.session.commit()
        assert "admin_lain" not in still_demo()
