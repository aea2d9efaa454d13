"""lists sorted on indexed columns: instances newest first, Galat by failure, SOPs and
people by name, Plh/Plt by start

Revision ID: 14febf3d7883
Revises: c41d7e2a9b15
Create Date: 2026-11-30 14:45:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '14febf3d7883'
down_revision = '3b9905429463'
branch_labels = None
depends_on = None


INDEXES = (
    ('process_instances', 'ix_process_instances_started_at_id', ['started_at', 'id']),
    ('process_instances', 'ix_process_instances_status_failed_at', ['status', 'failed_at']),
    ('process_definitions', 'ix_process_definitions_active_name', ['is_active', 'name']),
    ('users', 'ix_users_full_name', ['full_name']),
    ('substitutions', 'ix_substitutions_starts_at', ['starts_at']),
)


def upgrade():
    for table, name, columns in INDEXES:
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.create_index(name, columns, unique=False)


def downgrade():
    for table, name, _ in reversed(INDEXES):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(name)
