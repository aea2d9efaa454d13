"""alert_sources.last_received_at: the administrator sees whether a monitoring source
still sends (Sumber peringatan, `alur alerts list`)

Revision ID: d9f2c6a1e8b3
Revises: c8e1f5a2b7d4
Create Date: 2026-12-05 18:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'd9f2c6a1e8b3'
down_revision = 'c8e1f5a2b7d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('alert_sources', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_received_at', engine.db.UTCDateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('alert_sources', schema=None) as batch_op:
        batch_op.drop_column('last_received_at')
