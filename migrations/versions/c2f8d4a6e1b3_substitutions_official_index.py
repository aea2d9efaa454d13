"""an official's substitutions found from one index: every Kotak Masuk asks for the reader's
own (the "sedang digantikan" and "Selama Anda berhalangan" banners), which read the whole
table without it

Revision ID: c2f8d4a6e1b3
Revises: a4c6e8f0b2d1
Create Date: 2026-12-06 16:50:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c2f8d4a6e1b3'
down_revision = 'a4c6e8f0b2d1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.create_index('ix_substitutions_official_period', ['official_id', 'ends_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.drop_index('ix_substitutions_official_period')
