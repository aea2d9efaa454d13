"""a Plh/Plt ended in the minute it began, before an early end could fall after its start,
was stored ending at its start and read as cancelled: it ends when it was ended (the time
of its substitution.ended record), so the steps done under it stay its own

Revision ID: e4c9a1f7d3b2
Revises: b6e1d3f9a2c7
Create Date: 2026-12-06 20:00:00.000000

"""
from datetime import datetime

import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'e4c9a1f7d3b2'
down_revision = 'b6e1d3f9a2c7'
branch_labels = None
depends_on = None

WHEN = engine.db.UTCDateTime()


def upgrade():
    bind = op.get_bind()
    substitutions = sa.table('substitutions', sa.column('id'), sa.column('role'),
                             sa.column('warrant_number'), sa.column('starts_at', WHEN),
                             sa.column('ends_at', WHEN), sa.column('ended_by_id'),
                             sa.column('official_id'), sa.column('substitute_id'))
    users = sa.table('users', sa.column('id'), sa.column('username'))
    log = sa.table('audit_log', sa.column('id'), sa.column('at', WHEN), sa.column('action'),
                   sa.column('detail', sa.JSON))
    official, substitute = users.alias('official'), users.alias('substitute')
    ended_at_start = bind.execute(sa.select(
        substitutions.c.id, substitutions.c.role, substitutions.c.warrant_number,
        substitutions.c.starts_at, official.c.username, substitute.c.username)
        .join(official, official.c.id == substitutions.c.official_id)
        .join(substitute, substitute.c.id == substitutions.c.substitute_id)
        .where(substitutions.c.ended_by_id.isnot(None),
               substitutions.c.ends_at == substitutions.c.starts_at)
        .order_by(substitutions.c.id)).all()
    if not ended_at_start:
        return
    # Each early end's record: when, and which substitution (official, substitute, role,
    # warrant and end), each taken by one substitution, in the order both were made.
    records = [list(row) for row in bind.execute(sa.select(log.c.at, log.c.detail).where(
        log.c.action == 'substitution.ended').order_by(log.c.id))]
    for substitution_id, *names in ended_at_start:
        record = next((record for record in records if record[1] is not None
                       and _names(record[1], *names)), None)
        if record is None:
            continue
        record[1] = None  # taken
        if record[0] > names[2]:
            bind.execute(substitutions.update().where(substitutions.c.id == substitution_id)
                         .values(ends_at=record[0]))


def _names(detail, role, warrant, starts_at, official, substitute):
    """Whether an early end's audit detail is of this substitution, ended at its start."""
    try:
        ended = datetime.fromisoformat(detail.get('ends_at') or '')
    except ValueError:
        return False
    return (detail.get('role') == role and detail.get('warrant_number') == warrant
            and detail.get('official') == official and detail.get('substitute') == substitute
            and ended.tzinfo is not None and ended == starts_at)


def downgrade():
    pass  # the periods it lengthened are the true ones; nothing to undo
