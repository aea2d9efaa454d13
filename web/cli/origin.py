"""Who runs a command that acts for a person: the operating system's account and host,
kept in the audit records the command writes (``engine.audit.ORIGIN``)."""

import os
import pwd
import socket

import click

from engine import audit


def mark_command_origin() -> None:
    """Set ``engine.audit.ORIGIN`` until the current click command ends (then it is what it
    was before: a test runs many commands in one process) to the account the command runs
    as (its effective user id, not ``$USER``) and the host: ``root@alur-1``; run through
    sudo, the one who ran sudo first: ``budi@alur-1 (sudo root)``; an account with no name,
    as in some containers: ``uid 1000@alur-1``."""
    try:
        account = pwd.getpwuid(os.geteuid()).pw_name
    except KeyError:  # no passwd entry
        account = f"uid {os.geteuid()}"
    host = socket.gethostname()
    sudo = os.environ.get("SUDO_USER")
    origin = (f"{sudo}@{host} (sudo {account})" if sudo and sudo != account
              else f"{account}@{host}")
    token = audit.ORIGIN.set(origin)
    click.get_current_context().call_on_close(lambda: audit.ORIGIN.reset(token))
