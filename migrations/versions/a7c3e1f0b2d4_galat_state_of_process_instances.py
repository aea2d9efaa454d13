"""galat state of process instances: error message, element and time

Revision ID: a7c3e1f0b2d4
Revises: 36ebd0deb754
Create Date: 2026-11-30 11:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db  # noqa: F401  (UTCDateTime, used by the columns)

# revision identifiers, used by Alembic.
revision = 'a7c3e1f0b2d4'
down_revision = '36ebd0deb754'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.add_column(sa.Column('error_message', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('error_element', sa.String(length=128), nullable=True))
        batch_op.add_column(sa.Column('failed_at', engine.db.UTCDateTime(timezone=True),
                                      nullable=True))


def downgrade():
    with op.batch_alter_table('process_instances', schema=None) as batch_op:
        batch_op.drop_column('failed_at')
        batch_op.drop_column('error_element')
        batch_op.drop_column('error_message')
