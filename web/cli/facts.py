"""``alur rebuild-facts``: write the report facts again from the records, in batches.

Needed once after upgrading a database made before the facts existed (``alur setup`` does
it by itself when it finds history without facts), and after the office calendar changed
for days already past (the facts keep the office minutes of the calendar of their day).
"""

import click
from flask.cli import with_appcontext
from sqlalchemy import select

from engine import settings
from engine.models import InstanceFact, ProcessInstance
from engine.reports.rebuild import BATCH, rebuild_all
from web.cli.ranges import WholeRange
from web.extensions import db


def rebuild(batch: int = BATCH) -> int:
    """Rebuild every fact, committing after each batch of ``batch`` rows; returns the facts
    written."""
    def done(kind: str, written: int) -> None:
        db.session.commit()

    return rebuild_all(db.session, settings.work_calendar(db.session), batch, done)


def missing() -> bool:
    """Whether the database has process instances but no instance facts (made before the
    facts existed)."""
    return (db.session.scalar(select(ProcessInstance.id).limit(1)) is not None
            and db.session.scalar(select(InstanceFact.instance_id).limit(1)) is None)


@click.command("rebuild-facts", help=(
    "Bangun ulang fakta laporan dari catatan. Aman diulang; --batch baris per transaksi."))
@click.option("--batch", metavar="N", type=WholeRange(100, 50_000), default=BATCH,
              show_default=True, help="Baris per transaksi.")
@with_appcontext
def rebuild_facts_command(batch: int) -> None:
    """Rebuild the report facts from the records (idempotent; safe to run again)."""
    written = rebuild(batch)
    click.echo(f"Fakta laporan dibangun ulang: {written} baris.")
