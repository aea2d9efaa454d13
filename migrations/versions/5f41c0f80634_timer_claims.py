"""timer claims: workers claim due timers in batches, with an owner and an expiry

Revision ID: 5f41c0f80634
Revises: c41d7e2a9b15
Create Date: 2026-11-30 14:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = '5f41c0f80634'
down_revision = '7a3f9c1d2e84'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.add_column(sa.Column('claimed_by', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('claimed_until', engine.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('timers', schema=None) as batch_op:
        batch_op.drop_column('claimed_until')
        batch_op.drop_column('claimed_by')
