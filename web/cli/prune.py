"""``alur prune``: let go of read notifications and finished outbox messages older than
a number of days (``engine.retention``: what is kept for good, and why), a batch per
transaction, and say what was deleted."""

import click
from flask.cli import with_appcontext

from engine import retention
from engine.numbers import grouped
from web.cli.origin import mark_command_origin
from web.cli.ranges import WholeRange
from web.extensions import clock, db


@click.command("prune", help=(
    "Hapus notifikasi yang sudah dibaca dan pesan keluar yang sudah terkirim atau dibuang, "
    "yang lebih tua dari --hari hari. Eskalasi, jejak audit dan proses tidak pernah dihapus."))
@click.option("--hari", "days", metavar="N", default=retention.DEFAULT_DAYS, show_default=True,
              type=WholeRange(retention.MIN_DAYS, retention.MAX_DAYS),
              help="Umur paling sedikit (hari) yang dihapus.")
@with_appcontext
def prune_command(days: int) -> None:
    """Delete what ``engine.retention`` lets go of after ``days`` days, committing each
    batch; record the run (``maintenance.pruned``) and print the counts."""
    mark_command_origin()
    deleted = {"notifikasi": 0, "pesan_keluar": 0}
    while True:
        batch = retention.prune_batch(db.session, clock(), days)
        db.session.commit()
        for name, count in batch.items():
            deleted[name] += count
        if not any(batch.values()):
            break
    retention.record_run(db.session, clock(), days, deleted)
    db.session.commit()
    click.echo(f"lebih tua dari {grouped(days)} hari: {grouped(deleted['notifikasi'])} "
               f"notifikasi yang sudah dibaca dan {grouped(deleted['pesan_keluar'])} pesan "
               "keluar yang sudah terkirim atau dibuang dihapus; eskalasi, jejak audit dan "
               "proses tidak pernah dihapus")
