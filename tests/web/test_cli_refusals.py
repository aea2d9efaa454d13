"""The ``alur`` command refuses what it cannot do with a sentence and an exit code, never a
Python traceback, and a refused command changes nothing (README, "Perintah alur",
"Konfigurasi")."""

import sqlite3
import time
import uuid
from types import SimpleNamespace

import pytest
from limits.errors import ConfigurationError as LimitsConfigurationError
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from tests.conftest import DATA, ROOT
from tests.helpers.cli import run_alur
from tests.helpers.database import POSTGRES_URL, postgres_schema
from tests.helpers.servers import free_port
from tests.helpers.worker_cli import invoke_worker
from web import create_app, environment
from web.cli import startup
from web.cli import worker as scheduler
from web.extensions import db
from web.health import migration_heads


def _tables(tmp_path) -> int:
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        return connection.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'"
                                  ).fetchone()[0]


def test_a_database_that_cannot_be_reached_is_said_in_words(tmp_path):
    result = run_alur(tmp_path, "setup",
                   ALUR_DATABASE_URL="postgresql+psycopg://postgres@127.0.0.1:1/alur")
    assert result.returncode == 1
    assert "GAGAL: basis data (ALUR_DATABASE_URL) tidak dapat dipakai: " in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_say_once_that_the_database_cannot_be_reached(tmp_path, command):
    """They retried without end, the worker with a traceback for each part of each round:
    now one sentence naming the URL without its password, then GAGAL after
    ALUR_DATABASE_WAIT seconds (systemd starts them again)."""
    url = f"postgresql+psycopg://alur@127.0.0.1:{free_port()}/alur"
    args = ("--bind", f"127.0.0.1:{free_port()}") if command == "serve" else ()
    # A password in the query is hidden too (the regression probe: it was printed).
    result = run_alur(tmp_path, command, *args, ALUR_DATABASE_WAIT="1.5",
                   ALUR_DATABASE_URL=url.replace("alur@", "alur:rahasia@") + "?password=rahasia")
    assert result.returncode == 1, result.stderr
    shown = url.replace("alur@", "alur:***@")
    waiting, failed = result.stderr.splitlines()
    assert waiting.startswith(f"alur {command}: basis data {shown} tidak dapat dihubungi (")
    assert waiting.endswith("); mencoba lagi setiap 1 detik, paling lama 1.5 detik")
    assert failed.startswith(f"GAGAL: basis data (ALUR_DATABASE_URL) {shown} tidak dapat "
                             "dihubungi selama 1.5 detik: ")
    assert "Connection refused" in failed and "rahasia" not in result.stderr
    assert not result.stdout  # neither "Alur berjalan" nor the worker's interval


def test_a_mistyped_database_name_is_refused_at_once_not_waited_for(tmp_path):
    """The operations probe: a typo in the database name was retried for the whole
    ALUR_DATABASE_WAIT, as if PostgreSQL were still starting."""
    url = make_url(POSTGRES_URL).set(database=f"alur_salah_ketik_{uuid.uuid4().hex[:8]}")
    result = run_alur(tmp_path, "worker", ALUR_DATABASE_WAIT="600",
                      ALUR_DATABASE_URL=url.render_as_string(hide_password=False))
    assert result.returncode == 1, result.stderr
    [line] = result.stderr.splitlines()
    assert line.startswith(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} menolak sambungan: ")
    assert f'database "{url.database}" does not exist' in line
    assert line.endswith("Periksa nama basis data, pengguna dan kata sandinya di "
                         "ALUR_DATABASE_URL; menunggu tidak mengubahnya.")


@pytest.mark.parametrize("command", ["serve", "worker"])
def test_serve_and_worker_refuse_a_database_alur_setup_never_prepared(tmp_path, command):
    """They started on an empty database, the worker logging a traceback for each part of
    every round, the pages answering 500: now one sentence naming what to run."""
    (tmp_path / "instans").mkdir()
    url = f"sqlite:///{tmp_path / 'instans' / 'alur.sqlite3'}"
    args = ("--bind", f"127.0.0.1:{free_port()}") if command == "serve" else ()
    result = run_alur(tmp_path, command, *args)
    assert result.returncode == 1, result.stderr
    assert result.stderr == (f"GAGAL: basis data (ALUR_DATABASE_URL) {url} belum berisi tabel "
                             "Alur; jalankan alur setup (atau alur db upgrade) dulu.\n")
    assert not result.stdout
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        assert connection.execute("SELECT count(*) FROM sqlite_master").fetchone() == (0,)


