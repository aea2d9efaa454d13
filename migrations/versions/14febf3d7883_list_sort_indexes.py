"""lists sorted on indexed columns: process instances newest first, people by name

Revision ID: 14febf3d7883
Revises: c41d7e2a9b15
Create Date: 2026-11-30 14:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '14febf3d7883'
down_revision = 'c41d7e2a9b15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.create_index('ix_process_instances_started_at_id', ['started_at', 'id'],
                              unique=False)
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_full_name', ['full_name'], unique=False)


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_full_name')
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_index('ix_process_instances_started_at_id')
