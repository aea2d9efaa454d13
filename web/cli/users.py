"""``alur user``: administrators manage accounts from the command line, with the same use
cases as the page "Pengguna dan Peran" (``engine.people.accounts``), audited."""

import os
import sys
from typing import Any

import click
from flask.cli import with_appcontext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from engine.errors import AlurError, InvalidTaskData, NotFound
from engine.models import User, UserRole
from engine.numbers import file_too_large
from engine.people import account_import, accounts
from engine.roles import KNOWN_ROLES, meant_role, role_named
from web.cli.language import NamedArgument
from web.cli.origin import mark_command_origin
from web.cli.refusals import refuse_unkept, refused
from web.extensions import clock, db
from web.views.auth import hash_password


class _Role(click.Choice):
    """A known role in any case ("kasubbag", "bidang_terkait"), as Impor akun and the pages
    take it (``engine.roles.role_named``); the value is its own spelling ("Kasubbag"). Any
    other is refused as click's choice is, listing the roles as Alur writes them, with the
    role it likely means first ("Sekertaris": Sekretaris), as Impor akun says it."""

    def convert(self, value: object, param: click.Parameter | None,
                ctx: click.Context | None) -> object:
        named = role_named(value) if isinstance(value, str) else None
        if named is not None:
            return named
        meant = meant_role(value) if isinstance(value, str) else None
        if meant is not None:
            self.fail(f"'{value}' bukan peran yang dikenal; maksud Anda {meant}? (dikenal: "
                      f"{', '.join(KNOWN_ROLES)})", param, ctx)
        return super().convert(value, param, ctx)


ROLE = _Role(KNOWN_ROLES)
MAX_LISTED = 1000  # accounts ``alur user list`` prints; an office has a few hundred
NO_PASSWORD = ("kata sandi tidak diberikan: tanpa terminal, tulis kata sandi pada baris "
               "pertama masukan (stdin), atau berikan dengan --password KATA_SANDI.")


class _PasswordAsked(click.Option):
    """A password option asked for on a terminal (hidden, twice). Without one, Python's
    getpass would read stdin after an English warning; instead the password is the first
    line of stdin (a second line, if given, must repeat it), read without a word. No line
    is refused as a usage error (exit code 2) before the command runs: nothing is stored."""

    def prompt_for_value(self, ctx: click.Context) -> object:
        if sys.stdin.isatty():
            return super().prompt_for_value(ctx)
        password, again = (sys.stdin.readline().rstrip("\r\n") for _ in range(2))
        if not password:
            raise click.UsageError(NO_PASSWORD, ctx)
        if again and again != password:
            raise click.UsageError("kata sandi pada baris kedua masukan tidak sama dengan "
                                   "baris pertama.", ctx)
        return password


@click.group("user", help="Akun pengguna dan perannya.")
def user_group() -> None:
    """User accounts and their roles."""
    mark_command_origin()


@user_group.command("add", help="Buat akun NAMA (disimpan dalam huruf kecil) dengan peran dan kata sandinya.")
@click.argument("username", metavar="NAMA")
@click.option("--name", "full_name", metavar="NAMA_LENGKAP", required=True,
              help="Nama lengkap (dengan gelar).")
@click.option("--role", "roles", multiple=True, type=ROLE, help="Peran; boleh berulang.")
@click.option("--email", metavar="SUREL", default=None, help="Alamat surel untuk pengingat.")
@click.option("--admin", is_flag=True, help="Jadikan administrator.")
@click.option("--auditor", "is_auditor", is_flag=True,
              help="Akun auditor (hanya membaca semua proses, laporan dan jejak audit; tanpa "
                   "peran).")
@click.password_option("--password", metavar="KATA_SANDI",
                       prompt="Kata sandi (paling sedikit 10 karakter)",
                       confirmation_prompt="Ulangi kata sandi",
                       help="Paling sedikit 10 karakter; tanpa opsi ini ditanyakan (tanpa "
                            "terminal: baris pertama masukan).",
                       cls=_PasswordAsked)
@with_appcontext
def add_user_command(username: str, full_name: str, roles: tuple[str, ...], email: str | None,
                     admin: bool, is_auditor: bool, password: str) -> None:
    """Create account ``username`` (stored in lower case) with its roles and password."""
    refuse_unkept(username=username, full_name=full_name, email=email, password=password)
    try:
        user, _ = accounts.create(db.session, clock(), hash_password, actor=None,
                                  username=username, full_name=full_name, email=email,
                                  roles=roles, is_admin=admin, is_auditor=is_auditor,
                                  password=password)
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    administrator = "administrator, " if user.is_admin else ""
    rights = "auditor, hanya membaca" if user.is_auditor else administrator + _listed(roles)
    click.echo(f"pengguna {user.username} dibuat ({rights})")


