"""click's own words in Bahasa Indonesia: the usage errors ("Nilai 'TABEL' tidak sah:
Berkas 'x.csv' tidak ada."), the --help headings and "GAGAL:" before a refusal, from
``locale/id/LC_MESSAGES/click.po`` (compiled by ``make install``). click translates
through Python's ``gettext`` (its documented way), so the ``alur`` command binds the
domain once, before it prints anything.
"""

import gettext
import os
from pathlib import Path

import click

LOCALE = Path(__file__).resolve().parent / "locale"


def speak_indonesian() -> None:
    """Make click speak Indonesian in this process, unless ``LANGUAGE`` already names the
    languages wanted (``LANGUAGE=en`` keeps click's English). Without the compiled
    catalog click falls back to English."""
    os.environ.setdefault("LANGUAGE", "id")
    gettext.bindtextdomain("click", str(LOCALE))
    gettext.textdomain("click")


def usage_in_language(command: click.Command) -> None:
    """Give ``command`` and every command under it the usage line's ``[OPTIONS]`` and
    ``COMMAND [ARGS]...`` in the language click speaks (``[OPSI]``, ``PERINTAH
    [ARGUMEN]...``). click writes a command's ``options_metavar`` and a group's
    ``subcommand_metavar`` as given, never through gettext, so the catalog carries them
    beside click's own words."""
    command.options_metavar = gettext.gettext("[OPTIONS]")
    if isinstance(command, click.Group):
        command.subcommand_metavar = gettext.gettext("COMMAND [ARGS]...")
        for subcommand in command.commands.values():
            usage_in_language(subcommand)


class NamedArgument(click.Argument):
    """An argument of many values whose refusal names it by its word ("Nilai PERAN tidak
    sah: …"), not by its usage metavar ("Nilai '[PERAN]...' tidak sah")."""

    def get_error_hint(self, ctx: click.Context | None) -> str:
        return self.human_readable_name.strip("[].")
