"""``alur`` refuses an unreadable setting (environment variable) before any command runs,
naming the variable in Indonesian, with exit code 2 and nothing made (README,
"Konfigurasi")."""

import sqlite3

import pytest

from tests.helpers.cli import run_alur


@pytest.mark.parametrize("name, value, message", [
    ("ALUR_TIMER_INTERVAL", "abc", "GAGAL: ALUR_TIMER_INTERVAL harus angka, bukan 'abc'"),
    ("ALUR_PROXY_COUNT", "1.5", "GAGAL: ALUR_PROXY_COUNT harus bilangan bulat, bukan '1.5'"),
    ("ALUR_MAX_BODY_BYTES", "-2", "GAGAL: ALUR_MAX_BODY_BYTES paling kecil 65536, bukan '-2'"),
    ("ALUR_TIMER_INTERVAL", "-2", "GAGAL: ALUR_TIMER_INTERVAL paling kecil 0.1, bukan '-2'"),
    ("ALUR_PROXY_COUNT", "-1", "GAGAL: ALUR_PROXY_COUNT harus angka 0 atau lebih, bukan '-1'"),
    ("ALUR_LOG_LEVEL", "LOUD", "GAGAL: ALUR_LOG_LEVEL harus salah satu dari DEBUG, INFO"),
    ("ALUR_LOG_FORMAT", "yaml", "GAGAL: ALUR_LOG_FORMAT harus salah satu dari json, text"),
    ("ALUR_LOGIN_LIMIT_ACCOUNT", "sepuluh per jam",
     "GAGAL: ALUR_LOGIN_LIMIT_ACCOUNT harus batas bernotasi Flask-Limiter"),
    ("ALUR_LOGIN_LIMIT_ADDRESS", "50", "GAGAL: ALUR_LOGIN_LIMIT_ADDRESS harus batas bernotasi"),
    ("ALUR_RATELIMIT_STORAGE_URI", "bogus://x",
     "GAGAL: ALUR_RATELIMIT_STORAGE_URI harus alamat penyimpanan Flask-Limiter"),
    ("ALUR_TIMER_INTERVAL", "0", "GAGAL: ALUR_TIMER_INTERVAL paling kecil 0.1, bukan '0'"),
    ("ALUR_SESSION_MAX_AGE", "99999999999",
     "GAGAL: ALUR_SESSION_MAX_AGE paling besar 2592000, bukan '99999999999'"),
    ("ALUR_TOKEN_MAX_AGE", "99999999999",
     "GAGAL: ALUR_TOKEN_MAX_AGE paling besar 2592000, bukan '99999999999'"),
    # A whole number is written in digits: these read as numbers, not as typed whole ones
    # (1.5 was said to be below the minimum of 60).
    ("ALUR_SESSION_MAX_AGE", "1e30", "GAGAL: ALUR_SESSION_MAX_AGE harus bilangan bulat, bukan '1e30'"),
    ("ALUR_SESSION_MAX_AGE", "1.5", "GAGAL: ALUR_SESSION_MAX_AGE harus bilangan bulat, bukan '1.5'"),
    ("ALUR_PROXY_COUNT", "1.0", "GAGAL: ALUR_PROXY_COUNT harus bilangan bulat, bukan '1.0'"),
    # A limit nobody can pass, and a window Flask-Limiter reads as one minute.
    ("ALUR_LOGIN_LIMIT_ACCOUNT", "0 per minute",
     "GAGAL: ALUR_LOGIN_LIMIT_ACCOUNT harus paling sedikit 1 per jangka waktu lebih dari 0"),
    ("ALUR_LOGIN_LIMIT_ADDRESS", "10 per 0 minutes",
     "GAGAL: ALUR_LOGIN_LIMIT_ADDRESS harus paling sedikit 1 per jangka waktu lebih dari 0"),
    ("ALUR_TIMER_INTERVAL", "1e30", "GAGAL: ALUR_TIMER_INTERVAL paling besar 3600, bukan '1e30'"),
    ("ALUR_LEASE_SECONDS", "1e30", "GAGAL: ALUR_LEASE_SECONDS paling besar 3600, bukan '1e30'"),
    ("ALUR_NOTIFICATION_POLL", "3e6",
     "GAGAL: ALUR_NOTIFICATION_POLL paling besar 3600, bukan '3e6'"),
    ("ALUR_READY_WORKER_INTERVALS", "1e30",
     "GAGAL: ALUR_READY_WORKER_INTERVALS paling besar 100, bukan '1e30'"),
    ("ALUR_HTTPS", "true?", "GAGAL: ALUR_HTTPS harus 1 atau 0 (juga true/false"),
    ("ALUR_SERVE_TIMER_LOOP", "kadang", "GAGAL: ALUR_SERVE_TIMER_LOOP harus 1 atau 0"),
    ("ALUR_DATABASE_URL", "bukan-url", "GAGAL: ALUR_DATABASE_URL harus URL SQLAlchemy"),
    ("ALUR_DATABASE_URL", "postgres://alur@localhost/alur",
     "GAGAL: ALUR_DATABASE_URL harus URL SQLAlchemy"),
    ("ALUR_DATABASE_URL", "mysql+mysqldb://alur@localhost/alur",
     ("GAGAL: ALUR_DATABASE_URL memakai driver mysqldb (mysql) yang tidak terpasang: modul "
      "Python MySQLdb tidak ada")),
    ("ALUR_DATABASE_URL", "postgresql+pg8000://alur@localhost/alur",
     "GAGAL: ALUR_DATABASE_URL memakai driver pg8000 (postgresql) yang tidak terpasang"),
    ("ALUR_RATELIMIT_STORAGE_URI", "memcached://localhost:1",
     ("GAGAL: ALUR_RATELIMIT_STORAGE_URI 'memcached://localhost:1' tidak dapat dipakai: paket "
      "Python 'pymemcache' belum terpasang di virtualenv; pasang dengan pip install "
      "pymemcache")),
    ("ALUR_INSTANCE_PATH", "instans-relatif",
     "GAGAL: ALUR_INSTANCE_PATH harus jalur mutlak (diawali /), bukan 'instans-relatif'"),
    # It was made under the working folder (/ under systemd).
    ("ALUR_ATTACHMENTS_PATH", "relatif",
     "GAGAL: ALUR_ATTACHMENTS_PATH harus jalur mutlak (diawali /), bukan 'relatif'"),
    ("ALUR_BACKUP_PATH", "cadangan",
     "GAGAL: ALUR_BACKUP_PATH harus jalur mutlak (diawali /), bukan 'cadangan'"),
    # The operating system's reason in Indonesian, not "No such file or directory".
    ("ALUR_INSTANCE_PATH", "/proc/x",
     "GAGAL: ALUR_INSTANCE_PATH '/proc/x' tidak dapat dipakai sebagai folder: tidak ada\n"),
    # Folders that exist but cannot be written, not even by root (a traceback each, found
    # by the operations probe: the secret key, an SQLite file, every upload later).
    ("ALUR_INSTANCE_PATH", "/sys/kernel",
     "GAGAL: ALUR_INSTANCE_PATH '/sys/kernel' tidak dapat dipakai sebagai folder: tidak "
     "diizinkan\n"),

    # 0 left a server that looked up but was of no use: 413 on every login, sessions and
    # tokens over at once, /readyz always 503, every attachment too large.
    ("ALUR_SESSION_MAX_AGE", "0", "GAGAL: ALUR_SESSION_MAX_AGE paling kecil 60, bukan '0'"),
    ("ALUR_TOKEN_MAX_AGE", "59", "GAGAL: ALUR_TOKEN_MAX_AGE paling kecil 60, bukan '59'"),
    ("ALUR_MAX_BODY_BYTES", "0", "GAGAL: ALUR_MAX_BODY_BYTES paling kecil 65536, bukan '0'"),
    # Read whole into memory by each web thread: 10 GB would let eight requests take 80 GB.
    ("ALUR_MAX_BODY_BYTES", "10000000000",
     "GAGAL: ALUR_MAX_BODY_BYTES paling besar 67108864, bukan '10000000000'"),
    ("ALUR_READY_WORKER_INTERVALS", "0",
     "GAGAL: ALUR_READY_WORKER_INTERVALS paling kecil 1, bukan '0'"),
    ("ALUR_ATTACHMENT_MAX_BYTES", "0",
     "GAGAL: ALUR_ATTACHMENT_MAX_BYTES paling kecil 1024, bukan '0'"),
    # Read with the others, not only by alur serve (README: every command stops).
    ("ALUR_WEB_WORKERS", "65", "GAGAL: ALUR_WEB_WORKERS paling besar 64, bukan '65'"),
    ("ALUR_WEB_THREADS", "0", "GAGAL: ALUR_WEB_THREADS paling kecil 1, bukan '0'"),
    # Found by the operations probe: "+2" started two web processes; "-1" was told "0 or
    # more", then 0 was refused; a key of three letters signed every session.
    ("ALUR_WEB_WORKERS", "+2", "GAGAL: ALUR_WEB_WORKERS harus bilangan bulat, bukan '+2'"),
    ("ALUR_WEB_WORKERS", "-1", "GAGAL: ALUR_WEB_WORKERS paling kecil 1, bukan '-1'"),
    ("ALUR_SECRET_KEY", "abc", "GAGAL: ALUR_SECRET_KEY harus paling sedikit 16 karakter tanpa "
                               "spasi di awal atau akhir (kini 3 karakter)"),
    ("ALUR_SECRET_KEY", "   ", "GAGAL: ALUR_SECRET_KEY harus paling sedikit 16 karakter"),
    ("ALUR_METRICS_TOKEN", " token-metrik-yang-panjang ",
     "GAGAL: ALUR_METRICS_TOKEN harus paling sedikit 16 karakter tanpa spasi di awal"),
])
def test_an_unreadable_setting_names_the_variable(tmp_path, name, value, message):
    """Every setting is read by one function before any command runs (``web.cli.startup``),
    so one command shows each; the next test shows that every command stops."""
    result = run_alur(tmp_path, "db", "current", **{name: value})
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr
    assert not (tmp_path / "instans").exists(), "nothing made before the refusal"


