"""The ``alur`` command: setup, deploy, demo users, serve, worker (and Flask's ``db``)."""

import copy
import os
import signal
import sys
import threading
from pathlib import Path

import click
from click.core import ParameterSource
from flask import Flask, current_app
from flask.cli import FlaskGroup, ScriptInfo, with_appcontext
from flask_migrate import upgrade
from sqlalchemy import select
from sqlalchemy.exc import OperationalError, ProgrammingError

from engine import settings
from engine.db import database_words, is_older_schema
from engine.errors import InvalidProcess, InvalidTaskData
from engine.models import User
from engine.people import accounts
from engine.process import numbering
from engine.process.deploy import deploy
from engine.sop.table import import_table
from web import MAX_WEB, environment
from web.cli import db_guard, db_words
from web.cli import worker as scheduler
from web.cli.alerts import alerts_group
from web.cli.backup import backup_command, restore_command
from web.cli.demo_history import demo_history_command
from web.cli.demo_users import DEMO_BANNER, demo_users_command, still_demo
from web.cli.deploy_files import BPMN_DIR, deploy_command, deploy_files
from web.cli.facts import missing, rebuild, rebuild_facts_command
from web.cli.language import usage_in_language
from web.cli.origin import mark_command_origin
from web.cli.prune import prune_command
from web.cli.ranges import WholeRange
from web.cli.refusals import refused
from web.cli.startup import caught_up_lines, wait_for_database
from web.cli.users import user_group
from web.extensions import clock, db
from web.views.auth import hash_password


@click.group("sop", help="SOP dalam bentuk tabel (Permenpan RB 35/2012).")
def sop_group() -> None:
    """The SOP table commands (Permenpan RB 35/2012)."""


@sop_group.command("import", help=(
    "Ubah tabel SOP (CSV/XLSX) menjadi BPMN. Hasilnya dideploy sebagai versi baru "
    "dan/atau ditulis ke --out."))
@click.argument("table", metavar="TABEL",
                type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", metavar="BERKAS", type=click.Path(dir_okay=False, path_type=Path),
              help="Tulis BPMN hasil ke berkas ini.")
@click.option("--deploy/--no-deploy", "do_deploy", default=True,
              help="Deploy BPMN hasil sebagai versi baru (bawaan: ya).")
@with_appcontext
def sop_import_command(table: Path, out: Path | None, do_deploy: bool) -> None:
    """Turn an SOP table (CSV/XLSX) into BPMN; deploy it and/or write it to ``out``."""
    if out is None and not do_deploy:
        raise click.UsageError("--no-deploy tanpa --out tidak menghasilkan apa pun; "
                               "sebutkan --out BERKAS.bpmn.")
    try:
        bpmn = import_table(table.read_bytes(), table.name)
        if out is not None:
            try:
                out.write_bytes(bpmn)
            except OSError as error:
                click.echo(f"GAGAL: BPMN tidak dapat ditulis ke {out}: "
                           f"{environment.os_words(error)}",
                           err=True)
                raise SystemExit(1) from None
            click.echo(f"{table.name}: BPMN ditulis ke {out}")
        if do_deploy:
            definition, created = deploy(db.session, clock(), bpmn, filename=table.name,
                                         comment=f"Diimpor dari tabel {table.name}")
            db.session.commit()
            state = "versi baru" if created else "tidak berubah"
            click.echo(f"{table.name}: {definition.key} versi {definition.version} ({state})")
    except InvalidProcess as refused:
        db.session.rollback()
        click.echo(f"DITOLAK {table.name}:", err=True)
        for problem in refused.problems:
            click.echo(f"  - {problem}", err=True)
        raise SystemExit(1) from None


@click.command("setup", help=(
    "Siapkan basis data, SOP dan administrator pertama. Migrasi basis data (dan isi fakta "
    "laporan dari riwayat yang belum memilikinya), deploy bpmn/, lalu buat pengguna demo "
    "(--demo) atau, bila belum ada administrator, administrator pertama (--admin)."))