def test_serve_and_worker_refuse_a_database_a_migration_behind(tmp_path):
    """The worker started on it and logged a traceback every round (a column this code
    reads was not there yet); now one sentence naming what to run."""
    (tmp_path / "instans").mkdir()
    [head] = migration_heads(str(ROOT / "migrations"))
    first = run_alur(tmp_path, "db", "upgrade")
    assert first.returncode == 0 and first.stdout.endswith(
        f"skema basis data dimigrasi ke revisi {head}\n")
    # The operations probe: a second upgrade said nothing an operator could read.
    again = run_alur(tmp_path, "db", "upgrade")
    assert again.stdout.endswith(f"skema basis data sudah pada revisi terbaru ({head})\n")
    refused = run_alur(tmp_path, "db", "downgrade", detached=True)
    assert (refused.returncode, refused.stderr) == (2, (
        "GAGAL: alur db downgrade membuang tabel dan kolom beserta datanya; jalankan di "
        "terminal untuk ditanya, atau tambahkan --ya.\n")), "nothing changed without --ya"
    [head] = migration_heads(str(ROOT / "migrations"))
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        assert connection.execute("SELECT version_num FROM alembic_version").fetchall() == [
            (head,)]
    assert run_alur(tmp_path, "db", "downgrade", "--ya").returncode == 0
    url = f"sqlite:///{tmp_path / 'instans' / 'alur.sqlite3'}"
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        [(behind,)] = connection.execute("SELECT version_num FROM alembic_version").fetchall()
    [head] = migration_heads(str(ROOT / "migrations"))
    for command, args in (("worker", ()), ("serve", ("--bind", f"127.0.0.1:{free_port()}"))):
        result = run_alur(tmp_path, command, *args)
        assert (result.returncode, result.stdout) == (1, ""), result.stderr
        assert result.stderr == (
            f"GAGAL: basis data (ALUR_DATABASE_URL) {url} pada revisi migrasi {behind}, Alur "
            f"ini memerlukan {head}; jalankan alur db upgrade dulu (atau pakai Alur yang sama "
            "dengan basis datanya).\n")
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        connection.execute("UPDATE alembic_version SET version_num = 'ffff00001111'")
    newer = run_alur(tmp_path, "worker")
    assert newer.returncode == 1 and newer.stderr == (
        f"GAGAL: basis data (ALUR_DATABASE_URL) {url} pada revisi migrasi ffff00001111 yang "
        "tidak dikenal Alur ini (dari Alur yang lebih baru); pakai Alur yang sama atau lebih "
        "baru.\n")


def test_the_worker_starts_once_the_database_can_be_opened(tmp_path, monkeypatch):
    folder = tmp_path / "belum-ada"  # an SQLite file cannot be opened in a missing folder
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "instans"))
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'alur.sqlite3'}",
                      "ALUR_DATABASE_WAIT": 30})
    rounds = []
    monkeypatch.setattr(scheduler, "run", lambda app, stop: rounds.append(app))
    # The wait between tries makes the folder: the second try opens the database.
    def make_database(seconds: float) -> None:
        folder.mkdir(exist_ok=True)
        with app.app_context():
            db.create_all()

    monkeypatch.setattr(startup, "time", SimpleNamespace(monotonic=time.monotonic,
                                                         sleep=make_database))
    result = invoke_worker(app)
    assert result.exit_code == 0, result.output
    assert rounds == [app]
    assert result.output.count("tidak dapat dihubungi (unable to open database file)") == 1
    assert "dapat dihubungi; mulai." in result.output


@pytest.mark.parametrize("value, https", [("true", True), ("ya", True), ("0", False),
                                          ("", False)])
def test_yes_or_no_settings_take_the_usual_words(monkeypatch, tmp_path, value, https):
    monkeypatch.setenv("ALUR_HTTPS", value)
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path))
    assert create_app().config["ALUR_HTTPS"] is https


def test_setup_with_an_unknown_time_zone_changes_nothing(tmp_path):
    result = run_alur(tmp_path, "setup", ALUR_TIMEZONE="Mars/Olympus")
    assert result.returncode == 2
    assert "GAGAL: ALUR_TIMEZONE 'Mars/Olympus' bukan zona waktu yang dikenal" in result.stderr
    assert "Traceback" not in result.stderr
    assert _tables(tmp_path) == 0, "not migrated"


def test_deploying_a_folder_without_bpmn_says_so(tmp_path):
    (tmp_path / "kosong" / "bukan.bpmn").mkdir(parents=True)  # a folder named like one
    result = run_alur(tmp_path, "deploy", str(tmp_path / "kosong"))
    assert result.returncode == 1
    assert "tidak ada berkas .bpmn di" in result.stderr


def test_deploying_an_sop_table_points_to_sop_import(tmp_path):
    table = tmp_path / "sop.csv"
    table.write_bytes((DATA / "sop_table_uji.csv").read_bytes())
    assert run_alur(tmp_path, "setup").returncode == 0
    result = run_alur(tmp_path, "deploy", str(table))
    assert result.returncode == 1
    assert f"sop.csv tabel SOP, bukan BPMN: ubah dan deploy dengan alur sop import {table}" \
        in result.stderr
    assert "bukan XML" not in result.stderr


