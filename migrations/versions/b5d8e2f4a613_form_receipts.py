"""form_receipts: the one-time key of a form page sent (Mulai Proses, Ajukan Tiket, a
comment, a ticket message) and where it led, so that the same page sent twice does its
change once

Revision ID: b5d8e2f4a613
Revises: a7c2e5f09b31
Create Date: 2026-12-04 18:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'b5d8e2f4a613'
down_revision = 'a7c2e5f09b31'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'form_receipts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=32), nullable=False),
        sa.Column('location', sa.String(length=300), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_form_receipts_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_form_receipts')),
        sa.UniqueConstraint('user_id', 'key', name=op.f('uq_form_receipts_user_id')),
    )
    with op.batch_alter_table('form_receipts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_form_receipts_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('form_receipts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_form_receipts_user_id'))
    op.drop_table('form_receipts')
