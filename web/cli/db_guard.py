"""Flask-Migrate's ``alur db`` as an office's operator meets it: ``downgrade`` asks before it
drops what a migration added (a column's data goes with it), or takes ``--ya``; without a
terminal to ask on and without ``--ya`` it changes nothing (``GAGAL``, exit 2); ``upgrade``
ends saying, as ``alur setup`` does, which revision the schema is at and whether it moved
(alembic's own lines were English, and said nothing when there was nothing to do). The
developers' subcommands stay callable, out of the listing."""

import sys
from typing import Any

import click
from alembic.migration import MigrationContext

from web.extensions import db

# Subcommands for those who write migrations, not for running Alur.
DEVELOPERS = ("init", "revision", "migrate", "edit", "merge", "list-templates")
QUESTION = ("Menurunkan skema basis data membuang tabel dan kolom yang ditambahkan migrasi "
            "sesudahnya, beserta datanya. Buat cadangan dulu (alur backup). Lanjutkan?")


def guard(group: click.Group) -> None:
    """Guard ``group``'s ``downgrade``, make its ``upgrade`` say where the schema is, and
    unlist its developers' subcommands, in place (once: a guarded command is left as it
    is)."""
    for name in DEVELOPERS:
        if name in group.commands:
            group.commands[name].hidden = True
    _say_revision(group.commands.get("upgrade"))
    downgrade = group.commands.get("downgrade")
    if downgrade is None or any(param.name == "ya" for param in downgrade.params):
        return
    downgrade.params.append(click.Option(["--ya"], is_flag=True,
                                         help="Lanjutkan tanpa bertanya (skrip)."))
    original = downgrade.callback

    def asked(*args: Any, ya: bool = False, **kwargs: Any) -> Any:
        if not ya:
            if not sys.stdin.isatty():
                click.echo("GAGAL: alur db downgrade membuang tabel dan kolom beserta "
                           "datanya; jalankan di terminal untuk ditanya, atau tambahkan --ya.",
                           err=True)
                raise SystemExit(2)
            if not click.confirm(QUESTION, default=False, err=True):
                click.echo("Dibatalkan; basis data tidak diubah.", err=True)
                raise SystemExit(1)
        return original(*args, **kwargs)

    downgrade.callback = asked


def _say_revision(upgrade: click.Command | None) -> None:
    """After ``upgrade`` has run, one line: "skema basis data dimigrasi ke revisi X" or
    "skema basis data sudah pada revisi terbaru (X)"."""
    if upgrade is None or getattr(upgrade.callback, "says_revision", False):
        return
    original = upgrade.callback

    def said(*args: Any, **kwargs: Any) -> Any:
        before = schema_revision()
        result = original(*args, **kwargs)
        after = schema_revision()
        click.echo(f"skema basis data dimigrasi ke revisi {after}" if after != before
                   else f"skema basis data sudah pada revisi terbaru ({after})")
        return result

    said.says_revision = True  # type: ignore[attr-defined]
    upgrade.callback = said


def schema_revision() -> str | None:
    """The database's Alembic revision (None before the first migration)."""
    with db.engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()