def test_a_table_written_to_a_missing_folder_is_refused_in_words(tmp_path):
    result = run_alur(tmp_path, "sop", "import", str(DATA / "sop_table_uji.csv"), "--out",
                   str(tmp_path / "tidak-ada" / "sop.bpmn"), "--no-deploy")
    assert result.returncode == 1
    assert "GAGAL: BPMN tidak dapat ditulis ke" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_of_a_database_that_cannot_be_opened_is_refused_in_words(tmp_path):
    result = run_alur(tmp_path, "backup", str(tmp_path / "cadangan"),
                   ALUR_DATABASE_URL=f"sqlite:///{tmp_path / 'tidak-ada' / 'alur.sqlite3'}")
    assert result.returncode == 1, result.stderr
    assert "GAGAL: cadangan tidak dibuat" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_backup_folder_that_cannot_be_made_is_named_in_indonesian(tmp_path):
    result = run_alur(tmp_path, "backup", "/proc/nope")
    assert (result.returncode, result.stderr) == (
        1, "GAGAL: cadangan tidak dibuat: /proc/nope: tidak ada\n")  # not "[Errno 2] No such …"


def test_an_empty_backup_folder_is_refused_not_read_as_the_current_one(tmp_path):
    """``alur backup ""`` wrote the backup into the folder the command ran in."""
    result = run_alur(tmp_path, "backup", "", cwd=tmp_path)
    assert result.returncode == 2, result.stderr
    assert "kosong; sebut foldernya" in result.stderr
    assert list(tmp_path.glob("alur-*")) == []


def test_verify_without_createdb_says_which_right_is_missing(tmp_path):
    """On PostgreSQL ``--verify`` restores into a scratch database; a role that may not
    create one is told so (exit 2, as a setting that cannot be used), not a traceback."""
    with postgres_schema() as url:
        # Migrated: a backup this Alur can migrate passes the revision check (made from the
        # manifest, first) and reaches the scratch restore.
        migrated = run_alur(tmp_path, "db", "upgrade", ALUR_DATABASE_URL=url)
        assert migrated.returncode == 0, migrated.stderr
        made = run_alur(tmp_path, "backup", str(tmp_path / "cadangan"), ALUR_DATABASE_URL=url)
        assert made.returncode == 0, made.stderr
    role = f"alur_tanpa_createdb_{uuid.uuid4().hex[:8]}"
    admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f"CREATE ROLE {role} LOGIN"))
    try:
        without = make_url(POSTGRES_URL).set(username=role).render_as_string()
        result = run_alur(tmp_path, "backup", "--verify", str(tmp_path / "cadangan"),
                       ALUR_DATABASE_URL=without)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f"DROP ROLE {role}"))
        admin.dispose()
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert f"peran PostgreSQL {role} tidak berhak CREATEDB" in result.stderr
    assert f"ALTER ROLE {role} CREATEDB" in result.stderr
    assert "tanpa --verify" in result.stderr