@click.option("--demo/--no-demo", default=None,
              help="Buat pengguna demo (make run); bawaan: ALUR_DEMO, tidak.")
@click.option("--admin", "admin_username", metavar="NAMA", default="admin", show_default=True,
              help="Nama pengguna administrator pertama.")
@click.pass_context
@with_appcontext
def setup_command(ctx: click.Context, demo: bool | None, admin_username: str) -> None:
    """Migrate the database (and fill the report facts of a history made before them),
    deploy bpmn/, then create the demo users (--demo, else ALUR_DEMO) or, when no
    administrator exists yet, the first administrator. A bad ``--admin`` name is refused
    before the database is migrated (the app, loaded to find this command, has made the
    instance folder and its secret key by then)."""
    mark_command_origin()
    if demo is None:
        demo = current_app.config["ALUR_DEMO"]
    admin_username = accounts.normal_username(admin_username)
    if not demo and not accounts.USERNAME.match(admin_username):
        raise click.BadParameter("huruf kecil, angka, _ atau . (diawali huruf), 2–64 karakter",
                                 param_hint="--admin")
    zone = current_app.config["ALUR_TIMEZONE"]
    if not settings.known_zone(zone):
        click.echo(f"GAGAL: ALUR_TIMEZONE {zone[:80]!r} bukan zona waktu yang dikenal (mis. "
                   "Asia/Jakarta, Asia/Makassar, Asia/Jayapura); tidak ada yang diubah.",
                   err=True)
        raise SystemExit(2)
    before = db_guard.schema_revision()
    upgrade(directory=current_app.extensions["migrate"].directory, x_arg=["quiet=1"])
    after = db_guard.schema_revision()
    click.echo(f"skema basis data dimigrasi ke revisi {after}" if after != before
               else f"skema basis data sudah pada revisi terbaru ({after})")
    if missing():
        click.echo(f"fakta laporan dibangun dari riwayat: {rebuild()} baris")
    for line in caught_up_lines(numbering.catch_up(db.session, clock())):
        click.echo(line)
    settings.seed_timezone(db.session, zone)
    db.session.commit()
    if not deploy_files(sorted(f for f in BPMN_DIR.glob("*.bpmn") if f.is_file()),
                         keep_deployed=True):
        raise SystemExit(1)
    if demo and ctx.get_parameter_source("admin_username") is ParameterSource.COMMANDLINE:
        click.echo("mode demo: --admin tidak dipakai; administrator demo bernama admin")
    if demo:
        ctx.invoke(demo_users_command)
    else:
        _first_admin(admin_username)


# What a new office does after its first ``alur setup`` (README, "Memasang tanpa demo").
NEXT_STEPS = """langkah berikutnya:
  1. jalankan alur serve dan masuk sebagai administrator di peramban;
  2. Pengaturan (/admin/pengaturan): identitas kantor, kalender kerja dan hari libur,
     server SMTP, alamat Alur;
  3. Pengguna dan Peran (/admin/pengguna): impor akun setiap pegawai dari berkas CSV;
  4. SOP (/admin/sop): SOP bawaan adalah contoh dari dokumen sumber — unggah revisinya
     dengan nomor SOP dan pejabat kantor Anda."""


def _first_admin(username: str) -> None:
    """Create administrator ``username`` unless an administrator exists. Asks for the
    password on a terminal; otherwise generates one, prints it once, and its first login
    must change it. With an administrator already there, says so and makes none."""
    present = db.session.scalars(select(User.username).where(
        User.is_admin.is_(True)).order_by(User.username).limit(3)).all()
    if present:
        click.echo(f"administrator sudah ada ({', '.join(present)}); tidak ada administrator "
                   f"baru dibuat — tambah dengan alur user add NAMA --admin")
        return
    password = None
    if sys.stdin.isatty():
        password = click.prompt(f"Kata sandi {username} (paling sedikit "
                                f"{accounts.MIN_PASSWORD} karakter)", hide_input=True,
                                confirmation_prompt="Ulangi kata sandi")
    try:
        user, generated = accounts.create(db.session, clock(), hash_password, actor=None,
                                          username=username, full_name="Administrator",
                                          is_admin=True, password=password)
    except InvalidTaskData as invalid:
        raise refused(invalid) from None
    db.session.commit()
    click.echo(f"administrator {user.username} dibuat")
    if generated:
        click.echo(f"kata sandi sementara (dicetak sekali ini, wajib diganti saat masuk "
                   f"pertama): {generated}")
    click.echo(NEXT_STEPS)


