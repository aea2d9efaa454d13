"""users.is_auditor: a read-only account for the office's auditors (Inspektorat, BPK)

Revision ID: b7d1f3a9c2e5
Revises: a4c8e2f6b1d7
Create Date: 2026-12-05 22:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b7d1f3a9c2e5'
down_revision = 'a4c8e2f6b1d7'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_auditor', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('is_auditor')
