"""``alur demo-users``: one demo account per role and an administrator, all with one shared
password, for trying Alur out (``make run``, ``alur setup --demo``); never for real data."""

import os

import click
from flask.cli import with_appcontext
from sqlalchemy import select
from werkzeug.security import check_password_hash

from engine import audit
from engine.models import User, UserRole
from engine.people import accounts
from engine.process.deploy import active_definitions
from engine.roles import SUPERVISION_CHAIN, username_for
from web.cli.origin import mark_command_origin
from web.extensions import clock, db
from web.views.auth import hash_password

DEMO_BANNER = "\n".join((
    "=" * 72,
    "  MODE DEMO: pengguna demo dengan satu kata sandi bersama. Jangan dipakai",
    "  untuk data sungguhan; pasang tanpa ALUR_DEMO (lihat README, Akun).",
    "=" * 72))


@click.command("demo-users", help=(
    "Buat pengguna demo: satu per peran, dan admin. Yang sudah ada dilewati; kata sandinya "
    "ALUR_DEMO_PASSWORD, atau dibuat sekarang dan dicetak sekali."))
@with_appcontext
def demo_users_command() -> None:
    """Create the demo users (one per role, and admin) if they do not exist yet.

    Their password is ``ALUR_DEMO_PASSWORD``, or one generated now and printed once.
    """
    mark_command_origin()
    password = os.environ.get("ALUR_DEMO_PASSWORD") or accounts.generate_password()
    click.echo(DEMO_BANNER)
    roles = list(SUPERVISION_CHAIN)
    for definition in active_definitions(db.session):
        roles += [lane for lane in definition.catalog["lanes"] if lane not in roles]
    demo = [(username_for(role), f"Demo {role}", [role], False) for role in roles]
    demo.append(("admin", "Administrator", [], True))
    created = 0
    for username, full_name, user_roles, is_admin in demo:
        if db.session.scalar(select(User).where(User.username == username)) is not None:
            continue
        created += 1
        user = User(username=username, full_name=full_name, is_admin=is_admin,
                    created_at=clock().now(), roles=[UserRole(role=r) for r in user_roles])
        user.password_hash = hash_password(password)
        db.session.add(user)
        audit.record(db.session, clock(), "user.created", username=username,
                     roles=sorted(user_roles), admin=is_admin, auditor=False,
                     generated_password=not os.environ.get("ALUR_DEMO_PASSWORD"))
        click.echo(f"pengguna demo: {username} ({', '.join(user_roles) or 'administrator'})")
    db.session.commit()
    if created and not os.environ.get("ALUR_DEMO_PASSWORD"):
        click.echo(f"kata sandi demo (dicetak sekali ini): {password}")


# The demo password ``make run`` gives every demo account (README): known to anyone.
PUBLIC_DEMO_PASSWORD = "alur-demo"


def still_demo() -> list[str]:
    """The active demo accounts (``Demo <role>``, and ``admin``) whose password is still
    ``ALUR_DEMO_PASSWORD`` or the public demo password: a database set up in demo mode and
    then served as the office's own keeps them, and anyone may log in with them."""
    known = {PUBLIC_DEMO_PASSWORD, os.environ.get("ALUR_DEMO_PASSWORD") or PUBLIC_DEMO_PASSWORD}
    candidates = db.session.scalars(select(User).where(
        User.is_disabled.is_(False),
        User.full_name.startswith("Demo ") | (User.username == "admin")
    ).order_by(User.username).limit(20))  # the demo accounts are nine: each check costs a hash
    return [user.username for user in candidates
            if any(check_password_hash(user.password_hash, password) for password in known)]