@user_group.command("roles", help=(
    "Ganti peran NAMA dengan PERAN yang disebut sesudahnya (sesinya diakhiri); "
    "--tanpa-peran mencabut semuanya. Tanpa keduanya: perannya ditampilkan, tidak ada yang "
    "berubah."))
@click.argument("username", metavar="NAMA")
@click.argument("roles", nargs=-1, type=ROLE, cls=NamedArgument, metavar="[PERAN]...")
@click.option("--tanpa-peran", "no_role", is_flag=True, help="Cabut semua peran NAMA.")
@with_appcontext
def set_roles_command(username: str, roles: tuple[str, ...], no_role: bool) -> None:
    """Replace the roles of ``username`` with ``roles`` and end its sessions; with
    ``no_role``, take every role away; with neither, show its roles and change nothing
    (typed to see them, the command used to take them all away)."""
    if roles and no_role:
        raise click.UsageError("sebutkan PERAN atau --tanpa-peran, bukan keduanya")
    try:
        user = _named_user(username)
        if not roles and not no_role:
            click.echo(f"peran {user.username}: {_listed(tuple(sorted(user.role_names)))} (tidak "
                       f"diubah; ganti dengan: alur user roles {user.username} PERAN...)")
            return
        accounts.update_details(db.session, clock(), actor=None, user=user,
                                full_name=user.full_name, email=user.email, roles=roles,
                                is_admin=user.is_admin)
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    click.echo(f"peran {user.username}: {_listed(roles)}")


@user_group.command("disable", help=(
    "Nonaktifkan akun NAMA, atau aktifkan kembali. Menonaktifkan mengakhiri sesi dan token "
    "API-nya; --enable mengaktifkannya kembali."))
@click.argument("username", metavar="NAMA")
@click.option("--enable", is_flag=True, help="Aktifkan kembali.")
@with_appcontext
def disable_command(username: str, enable: bool) -> None:
    """Disable ``username`` (ending its sessions and API tokens), or enable it again."""
    try:
        user = _named_user(username)
        unchanged = user.is_disabled != enable
        accounts.set_disabled(db.session, clock(), actor=None, user=user, disabled=not enable)
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    if unchanged:
        click.echo(f"{user.username} sudah {'aktif' if enable else 'nonaktif'}; tidak ada "
                   "yang berubah")
    else:
        click.echo(f"{user.username} {'aktif' if enable else 'dinonaktifkan'}")


@user_group.command("admin", help=(
    "Jadikan NAMA administrator, atau cabut haknya dengan --cabut. Mengakhiri sesi dan "
    "token API-nya; administrator aktif terakhir tidak dapat dicabut."))
@click.argument("username", metavar="NAMA")
@click.option("--cabut", "revoke", is_flag=True, help="Cabut hak administrator.")
@with_appcontext
def admin_command(username: str, revoke: bool) -> None:
    """Grant ``username`` administrator rights, or take them away (``revoke``), as the
    account page does (``accounts.update_details``: audited, sessions ended); the last
    active administrator keeps them."""
    _set_right(username, "administrator", revoke)


@user_group.command("auditor", help=(
    "Jadikan NAMA auditor (hanya membaca), atau cabut haknya dengan --cabut. Auditor tidak "
    "memegang peran dan bukan administrator. Mengakhiri sesi dan token API-nya."))
@click.argument("username", metavar="NAMA")
@click.option("--cabut", "revoke", is_flag=True, help="Cabut hak auditor.")
@with_appcontext
def auditor_command(username: str, revoke: bool) -> None:
    """Grant ``username`` auditor rights, or take them away (``revoke``), as the account
    page does (``accounts.update_details``: audited, sessions ended)."""
    _set_right(username, "auditor", revoke)


def _set_right(username: str, right: str, revoke: bool) -> None:
    """Grant ``right`` (``"administrator"`` or ``"auditor"``) to ``username``, or take it
    away (``revoke``), keeping the account's other rights and roles; one that already is
    (or is not) so is told, and nothing changes."""
    attribute = {"administrator": "is_admin", "auditor": "is_auditor"}[right]
    try:
        user = _named_user(username)
        if getattr(user, attribute) != revoke:
            click.echo(f"{user.username} {'bukan' if revoke else 'sudah'} {right}; tidak ada "
                       "yang berubah")
            return
        rights = {"is_admin": user.is_admin, "is_auditor": user.is_auditor,
                  attribute: not revoke}
        accounts.update_details(db.session, clock(), actor=None, user=user,
                                full_name=user.full_name, email=user.email,
                                roles=tuple(user.role_names), **rights)
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    click.echo(f"{user.username} {'bukan lagi' if revoke else 'kini'} {right}")


@user_group.command("reset-password", help=(
    "Beri NAMA kata sandi sementara. Dicetak sekali; wajib diganti saat masuk."))