@pytest.mark.parametrize(("name", "value", "message"), [
    ("ALUR_TIMER_INTERVAL", "abc", "GAGAL: ALUR_TIMER_INTERVAL harus angka, bukan 'abc'"),
    ("ALUR_WEB_THREADS", "0", "GAGAL: ALUR_WEB_THREADS paling kecil 1, bukan '0'"),
])
def test_an_unreadable_setting_stops_every_command_even_help(tmp_path, name, value, message):
    for args in (("db", "current"), ("--help",), ()):
        result = run_alur(tmp_path, *args, **{name: value})
        assert result.returncode == 2, (args, result.stderr)
        assert message in result.stderr and "Traceback" not in result.stderr, args
    assert not (tmp_path / "instans").exists(), "nothing made before the refusal"


def test_an_attachments_folder_that_cannot_be_made_stops_every_command(tmp_path):
    """Uploads would otherwise fail one by one with a 500; a file where the folder should
    be is named before anything runs."""
    blocked = tmp_path / "bukan-folder"
    blocked.write_text("berkas, bukan folder")
    for args in (("db", "current"), ("--help",)):
        result = run_alur(tmp_path, *args, ALUR_ATTACHMENTS_PATH=str(blocked / "lampiran"))
        assert result.returncode == 2, (args, result.stderr)
        assert (f"GAGAL: ALUR_ATTACHMENTS_PATH '{blocked / 'lampiran'}' tidak dapat dipakai "
                "sebagai folder lampiran: bukan folder\n") in result.stderr  # not "Not a directory"
        assert "Traceback" not in result.stderr


