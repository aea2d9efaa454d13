"""Before ``alur serve`` and ``alur worker`` start: wait, for at most ``ALUR_DATABASE_WAIT``
seconds, until the database answers. A database that is not up yet (PostgreSQL starting
after a reboot) is said once in a sentence, not in a traceback per part of every worker
round; one that stays down ends the command with ``GAGAL`` and exit code 1, and systemd's
``Restart=on-failure`` (deploy/systemd) starts it again ``RestartSec`` later. A database
that answers but holds no Alur tables (``alur setup`` never ran on it) ends the command at
once with ``GAGAL`` naming what to run, instead of a traceback per part of every round; so
does a server that refuses the URL's database, user or password (``MISTAKEN``).
Once the database is ready, process number counters that fell behind are caught up
(``engine.process.numbering``).
"""

import logging
import re
import time

import click
from alembic.migration import MigrationContext
from flask import Flask
from sqlalchemy import inspect, text
from sqlalchemy.exc import SQLAlchemyError

from engine.db import database_words, shown_url
from engine.process import numbering
from web.extensions import clock, db
from web.health import known_revisions, migration_heads

LOG = logging.getLogger("alur.startup")
# Seconds between two tries while waiting.
RETRY_SECONDS = 1.0
# What the PostgreSQL server answers for a database or role that is not there, or a wrong
# password: a mistyped ALUR_DATABASE_URL, which waiting does not mend (said at once).
MISTAKEN = re.compile(r'(database|role) "[^"]*" does not exist|password authentication failed')


def wait_for_database(app: Flask, command: str) -> None:
    """Return once ``app``'s database answers ``SELECT 1``; until then try again every
    ``RETRY_SECONDS``, having said once on stderr that ``command`` (e.g. ``alur worker``)
    waits for it (the URL without its password). The connection is closed again, so
    that gunicorn's processes do not inherit it.

    Raises:
        SystemExit: code 1 after ``GAGAL: …`` when the database did not answer within
            ``app.config["ALUR_DATABASE_WAIT"]`` seconds (0: one try), or answered without
            Alur's tables.
    """
    url = shown_url(app.config["SQLALCHEMY_DATABASE_URI"])
    wait = app.config["ALUR_DATABASE_WAIT"]
    deadline = time.monotonic() + wait
    said = False
    while True:
        cause = _unreachable(app)
        if cause is None:
            if said:
                click.echo(f"{command}: basis data {url} dapat dihubungi; mulai.", err=True)
            if not _prepared(app):
                click.echo(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} belum berisi tabel "
                           "Alur; jalankan alur setup (atau alur db upgrade) dulu.", err=True)
                raise SystemExit(1)
            found, expected = _revisions(app)
            directory = app.extensions["migrate"].directory
            if found - known_revisions(directory):
                click.echo(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} pada revisi migrasi "
                           f"{', '.join(sorted(found))} yang tidak dikenal Alur ini (dari Alur "
                           "yang lebih baru); pakai Alur yang sama atau lebih baru.", err=True)
                raise SystemExit(1)
            if found and found != expected:
                click.echo(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} pada revisi migrasi "
                           f"{', '.join(sorted(found))}, Alur ini memerlukan "
                           f"{', '.join(sorted(expected))}; jalankan alur db upgrade dulu "
                           "(atau pakai Alur yang sama dengan basis datanya).", err=True)
                raise SystemExit(1)
            catch_up_numbers(app)
            return
        if MISTAKEN.search(cause):
            click.echo(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} menolak sambungan: "
                       f"{cause}. Periksa nama basis data, pengguna dan kata sandinya di "
                       "ALUR_DATABASE_URL; menunggu tidak mengubahnya.", err=True)
            raise SystemExit(1)
        if time.monotonic() + RETRY_SECONDS > deadline:
            waited = f" selama {wait:g} detik" if wait else ""
            click.echo(f"GAGAL: basis data (ALUR_DATABASE_URL) {url} tidak dapat "
                       f"dihubungi{waited}: {cause}", err=True)
            raise SystemExit(1)
        if not said:
            click.echo(f"{command}: basis data {url} tidak dapat dihubungi ({cause}); "
                       f"mencoba lagi setiap {RETRY_SECONDS:g} detik, paling lama "
                       f"{wait:g} detik", err=True)
            said = True
        time.sleep(RETRY_SECONDS)


def catch_up_numbers(app: Flask) -> None:
    """Put this year's process number counters that fell behind at the highest number
    given (``engine.process.numbering.catch_up``), committed, each one said in the log
    (logger ``alur.startup``)."""
    with app.app_context():
        try:
            for line in caught_up_lines(numbering.catch_up(db.session, clock())):
                LOG.warning("%s", line)
            db.session.commit()
        finally:
            db.session.remove()
            db.engine.dispose()


def caught_up_lines(moved: dict[str, int]) -> list[str]:
    """What ``numbering.catch_up`` did (``{stem: highest number}``), a sentence per counter:
    ``penghitung nomor proses LTI-2026- tertinggal; dilanjutkan setelah LTI-2026-0043``."""
    return [f"penghitung nomor proses {stem} tertinggal; dilanjutkan setelah {stem}{given:04d}"
            for stem, given in moved.items()]


def _unreachable(app: Flask) -> str | None:
    """Why the database does not answer (its own first line), or None when it does."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
            return None
        except SQLAlchemyError as error:
            return database_words(error)
        finally:
            db.engine.dispose()


def _prepared(app: Flask) -> bool:
    """Whether the database holds Alur's tables (migrated, or made by ``db.create_all``)."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                return inspect(connection).has_table("process_instances")
        finally:
            db.engine.dispose()


def _revisions(app: Flask) -> tuple[set[str], set[str]]:
    """The database's migration revisions (none for one made by ``db.create_all``) and
    those of this code, as ``/readyz`` compares them: a worker one migration behind logged
    a traceback every round instead of saying what to run."""
    with app.app_context():
        try:
            with db.engine.connect() as connection:
                found = set(MigrationContext.configure(connection).get_current_heads())
        finally:
            db.engine.dispose()
    return found, set(migration_heads(app.extensions["migrate"].directory))
