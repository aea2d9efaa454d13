"""an instance's history in time order from one index: (instance_id, at, id) replaces the
index on instance_id alone (its prefix serves the same lookups)

Revision ID: e2b7a4c91d35
Revises: c5a92e3f61d8
Create Date: 2026-12-02 07:20:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e2b7a4c91d35'
down_revision = 'c5a92e3f61d8'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_instance_at_id', ['instance_id', 'at', 'id'],
                              unique=False)
        batch_op.drop_index('ix_audit_log_instance_id')


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_instance_id', ['instance_id'], unique=False)
        batch_op.drop_index('ix_audit_log_instance_at_id')
