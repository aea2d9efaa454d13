"""form_receipts.request_hash: an API request with an Idempotency-Key is kept as a form
page is, with the digest of the request it came with (a key sent again with another
request is refused)

Revision ID: e3a7b5c9d1f4
Revises: d9f2c6a1e8b3
Create Date: 2026-12-05 18:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e3a7b5c9d1f4'
down_revision = 'd9f2c6a1e8b3'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('form_receipts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('request_hash', sa.String(length=64), nullable=False,
                                      server_default=''))


def downgrade():
    with op.batch_alter_table('form_receipts', schema=None) as batch_op:
        batch_op.drop_column('request_hash')