def test_setup_reads_alur_demo_as_serve_does(tmp_path):
    result = run_alur(tmp_path, "setup", ALUR_DEMO="mungkin")
    assert result.returncode == 2
    assert "GAGAL: ALUR_DEMO harus 1 atau 0" in result.stderr
    assert not (tmp_path / "instans").exists()


@pytest.mark.parametrize(("name", "value", "message"), [
    ("ALUR_ATTACHMENTS_PATH", "/sys/kernel",
     "GAGAL: ALUR_ATTACHMENTS_PATH '/sys/kernel' tidak dapat dipakai sebagai folder lampiran: "
     "tidak diizinkan\n"),
    ("ALUR_DATABASE_URL", "sqlite:////sys/kernel/alur.db",
     "GAGAL: basis data (ALUR_DATABASE_URL) tidak dapat dipakai: tidak diizinkan\n"),
])
def test_a_folder_that_cannot_be_written_stops_every_command(tmp_path, name, value, message):
    """Uploads would each have failed with a 500 later; the database, with a traceback."""
    result = run_alur(tmp_path, "user", "list", **{name: value})
    assert result.returncode == 2, result.stderr
    assert message in result.stderr and "Traceback" not in result.stderr


def test_a_command_on_a_database_not_yet_upgraded_says_to_upgrade_it(tmp_path):
    """The code updated, ``alur db upgrade`` not run yet: serve and worker refused, the
    other commands printed a driver traceback (found by the operations probe)."""
    assert run_alur(tmp_path, "setup", "--admin", "admin", piped="sandi-admin-2026\n"
                    "sandi-admin-2026\n").returncode == 0
    database = tmp_path / "instans" / "alur.sqlite3"
    with sqlite3.connect(database) as connection:  # as before a migration added the column
        connection.execute("ALTER TABLE users DROP COLUMN language")
    result = run_alur(tmp_path, "user", "list")
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr == (
        "GAGAL: basis data (ALUR_DATABASE_URL) tidak dapat dipakai: no such column: "
        "users.language; bila Alur baru diperbarui, jalankan alur db upgrade dulu (alur setup "
        "untuk basis data baru)\n")