@click.command("worker", help=(
    "Jalankan putaran pekerja tersendiri sampai dihentikan. Setiap ALUR_TIMER_INTERVAL "
    "detik: timer yang jatuh tempo, kotak keluar dan folder lampiran (bersama alur serve "
    "--no-timer-loop, atau beberapa pekerja pada PostgreSQL)."))
@with_appcontext
def worker_command() -> None:
    """Run worker rounds (due timers, the outbox, the attachments folder) every
    ALUR_TIMER_INTERVAL seconds until stopped."""
    app = current_app._get_current_object()
    wait_for_database(app, "alur worker")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    click.echo(f"alur worker: memeriksa timer setiap {app.config['ALUR_TIMER_INTERVAL']} detik")
    scheduler.freeze_startup_heap()
    try:
        scheduler.run(app, stop)
    except KeyboardInterrupt:
        pass


def _listen_address(ctx: click.Context, param: click.Parameter, value: str) -> str:
    """``--bind`` as given on the command line, checked as ALUR_BIND is."""
    problem = environment.address_problem(value)
    if problem:
        raise click.BadParameter(problem)
    return value


@click.command("serve", help=(
    "Layani Alur dengan gunicorn. Pemeriksa timer berjalan di dalam proses web, kecuali "
    "dengan --no-timer-loop (lalu jalankan alur worker)."))
@click.option("--bind", metavar="ALAMAT",
              default=lambda: environment.listen_address("ALUR_BIND", "127.0.0.1:5000"),
              show_default="127.0.0.1:5000", callback=_listen_address,
              help="HOST:PORT atau unix:JALUR (bawaan: ALUR_BIND).")
# Without --workers or --threads: ALUR_WEB_WORKERS and ALUR_WEB_THREADS, read (and refused,
# naming the variable) with the other variables by create_app, before any command runs.
@click.option("--workers", metavar="N", type=WholeRange(1, MAX_WEB),
              show_default="1",
              help="Proses web (gunicorn); lebih dari 1 hanya dengan PostgreSQL "
                   "(bawaan: ALUR_WEB_WORKERS).")
@click.option("--threads", metavar="N", type=WholeRange(1, MAX_WEB),
              show_default="8",
              help="Thread per proses web (bawaan: ALUR_WEB_THREADS).")
@click.option("--timer-loop/--no-timer-loop",
              default=None,
              help="Jalankan putaran pekerja di dalam proses web (bawaan: "
                   "ALUR_SERVE_TIMER_LOOP, ya).")
@with_appcontext
def serve_command(bind: str, workers: int | None, threads: int | None,
                  timer_loop: bool | None) -> None:
    """Serve with gunicorn, with the timer loop running inside the web process."""
    from web.cli.serve import metrics_folder, refuse_unusable_address, serve

    if timer_loop is None:
        timer_loop = current_app.config["ALUR_SERVE_TIMER_LOOP"]
    from_environment = workers is None
    workers = workers or current_app.config["ALUR_WEB_WORKERS"]
    threads = threads or current_app.config["ALUR_WEB_THREADS"]

    # First: a second alur serve of the same instance must not empty the metrics folder
    # the one already listening writes to.
    refuse_unusable_address(bind)
    metrics_folder(current_app._get_current_object())
    wait_for_database(current_app._get_current_object(), "alur serve")
    click.echo(f"Alur berjalan di http://{bind}")
    if current_app.config["ALUR_DEMO"]:
        click.echo(DEMO_BANNER)
        click.echo("Masuk sebagai prakom, kasubbag, sekretaris, ketua, bidang_terkait, panitera, "
                   "redaktur atau admin; kata sandi: "
                   + (os.environ.get("ALUR_DEMO_PASSWORD") or "yang dicetak oleh alur setup"))
    elif demo_left := still_demo():
        click.echo(f"PERINGATAN: akun demo {', '.join(demo_left)} masih memakai kata sandi demo "
                   "yang diketahui umum; siapa pun dapat masuk dengannya. Nonaktifkan (alur user "
                   "disable NAMA) atau ganti kata sandinya (alur user reset-password NAMA).",
                   err=True)
    serve(current_app._get_current_object(), bind, workers, timer_loop, threads,
          workers_from_environment=from_environment)


