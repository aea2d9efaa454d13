"""SOPs by name whatever the case: the index on process_definitions (is_active, name)
becomes (is_active, lower(name)), which the lists' order (lower(name), name, id) uses on
SQLite and PostgreSQL alike

Revision ID: d4e7b1a9c6f2
Revises: c3f8a2d6e914
Create Date: 2026-12-03 09:00:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd4e7b1a9c6f2'
down_revision = 'c3f8a2d6e914'
branch_labels = None
depends_on = None


# Not in batch mode: SQLite cannot reflect an expression index, so a batch that rebuilds
# process_definitions would drop it; a later batch on that table must create it again.
def upgrade():
    op.create_index('ix_process_definitions_active_lower_name', 'process_definitions',
                    ['is_active', sa.text('lower(name)')], unique=False)
    op.drop_index('ix_process_definitions_active_name', table_name='process_definitions')


def downgrade():
    op.create_index('ix_process_definitions_active_name', 'process_definitions',
                    ['is_active', 'name'], unique=False)
    op.drop_index('ix_process_definitions_active_lower_name', table_name='process_definitions')