def test_a_relative_sqlite_file_is_the_one_in_the_instance_folder(monkeypatch, tmp_path):
    """Flask-SQLAlchemy opens a relative SQLite path in the instance folder; the private
    file, ``alur backup`` and ``alur restore`` must mean that file, not one in the working
    folder (a backup of an empty file there passed its own check)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ALUR_INSTANCE_PATH", str(tmp_path / "instans"))
    monkeypatch.setenv("ALUR_DATABASE_URL", "sqlite:///alur.sqlite3")
    app = create_app()
    database = tmp_path / "instans" / "alur.sqlite3"
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{database}"
    assert database.stat().st_mode & 0o777 == 0o600
    assert not (tmp_path / "alur.sqlite3").exists()


def test_usage_errors_are_in_indonesian_unless_language_asks_otherwise(tmp_path):
    missing = str(tmp_path / "tidak-ada.csv")
    refused = run_alur(tmp_path, "sop", "import", missing)
    assert refused.returncode == 2
    assert refused.stderr.splitlines()[-1] == (
        f"GAGAL: Nilai 'TABEL' tidak sah: Berkas '{missing}' tidak ada.")
    assert refused.stderr.startswith("Pemakaian: alur sop import")
    english = run_alur(tmp_path, "sop", "import", missing, LANGUAGE="en")
    assert english.stderr.splitlines()[-1] == (
        f"Error: Invalid value for 'TABEL': File '{missing}' does not exist.")



@pytest.mark.parametrize("args, usage, refusal", [
    (("rebuild-facts", "--batch", "abc"), "rebuild-facts [OPSI]",
     "Nilai '--batch' tidak sah: 'abc' bukan bilangan bulat yang sah.\n"),
    (("alerts", "add-source", "prometheus"), "alerts add-source [OPSI] NAMA",
     "Opsi belum diisi '--kind'. Pilih dari:\n\talertmanager,\n\tuptime-kuma\n"),
])
def test_click_s_number_and_choice_words_are_indonesian_to_the_end(tmp_path, args, usage,
                                                                    refusal):
    """click names a number by its English type ("integer range") and lists the choices
    after "Choose from:"; the catalog says the whole sentence."""
    result = run_alur(tmp_path, *args)
    command = usage.partition(" [")[0]
    assert (result.returncode, result.stderr) == (2, (
        f"Pemakaian: alur {usage}\nLihat 'alur {command} --help' untuk bantuan.\n\n"
        f"GAGAL: {refusal}"))


def _usernames(tmp_path) -> list[tuple[str]]:
    with sqlite3.connect(tmp_path / "instans" / "alur.sqlite3") as connection:
        return connection.execute("SELECT username FROM users ORDER BY id").fetchall()


def test_user_add_without_a_terminal_takes_the_password_from_stdin_or_refuses(tmp_path):
    """Under cron, systemd or a script there is no terminal to ask on unseen: the password
    is stdin's first line (README, "Perintah alur"), read without getpass's English
    warning; none, or a second line that differs, is a usage error and stores nothing."""
    assert run_alur(tmp_path, "setup").returncode == 0
    add = ("user", "add", "GITA", "--name", "Gita", "--role", "Prakom")
    usage = "Pemakaian: alur user add [OPSI] NAMA\nLihat 'alur user add --help' untuk bantuan.\n\n"
    result = run_alur(tmp_path, *add, detached=True)
    assert (result.returncode, result.stdout, result.stderr) == (2, "", usage + (
        "GAGAL: kata sandi tidak diberikan: tanpa terminal, tulis kata sandi pada baris "
        "pertama masukan (stdin), atau berikan dengan --password KATA_SANDI.\n"))
    result = run_alur(tmp_path, *add, piped="rahasia-1234\nrahasia-4321\n")
    assert (result.returncode, result.stderr) == (2, usage + (
        "GAGAL: kata sandi pada baris kedua masukan tidak sama dengan baris pertama.\n"))
    assert _usernames(tmp_path) == [("admin",)]
    result = run_alur(tmp_path, *add, piped="rahasia-1234\n")
    assert (result.returncode, result.stdout, result.stderr) == (
        0, "pengguna gita dibuat (Prakom)\n", "")
    assert _usernames(tmp_path) == [("admin",), ("gita",)]


def test_a_rate_limit_client_package_too_old_is_named_in_indonesian():
    # limits' words when the package is there but older than its storage needs.
    error = LimitsConfigurationError(
        "The minimum version of 3.0 for 'redis' could not be found. Found version: 2.10")
    assert environment._storage_problem(error) == (
        "paket Python 'redis' terlalu lama; perlu versi 3.0 atau lebih baru")
    other = LimitsConfigurationError("something else")
    assert environment._storage_problem(other) == "something else"


def test_a_bad_value_of_many_is_named_by_its_word_not_its_usage_pattern(tmp_path):
    """"Nilai PERAN tidak sah", not click's "Nilai '[PERAN]...' tidak sah"."""
    result = run_alur(tmp_path, "deploy", str(tmp_path / "tidak-ada.bpmn"))
    assert result.returncode == 2
    assert result.stderr.endswith(f"GAGAL: Nilai JALUR tidak sah: Jalur "
                                  f"'{tmp_path / 'tidak-ada.bpmn'}' tidak ada.\n")
    result = run_alur(tmp_path, "user", "roles", "prakom", "Bos")
    assert result.returncode == 2
    assert "GAGAL: Nilai PERAN tidak sah: 'Bos' bukan salah satu dari: 'Prakom'" in result.stderr
    # A near spelling is told the role it likely means (the operations probe).
    result = run_alur(tmp_path, "user", "add", "gita", "--name", "Gita", "--role", "Sekertaris")
    assert result.returncode == 2
    assert ("GAGAL: Nilai '--role' tidak sah: 'Sekertaris' bukan peran yang dikenal; maksud "
            "Anda Sekretaris? (dikenal: Prakom,") in result.stderr, result.stderr


def test_a_number_out_of_its_range_is_told_its_range_in_words(tmp_path):
    """The operations probe: "0 di luar rentang x>=1." was click's notation."""
    result = run_alur(tmp_path, "backup", str(tmp_path / "cadangan"), "--keep", "0")
    assert result.returncode == 2
    assert "0 di luar rentang 1 atau lebih." in result.stderr
    workers = run_alur(tmp_path, "serve", "--workers", "99")
    assert workers.returncode == 2 and "99 di luar rentang 1–64." in workers.stderr
