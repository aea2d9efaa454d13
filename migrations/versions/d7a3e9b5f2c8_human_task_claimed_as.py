"""a step taken over as Plh/Plt remembers it (human_tasks.claimed_as): a holder of the role
who took the official's step over as "Plh. Prakom" completes it as Plh. Prakom too, and the
official back from leave reads it among the steps done in his place

Revision ID: d7a3e9b5f2c8
Revises: c2f8d4a6e1b3
Create Date: 2026-12-06 17:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd7a3e9b5f2c8'
down_revision = 'c2f8d4a6e1b3'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): human_tasks is referenced by other tables' keys.
    op.add_column('human_tasks', sa.Column('claimed_as', sa.String(length=100), nullable=True))
    _remember_takeovers()


def _remember_takeovers():
    """An open step taken over as Plh/Plt before the column existed: the last claim,
    assignment or release of it in the audit log is the claim of its holder now, "acting
    as" a Plh/Plt (read on the instance's index of the log)."""
    bind = op.get_bind()
    tasks = sa.table('human_tasks', sa.column('id'), sa.column('instance_id'),
                     sa.column('state'), sa.column('claimed_by_id'),
                     sa.column('claimed_as', sa.String))
    log = sa.table('audit_log', sa.column('id'), sa.column('instance_id'),
                   sa.column('human_task_id'), sa.column('action'), sa.column('actor_id'),
                   sa.column('detail', sa.JSON))
    held = bind.execute(sa.select(tasks.c.id, tasks.c.instance_id, tasks.c.claimed_by_id)
                        .where(tasks.c.state == 'open', tasks.c.claimed_by_id.isnot(None))).all()
    for task_id, instance_id, holder_id in held:
        last = bind.execute(
            sa.select(log.c.action, log.c.actor_id, log.c.detail)
            .where(log.c.instance_id == instance_id, log.c.human_task_id == task_id,
                   log.c.action.in_(('task.claimed', 'task.assigned', 'task.released')))
            .order_by(log.c.id.desc()).limit(1)).first()
        if last is None or last.action != 'task.claimed' or last.actor_id != holder_id:
            continue
        acting_as = (last.detail or {}).get('acting_as')
        if acting_as:
            bind.execute(tasks.update().where(tasks.c.id == task_id)
                         .values(claimed_as=str(acting_as)[:100]))


def downgrade():
    op.drop_column('human_tasks', 'claimed_as')
