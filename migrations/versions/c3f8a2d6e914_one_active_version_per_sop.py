"""one active version per SOP, held by the database: a partial unique index on
process_definitions.key where is_active (two activations of one SOP at once left both
versions active; now the second fails and is answered 409)

Revision ID: c3f8a2d6e914
Revises: a7d3e5f1c2b9
Create Date: 2026-12-02 19:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c3f8a2d6e914'
down_revision = 'a7d3e5f1c2b9'
branch_labels = None
depends_on = None


def upgrade():
    # A database where two activations raced holds several active versions of one SOP:
    # the newest of them stays active, so that the index can be built.
    op.execute(sa.text(
        "UPDATE process_definitions SET is_active = false WHERE is_active AND id NOT IN "
        "(SELECT max(id) FROM process_definitions WHERE is_active GROUP BY key)"))
    op.create_index('uq_process_definitions_one_active', 'process_definitions', ['key'],
                    unique=True, sqlite_where=sa.text('is_active'),
                    postgresql_where=sa.text('is_active'))


def downgrade():
    op.drop_index('uq_process_definitions_one_active', table_name='process_definitions')
