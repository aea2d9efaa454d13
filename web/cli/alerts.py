"""``alur alerts``: monitoring sources that may post to ``POST /api/v1/alerts``."""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine import settings
from engine.desk import alerts
from engine.errors import InvalidTaskData
from engine.models import AlertSource
from engine.time.wall_clock import wall_clock_text
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


@alerts_group.command("rotate-token", help=(
    "Ganti token sumber NAMA: token barunya dicetak sekali, token lama langsung ditolak."))
@click.argument("name", metavar="NAMA")
@with_appcontext
def rotate_token_command(name: str) -> None:
    """Give source NAME a new bearer token, printed once; the old one is refused (401)."""
    try:
        source = alerts.source_named(db.session, name)
    except InvalidTaskData as error:
        raise refused(error) from None
    token = alerts.rotate_token(db.session, clock(), source, actor=None)
    db.session.commit()
    click.echo(f"token bearer baru sumber {name} (dicetak sekali ini saja; token lama tidak "
               "berlaku lagi):", err=True)
    click.echo(token)


@alerts_group.command("list", help="Daftar sumber peringatan: jenis, akun, status, kapan "
                      "dibuat dan kapan terakhir mengirim.")
@with_appcontext
def list_command() -> None:
    """One tab-separated line per source, under a header: name, kind, account, status,
    created, last received (``belum pernah`` when never)."""
    zone = settings.work_calendar(db.session).timezone
    click.echo("NAMA\tJENIS\tAKUN\tSTATUS\tDIBUAT\tTERAKHIR MENERIMA")
    for source in db.session.scalars(select(AlertSource).order_by(AlertSource.name)):
        received = source.last_received_at
        click.echo("\t".join((
            source.name, source.kind, source.user.username,
            "nonaktif" if source.user.is_disabled else "aktif",
            wall_clock_text(source.created_at, zone),
            wall_clock_text(received, zone) if received else "belum pernah")))
