"""``alur user``: administrators create accounts and set their roles from the command line."""

import re

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine import audit
from engine.models import User, UserRole
from engine.roles import KNOWN_ROLES
from web.extensions import clock, db
from web.views.auth import set_password

USERNAME = re.compile(r"^[a-z][a-z0-9_.]{1,63}$")
ROLE = click.Choice(KNOWN_ROLES)


@click.group("user")
def user_group() -> None:
    """Akun pengguna dan perannya."""


@user_group.command("add")
@click.argument("username")
@click.option("--name", "full_name", required=True, help="Nama lengkap (dengan gelar).")
@click.option("--role", "roles", multiple=True, type=ROLE, help="Peran; boleh berulang.")
@click.option("--email", default=None, help="Alamat surel untuk pengingat.")
@click.option("--admin", is_flag=True, help="Jadikan administrator.")
@click.password_option("--password", prompt="Kata sandi (paling sedikit 10 karakter)",
                       confirmation_prompt="Ulangi kata sandi")
@with_appcontext
def add_user_command(username: str, full_name: str, roles: tuple[str, ...], email: str | None,
                     admin: bool, password: str) -> None:
    """Buat akun USERNAME dengan peran dan kata sandinya."""
    if not USERNAME.match(username):
        raise click.BadParameter("huruf kecil, angka, _ atau . (diawali huruf)",
                                 param_hint="USERNAME")
    if len(password) < 10:
        raise click.BadParameter("paling sedikit 10 karakter", param_hint="--password")
    if db.session.scalar(select(User).where(User.username == username)) is not None:
        raise click.ClickException(f"pengguna {username} sudah ada")
    user = User(username=username, full_name=full_name.strip(), email=email, is_admin=admin,
                created_at=clock().now(), roles=[UserRole(role=r) for r in dict.fromkeys(roles)])
    set_password(user, password)
    db.session.add(user)
    db.session.flush()
    audit.record(db.session, clock(), "user.created", username=username, roles=sorted(roles),
                 admin=admin)
    db.session.commit()
    click.echo(f"pengguna {username} dibuat ({', '.join(roles) or 'tanpa peran'})")


@user_group.command("roles")
@click.argument("username")
@click.argument("roles", nargs=-1, type=ROLE)
@with_appcontext
def set_roles_command(username: str, roles: tuple[str, ...]) -> None:
    """Ganti peran USERNAME dengan ROLES (kosong: tanpa peran)."""
    user = db.session.scalar(select(User).where(User.username == username))
    if user is None:
        raise click.ClickException(f"pengguna {username} tidak ada")
    wanted = set(roles)
    user.roles = [r for r in user.roles if r.role in wanted] + [
        UserRole(role=role) for role in dict.fromkeys(roles) if role not in user.role_names]
    audit.record(db.session, clock(), "user.roles_changed", actor=None, username=username,
                 roles=sorted(set(roles)))
    db.session.commit()
    click.echo(f"peran {username}: {', '.join(roles) or 'tanpa peran'}")
