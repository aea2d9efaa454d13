"""``alur alerts``: monitoring sources that may post to ``POST /api/v1/alerts``."""

import click
from flask.cli import with_appcontext

from engine.desk import alerts
from engine.errors import InvalidTaskData
from web.cli.origin import mark_command_origin
from web.cli.refusals import refused
from web.extensions import clock, db
from web.views.auth import hash_password


@click.group("alerts", help="Sumber peringatan pemantauan (Alertmanager, Uptime Kuma).")
def alerts_group() -> None:
    """Monitoring alert sources (Alertmanager, Uptime Kuma)."""
    mark_command_origin()


@alerts_group.command("add-source", help=(
    "Tambah sumber peringatan NAMA. Token bearer-nya dicetak sekali; yang disimpan hanya "
    "hash-nya."))
@click.argument("name", metavar="NAMA")
@click.option("--kind", required=True, type=click.Choice(alerts.KINDS),
              help="Jenis sumber.")
@with_appcontext
def add_source_command(name: str, kind: str) -> None:
    """Add a source NAME; prints its bearer token once (only its hash is stored)."""
    try:
        _, token = alerts.add_source(db.session, clock(), hash_password, name=name, kind=kind,
                                     actor=None)
    except InvalidTaskData as error:
        raise refused(error) from None
    db.session.commit()
    # The token alone on standard output, for scripts; what it is, beside it, for people.
    click.echo(f"token bearer sumber {name} (dicetak sekali ini saja; simpan di konfigurasi "
               "sumbernya):", err=True)
    click.echo(token)
