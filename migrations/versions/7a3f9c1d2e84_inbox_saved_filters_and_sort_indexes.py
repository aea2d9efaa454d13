"""inbox: saved filters per user, indexes for counting, paging and sorting open tasks

Revision ID: 7a3f9c1d2e84
Revises: c41d7e2a9b15
Create Date: 2026-11-30 14:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = '7a3f9c1d2e84'
down_revision = '4dd9fb70d692'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'saved_filters',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=60), nullable=False),
        sa.Column('query', sa.JSON(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_saved_filters_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_saved_filters')),
        sa.UniqueConstraint('user_id', 'name', name=op.f('uq_saved_filters_user_id')),
    )
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_saved_filters_user_id'), ['user_id'], unique=False)
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.create_index('ix_human_tasks_inbox', ['state', 'role', 'claimed_by_id',
                                                       'instance_id', 'due_at', 'created_at'],
                              unique=False)
        batch_op.create_index('ix_human_tasks_state_name', ['state', 'name'], unique=False)


def downgrade():
    with op.batch_alter_table('human_tasks', schema=None) as batch_op:
        batch_op.drop_index('ix_human_tasks_state_name')
        batch_op.drop_index('ix_human_tasks_inbox')
    with op.batch_alter_table('saved_filters', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_saved_filters_user_id'))
    op.drop_table('saved_filters')