def register(app: Flask) -> None:
    """Add Alur's commands to ``app.cli`` (``alur <command>``, ``flask <command>``)."""
    for command in (deploy_command, demo_users_command, setup_command, worker_command,
                    serve_command, sop_group, demo_history_command, user_group,
                    backup_command, restore_command, alerts_group, rebuild_facts_command,
                    prune_command):
        app.cli.add_command(command)


def alur_group() -> click.Group:
    """The ``alur`` command group as ``main`` runs it (tests invoke it with click's runner);
    build it after ``language.speak_indonesian``, which its words follow."""
    from web import create_app

    group = _AlurGroup(create_app=create_app, help="Alur: SOP yang berjalan.")
    return click.version_option(package_name="alur", prog_name="alur")(group)


def main() -> None:
    """Entry point of the ``alur`` command."""
    try:
        alur_group()(prog_name="alur")
    except environment.ConfigError as error:
        click.echo(f"GAGAL: {error}", err=True)
        raise SystemExit(2) from None
    except (OperationalError, ProgrammingError) as error:
        # A command run after the code was updated but before the database was: said so.
        upgrade = ("; bila Alur baru diperbarui, jalankan alur db upgrade dulu (alur setup "
                   "untuk basis data baru)") if is_older_schema(error) else ""
        click.echo("GAGAL: basis data (ALUR_DATABASE_URL) tidak dapat dipakai: "
                   f"{database_words(error)}{upgrade}", err=True)
        raise SystemExit(1) from None


# Flask's developer options (-e/--env-file, -A/--app, --debug): they still work, unlisted.
FLASK_OPTIONS = {"env_file", "app", "debug"}
# Commands of Flask extensions README does not document (Flask-Limiter's): callable, unlisted.
UNLISTED = {"limiter"}


class _AlurGroup(FlaskGroup):
    """Flask's command group as the office's ``alur``: an unreadable variable stops
    ``alur``, ``alur --help`` and the listing of commands with its sentence, as it stops a
    command (Flask would print a traceback and list only its own commands); the help shows
    neither Flask's developer options nor its version, and every usage line says
    ``[OPSI]``."""

    def __init__(self, **extra: object) -> None:
        super().__init__(add_default_commands=False, add_version_option=False, **extra)
        usage_in_language(self)
        self.params = [_unlisted(param) if param.name in FLASK_OPTIONS else param
                       for param in self.params]

    def list_commands(self, ctx: click.Context) -> list[str]:
        try:
            ctx.ensure_object(ScriptInfo).load_app()
        except environment.ConfigError as error:
            click.echo(f"GAGAL: {error}", err=True)
            raise SystemExit(2) from None
        return [name for name in super().list_commands(ctx) if name not in UNLISTED]

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        command = super().get_command(ctx, name)
        if command is not None:
            usage_in_language(command)
            if name == "db" and isinstance(command, click.Group):
                db_words.in_indonesian(command)
                db_guard.guard(command)
        return command


def _unlisted(option: click.Option) -> click.Option:
    """A copy of Flask's shared ``option`` left out of ``alur --help``."""
    unlisted = copy.copy(option)
    unlisted.hidden = True
    return unlisted
