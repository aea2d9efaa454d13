"""Flask-Migrate's ``alur db`` as an office's operator meets it: ``downgrade`` asks before it
drops what a migration added (a column's data goes with it), or takes ``--ya``; without a
terminal to ask on and without ``--ya`` it changes nothing (``GAGAL``, exit 2). The
developers' subcommands stay callable, out of the listing."""

import sys
from typing import Any

import click

# Subcommands for those who write migrations, not for running Alur.
DEVELOPERS = ("init", "revision", "migrate", "edit", "merge", "list-templates")
QUESTION = ("Menurunkan skema basis data membuang tabel dan kolom yang ditambahkan migrasi "
            "sesudahnya, beserta datanya. Buat cadangan dulu (alur backup). Lanjutkan?")


def guard(group: click.Group) -> None:
    """Guard ``group``'s ``downgrade`` and unlist its developers' subcommands, in place
    (once: a guarded command is left as it is)."""
    for name in DEVELOPERS:
        if name in group.commands:
            group.commands[name].hidden = True
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
