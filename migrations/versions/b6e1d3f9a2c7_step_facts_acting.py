"""a step fact says whether the step was completed as a Plh/Plt (step_facts.acting), so the
person report counts a Plh's steps done in the official's place, from the performer's index

Revision ID: b6e1d3f9a2c7
Revises: d7a3e9b5f2c8
Create Date: 2026-12-06 19:40:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b6e1d3f9a2c7'
down_revision = 'd7a3e9b5f2c8'
branch_labels = None
depends_on = None

PERFORMER = ['performer_id', 'process_key', 'bpmn_id', 'taken_minutes', 'completed_at',
             'on_time']


def upgrade():
    op.add_column('step_facts', sa.Column('acting', sa.Boolean(), server_default=sa.false(),
                                          nullable=False))
    facts = sa.table('step_facts', sa.column('human_task_id'), sa.column('acting', sa.Boolean))
    tasks = sa.table('human_tasks', sa.column('id'), sa.column('completed_as'))
    op.get_bind().execute(facts.update().where(facts.c.human_task_id.in_(
        sa.select(tasks.c.id).where(tasks.c.completed_as.isnot(None)))).values(acting=True))
    op.drop_index('ix_step_facts_performer', table_name='step_facts')
    op.create_index('ix_step_facts_performer', 'step_facts',
                    [*PERFORMER, 'acting', 'instance_id'])


def downgrade():
    op.drop_index('ix_step_facts_performer', table_name='step_facts')
    op.create_index('ix_step_facts_performer', 'step_facts', [*PERFORMER, 'instance_id'])
    op.drop_column('step_facts', 'acting')
