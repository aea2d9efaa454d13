"""Who runs a command that acts for a person: the operating system's account and host,
kept in the audit records the command writes (``engine.audit.ORIGIN``)."""

import getpass
import os
import socket

import click

from engine import audit


def mark_command_origin() -> None:
    """Set ``engine.audit.ORIGIN`` to ``user@host`` until the current click command ends
    (then it is what it was before: a test runs many commands in one process); an account
    with no name, as in some containers: ``uid 1000@host``."""
    try:
        user = getpass.getuser()
    except (KeyError, OSError):  # no passwd entry and no LOGNAME/USER
        user = f"uid {os.getuid()}"
    token = audit.ORIGIN.set(f"{user}@{socket.gethostname()}")
    click.get_current_context().call_on_close(lambda: audit.ORIGIN.reset(token))
