"""How an ``alur`` command words the engine's refusal: ``GAGAL: --name: nama lengkap wajib
diisi``. ``InvalidTaskData`` names each bad field by the engine's key (``full_name``);
the administrator typed an option or an argument, so the field is named as the running
command's parameter that carries it — the option (``--name``, ``--role``) or the
argument's metavar (``NAMA``). Each command's declaration (``"--name", "full_name"``) is
the mapping; a field no parameter carries (the password ``alur setup`` asks for) is left
to its sentence alone."""

import click

from engine.errors import AlurError, InvalidTaskData
from engine.text import UNKEPT
from web.extensions import db

UNKEPT_WORDS = ("memuat karakter kendali yang tidak dapat disimpan (mis. tersalin dari "
                "dokumen lain); hapus karakter itu lalu ulangi perintahnya")


def refused(error: AlurError) -> click.ClickException:
    """Roll back the session and return ``error`` as the exception that ends the command
    with ``GAGAL: …`` and exit code 1, each bad field named as the administrator typed
    it. Call inside a running click command."""
    db.session.rollback()
    if not isinstance(error, InvalidTaskData):
        return click.ClickException(error.message)
    command = click.get_current_context().command
    return click.ClickException("; ".join(
        f"{typed}: {problem}" if (typed := _as_typed(field, command)) else problem
        for field, problem in error.fields.items()))


def refuse_unkept(**fields: str | None) -> None:
    """Refuse (as ``refused``: ``GAGAL: --name: memuat karakter kendali …``, exit 1, nothing
    stored) when a value typed for a field (keyword: the engine's name of the field, e.g.
    ``full_name``) holds a character the web refuses in every form field too
    (``engine.text.UNKEPT``: control characters other than tab and newline, lone surrogates;
    README, "Akun, peran dan keamanan"). Call inside a running click command."""
    bad = {field: UNKEPT_WORDS for field, value in fields.items()
           if value and UNKEPT.search(value)}
    if bad:
        raise refused(InvalidTaskData(bad))


def _as_typed(field: str, command: click.Command) -> str | None:
    """The option (its first spelling) or argument (its metavar) of ``command`` whose value
    the engine calls ``field``; None when no parameter carries it."""
    for param in command.params:
        if param.name == field:
            return param.opts[0] if isinstance(param, click.Option) else param.metavar
    return None
