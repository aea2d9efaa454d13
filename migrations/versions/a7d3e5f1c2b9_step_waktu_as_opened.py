"""a step's Waktu as it opened: its timer's duration evaluated on the case data and
whether it counts wall-clock time, so escalation levels and "sisa waktu" follow the case
(a kritis ticket's 1 hour round the clock), not the SOP's default Waktu

Revision ID: a7d3e5f1c2b9
Revises: e2b7a4c91d35
Create Date: 2026-12-02 10:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a7d3e5f1c2b9'
down_revision = 'e2b7a4c91d35'
branch_labels = None
depends_on = None


def upgrade():
    # Plain ADD COLUMN (no batch copy): human_tasks is referenced by other tables' keys.
    op.add_column('human_tasks', sa.Column('duration', sa.String(length=40), nullable=True))
    op.add_column('human_tasks', sa.Column('round_the_clock', sa.Boolean(),
                                           server_default=sa.false(), nullable=False))


def downgrade():
    op.drop_column('human_tasks', 'round_the_clock')
    op.drop_column('human_tasks', 'duration')
