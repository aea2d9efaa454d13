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
                             sa.column('ends_at', WHEN), sa.column('ended_by_id'))
    log = sa.table('audit_log', sa.column('id'), sa.column('at', WHEN), sa.column('action'),
                   sa.column('detail', sa.JSON))
    ended_at_start = bind.execute(sa.select(
        substitutions.c.id, substitutions.c.role, substitutions.c.warrant_number,
        substitutions.c.starts_at).where(
        substitutions.c.ended_by_id.isnot(None),
        substitutions.c.ends_at == substitutions.c.starts_at)).all()
    if not ended_at_start:
        return
    # Each early end's record: when, and which substitution (its warrant, role and end).
    records = bind.execute(sa.select(log.c.at, log.c.detail).where(
        log.c.action == 'substitution.ended').order_by(log.c.id)).all()
    for substitution_id, role, warrant, starts_at in ended_at_start:
        at = next((at for at, detail in records if _names(detail, role, warrant, starts_at)),
                  None)
        if at is not None and at > starts_at:
            bind.execute(substitutions.update().where(substitutions.c.id == substitution_id)
                         .values(ends_at=at))


def _names(detail, role, warrant, starts_at):
    """Whether an early end's audit detail is of the substitution ended at its start."""
    detail = detail or {}
    try:
        ended = datetime.fromisoformat(detail.get('ends_at') or '')
    except ValueError:
        return False
    return (detail.get('role') == role and detail.get('warrant_number') == warrant
            and ended.tzinfo is not None and ended == starts_at)


def downgrade():
    pass  # the periods it lengthened are the true ones; nothing to undo