@click.argument("username", metavar="NAMA")
@with_appcontext
def reset_password_command(username: str) -> None:
    """Give ``username`` a temporary password, printed once, to change at its next
    login."""
    try:
        user = _named_user(username)
        password = accounts.reset_password(db.session, clock(), hash_password, actor=None,
                                           user=user)
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    click.echo(f"kata sandi sementara {user.username} (dicetak sekali ini): {password}")


@user_group.command("list", help=(
    "Daftar akun menurut nama pengguna: nama lengkap, peran, hak, status (paling banyak "
    "1.000; saring dengan --peran)."))
@click.option("--peran", "role", type=ROLE, metavar="PERAN", help="Hanya pemegang peran ini.")
@with_appcontext
def list_command(role: str | None) -> None:
    """One tab-separated line per account, under a header: username, full name, roles,
    rights (administrator, auditor), status; at most ``MAX_LISTED``, then a line saying how
    many more there are."""
    query = select(User).options(selectinload(User.roles)).order_by(User.username)
    if role is not None:
        query = query.where(User.roles.any(UserRole.role == role))
    total = db.session.scalar(select(func.count()).select_from(query.subquery()))
    click.echo("NAMA\tNAMA LENGKAP\tPERAN\tHAK\tSTATUS")
    for user in db.session.scalars(query.limit(MAX_LISTED)):
        rights = [word for word, held in (("administrator", user.is_admin),
                                          ("auditor", user.is_auditor)) if held]
        click.echo("\t".join((user.username, user.full_name,
                              _listed(tuple(sorted(user.role_names))), ", ".join(rights) or "-",
                              "nonaktif" if user.is_disabled else "aktif")))
    if total > MAX_LISTED:
        click.echo(f"… dan {total - MAX_LISTED} akun lagi; saring dengan --peran", err=True)


@user_group.command("import", help=(
    "Buat akun dari BERKAS CSV (kolom nama_pengguna, nama_lengkap, surel, peran, bahasa), "
    "masing-masing "
    "dengan kata sandi sementara yang dicetak sekali; satu baris salah: tidak ada yang dibuat."))
@click.argument("path", metavar="BERKAS", type=click.Path(dir_okay=False))
@with_appcontext
def import_command(path: str) -> None:
    """Create the accounts that the CSV file at ``path`` lists (``engine.people.
    account_import``), all or none; print each user name with its temporary password, one
    tab-separated line each, under a header, then how many on stderr."""
    try:
        with open(path, "rb") as file:
            size = os.fstat(file.fileno()).st_size
            data = file.read(account_import.MAX_FILE_BYTES + 1)  # no more, whatever its size
    except OSError as error:
        raise click.ClickException(f"{path}: berkas tidak dapat dibaca ({error.strerror})") \
            from None
    try:
        if size > account_import.MAX_FILE_BYTES:
            raise InvalidTaskData({"berkas": file_too_large(size, account_import.MAX_FILE_BYTES)})
        rows = account_import.read_rows(data)
        made = account_import.create_all(db.session, clock(), hash_password, actor=None,
                                         rows=rows)
    except InvalidTaskData as error:
        db.session.rollback()
        listed = [f"{where}: {why}" for where, why in error.fields.items()]
        shown = account_import.MAX_LISTED_PROBLEMS
        more = [f"… dan {len(listed) - shown} masalah lagi"] if len(listed) > shown else []
        raise click.ClickException("\n".join(
            [f"{path}: tidak diimpor, tidak ada akun yang dibuat:"]
            + listed[:shown] + more)) from None
    except AlurError as error:
        raise refused(error) from None
    db.session.commit()
    click.echo("NAMA\tNAMA LENGKAP\tPERAN\tKATA SANDI SEMENTARA")
    for user, password in made:
        click.echo("\t".join((user.username, user.full_name,
                              _listed(tuple(sorted(user.role_names))), password)))
    click.echo(f"{len(made)} akun dibuat; kata sandi sementara dicetak sekali ini dan wajib "
               "diganti saat masuk pertama", err=True)


def _named_user(username: str) -> Any:
    """The account ``username`` (any case); none is refused naming the argument, as the
    other refusals are: ``GAGAL: NAMA: pengguna gita tidak ada``."""
    if not username.strip():
        raise InvalidTaskData({"username": "nama pengguna wajib diisi"})
    try:
        return accounts.by_username(db.session, username)
    except NotFound:
        raise InvalidTaskData({"username": f"pengguna {username} tidak ada"}) from None


def _listed(roles: tuple[str, ...]) -> str:
    """``Prakom, Kasubbag`` as stored: each role once, in the order given (``--role Prakom
    --role Prakom`` stores one); ``tanpa peran`` for none."""
    return ", ".join(dict.fromkeys(roles)) or "tanpa peran"
