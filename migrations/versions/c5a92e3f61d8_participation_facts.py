"""participation facts: who took part in an ended instance, in which role

A person's MTTR and ticket satisfaction read the person's rows instead of looking into
the steps of every instance that ended in the period (issue 13). Filled here from the
step and instance facts already written.

Revision ID: c5a92e3f61d8
Revises: b8e41d07c3f2
Create Date: 2026-12-01 21:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'c5a92e3f61d8'
down_revision = 'b8e41d07c3f2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'participation_facts',
        sa.Column('instance_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('performer_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('role', sa.String(length=64), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('outcome', sa.String(length=16), nullable=False),
        sa.Column('ended_at', engine.db.UTCDateTime(), nullable=False),
        sa.Column('cycle_minutes', sa.Integer(), nullable=True),
        sa.Column('priority', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_participation_facts_instance_id_process_instances')),
        sa.ForeignKeyConstraint(['performer_id'], ['users.id'],
                                name=op.f('fk_participation_facts_performer_id_users')),
        sa.PrimaryKeyConstraint('instance_id', 'performer_id', 'role',
                                name=op.f('pk_participation_facts')),
    )
    with op.batch_alter_table('participation_facts', schema=None) as batch_op:
        batch_op.create_index('ix_participation_facts_person',
                              ['performer_id', 'outcome', 'process_key', 'ended_at', 'role',
                               'priority', 'cycle_minutes', 'instance_id'], unique=False)
    op.execute(
        "INSERT INTO participation_facts (instance_id, performer_id, role, process_key, "
        "outcome, ended_at, cycle_minutes, priority) "
        "SELECT DISTINCT s.instance_id, s.performer_id, s.role, i.process_key, i.outcome, "
        "i.ended_at, i.cycle_minutes, i.priority "
        "FROM step_facts s JOIN instance_facts i ON i.instance_id = s.instance_id "
        "WHERE i.outcome IS NOT NULL AND s.performer_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('participation_facts', schema=None) as batch_op:
        batch_op.drop_index('ix_participation_facts_person')
    op.drop_table('participation_facts')
