"""a step's notices found from one index: taking or assigning a step marks its unread "tugas
baru" notices read (engine.escalation.task_notices), which read the whole table without it

Revision ID: a4c6e8f0b2d1
Revises: b7d1f3a9c2e5
Create Date: 2026-12-06 12:40:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c6e8f0b2d1'
down_revision = 'b7d1f3a9c2e5'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_task', ['human_task_id'], unique=False)


def downgrade():
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index('ix_notifications_task')