def test_an_empty_stored_secret_key_stops_every_command(tmp_path):
    """Found by the operations probe: /readyz answered 200 and every form 500."""
    (tmp_path / "instans").mkdir(mode=0o700)
    (tmp_path / "instans" / "secret_key").write_text("\n")
    result = run_alur(tmp_path, "db", "current")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "secret_key' kosong atau rusak (0 karakter); hapus berkas itu" in result.stderr


def test_a_stored_secret_key_that_cannot_be_read_stops_every_command(tmp_path):
    """The regression probe: a link to nowhere gave a traceback."""
    (tmp_path / "instans").mkdir(mode=0o700)
    (tmp_path / "instans" / "secret_key").symlink_to(tmp_path / "tidak-ada")
    result = run_alur(tmp_path, "db", "current")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "secret_key' tidak dapat dibaca: tidak ada; hapus berkas itu" in result.stderr
    assert "sesi dan token API yang ada berakhir" in result.stderr


def test_a_folder_where_the_stored_secret_key_should_be_is_named_a_folder(tmp_path):
    """The regression probe: "Is a directory", in English, and "hapus berkas itu"."""
    (tmp_path / "instans" / "secret_key").mkdir(parents=True)
    result = run_alur(tmp_path, "db", "current")
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert ("secret_key' tidak dapat dibaca: sebuah folder, bukan berkas; hapus folder itu "
            "agar Alur membuat yang baru") in result.stderr
