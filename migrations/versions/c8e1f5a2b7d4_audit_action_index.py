"""audit_log by action and time: an account's history (Pengguna dan Peran) reads the
account actions of one user, newest first, without scanning every record

Revision ID: c8e1f5a2b7d4
Revises: b5d8e2f4a613
Create Date: 2026-12-05 05:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c8e1f5a2b7d4'
down_revision = 'b5d8e2f4a613'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.create_index('ix_audit_log_action_at', ['action', 'at'], unique=False)


def downgrade():
    with op.batch_alter_table('audit_log', schema=None) as batch_op:
        batch_op.drop_index('ix_audit_log_action_at')
