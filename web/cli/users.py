"""``alur user``: administrators manage accounts from the command line, with the same use
cases as the page "Pengguna dan Peran" (``engine.people.accounts``), audited."""

import click
from flask.cli import with_appcontext

from engine.errors import AlurError, InvalidTaskData
from engine.people import accounts
from engine.roles import KNOWN_ROLES
from web.extensions import clock, db
from web.views.auth import hash_password

ROLE = click.Choice(KNOWN_ROLES)


def _fail(error: AlurError) -> click.ClickException:
    db.session.rollback()
    if isinstance(error, InvalidTaskData):
        return click.ClickException("; ".join(f"{field}: {problem}"
                                              for field, problem in error.fields.items()))
    return click.ClickException(error.message)


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
    """Buat akun USERNAME (disimpan dalam huruf kecil) dengan peran dan kata sandinya."""
    try:
        user, _ = accounts.create(db.session, clock(), hash_password, actor=None,
                                  username=username, full_name=full_name, email=email,
                                  roles=roles, is_admin=admin, password=password)
    except AlurError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"pengguna {user.username} dibuat ({', '.join(roles) or 'tanpa peran'})")


@user_group.command("roles")
@click.argument("username")
@click.argument("roles", nargs=-1, type=ROLE)
@with_appcontext
def set_roles_command(username: str, roles: tuple[str, ...]) -> None:
    """Ganti peran USERNAME dengan ROLES (kosong: tanpa peran); sesinya diakhiri."""
    try:
        user = accounts.by_username(db.session, username)
        accounts.update_details(db.session, clock(), actor=None, user=user,
                                full_name=user.full_name, email=user.email, roles=roles,
                                is_admin=user.is_admin)
    except AlurError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"peran {username}: {', '.join(roles) or 'tanpa peran'}")


@user_group.command("disable")
@click.argument("username")
@click.option("--enable", is_flag=True, help="Aktifkan kembali.")
@with_appcontext
def disable_command(username: str, enable: bool) -> None:
    """Nonaktifkan USERNAME (sesi dan token API diakhiri), atau aktifkan dengan --enable."""
    try:
        accounts.set_disabled(db.session, clock(), actor=None,
                              user=accounts.by_username(db.session, username), disabled=not enable)
    except AlurError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"{username} {'aktif' if enable else 'dinonaktifkan'}")


@user_group.command("reset-password")
@click.argument("username")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Beri USERNAME kata sandi sementara (dicetak sekali; wajib diganti saat masuk)."""
    try:
        password = accounts.reset_password(db.session, clock(), hash_password, actor=None,
                                           user=accounts.by_username(db.session, username))
    except AlurError as error:
        raise _fail(error) from None
    db.session.commit()
    click.echo(f"kata sandi sementara {username} (dicetak sekali ini): {password}")
