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


def downgrade():
    op.drop_column('human_tasks', 'claimed_as')
