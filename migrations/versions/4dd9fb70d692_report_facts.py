"""report facts: step_facts, instance_facts, escalation_facts (issue 13)

The tables are created empty; ``alur setup`` (or ``alur rebuild-facts``) fills them from
the records of a database that already has history.

Revision ID: 4dd9fb70d692
Revises: c41d7e2a9b15
Create Date: 2026-11-30 14:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = '4dd9fb70d692'
down_revision = '14febf3d7883'
branch_labels = None
depends_on = None

WHEN = engine.db.UTCDateTime()


def upgrade():
    op.create_table(
        'step_facts',
        sa.Column('human_task_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('bpmn_id', sa.String(length=128), nullable=False),
        sa.Column('role', sa.String(length=64), nullable=False),
        sa.Column('performer_id', sa.Integer(), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.Column('due_at', WHEN, nullable=True),
        sa.Column('completed_at', WHEN, nullable=False),
        sa.Column('taken_minutes', sa.Integer(), nullable=False),
        sa.Column('allowed_minutes', sa.Integer(), nullable=True),
        sa.Column('on_time', sa.Boolean(), nullable=True),
        sa.Column('returned', sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(['human_task_id'], ['human_tasks.id'],
                                name=op.f('fk_step_facts_human_task_id_human_tasks')),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_step_facts_instance_id_process_instances')),
        sa.ForeignKeyConstraint(['performer_id'], ['users.id'],
                                name=op.f('fk_step_facts_performer_id_users')),
        sa.PrimaryKeyConstraint('human_task_id', name=op.f('pk_step_facts')))
    op.create_index('ix_step_facts_taken', 'step_facts',
                    ['process_key', 'bpmn_id', 'taken_minutes', 'completed_at'])
    op.create_index('ix_step_facts_allowed', 'step_facts',
                    ['process_key', 'bpmn_id', 'allowed_minutes', 'completed_at', 'on_time'])
    op.create_index('ix_step_facts_performer', 'step_facts',
                    ['performer_id', 'process_key', 'bpmn_id', 'taken_minutes', 'completed_at',
                     'on_time', 'instance_id'])
    op.create_index('ix_step_facts_instance', 'step_facts',
                    ['instance_id', 'performer_id', 'role'])
    op.create_table(
        'instance_facts',
        sa.Column('instance_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('started_at', WHEN, nullable=False),
        sa.Column('ended_at', WHEN, nullable=True),
        sa.Column('outcome', sa.String(length=16), nullable=True),
        sa.Column('cycle_minutes', sa.Integer(), nullable=True),
        sa.Column('priority', sa.String(length=100), nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_instance_facts_instance_id_process_instances')),
        sa.PrimaryKeyConstraint('instance_id', name=op.f('pk_instance_facts')))
    op.create_index('ix_instance_facts_started', 'instance_facts',
                    ['process_key', 'started_at', 'ended_at', 'outcome'])
    op.create_index('ix_instance_facts_ended', 'instance_facts',
                    ['process_key', 'outcome', 'ended_at', 'cycle_minutes', 'priority'])
    op.create_table(
        'escalation_facts',
        sa.Column('escalation_id', sa.Integer(), autoincrement=False, nullable=False),
        sa.Column('human_task_id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('process_key', sa.String(length=128), nullable=False),
        sa.Column('bpmn_id', sa.String(length=128), nullable=False),
        sa.Column('raised_at', WHEN, nullable=False),
        sa.Column('performer_id', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['escalation_id'], ['escalations.id'],
                                name=op.f('fk_escalation_facts_escalation_id_escalations')),
        sa.ForeignKeyConstraint(['human_task_id'], ['human_tasks.id'],
                                name=op.f('fk_escalation_facts_human_task_id_human_tasks')),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_escalation_facts_instance_id_process_instances')),
        sa.ForeignKeyConstraint(['performer_id'], ['users.id'],
                                name=op.f('fk_escalation_facts_performer_id_users')),
        sa.PrimaryKeyConstraint('escalation_id', name=op.f('pk_escalation_facts')))
    op.create_index('ix_escalation_facts_sop', 'escalation_facts',
                    ['process_key', 'raised_at', 'bpmn_id'])
    op.create_index('ix_escalation_facts_performer', 'escalation_facts',
                    ['performer_id', 'raised_at', 'instance_id'])
    op.create_index('ix_escalation_facts_task', 'escalation_facts', ['human_task_id'])


def downgrade():
    op.drop_table('escalation_facts')
    op.drop_table('instance_facts')
    op.drop_table('step_facts')
