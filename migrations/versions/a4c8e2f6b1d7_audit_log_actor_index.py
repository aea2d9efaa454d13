"""audit_log (actor_id, at): Jejak audit finds one person's records a page at a time

Revision ID: a4c8e2f6b1d7
Revises: e3a7b5c9d1f4
Create Date: 2026-12-05 21:30:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a4c8e2f6b1d7'
down_revision = 'e3a7b5c9d1f4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_index('ix_audit_log_actor_at', 'audit_log', ['actor_id', 'at'], unique=False)


def downgrade():
    op.drop_index('ix_audit_log_actor_at', table_name='audit_log')
