"""one index for a SOP's steps: durations and deadlines read in one pass

Kinerja SOP, Peta hambatan and Tabel 7 read a SOP's step facts once, grouped by step,
minutes taken and minutes allowed, instead of once per figure (issue 13).

Revision ID: b8e41d07c3f2
Revises: 9c2d4e6f8a10
Create Date: 2026-12-01 21:00:00.000000

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b8e41d07c3f2'
down_revision = '9c2d4e6f8a10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('step_facts', schema=None) as batch_op:
        batch_op.create_index('ix_step_facts_steps', ['process_key', 'bpmn_id', 'taken_minutes',
                                                      'allowed_minutes', 'on_time',
                                                      'completed_at'], unique=False)
        batch_op.drop_index('ix_step_facts_taken')
        batch_op.drop_index('ix_step_facts_allowed')


def downgrade():
    with op.batch_alter_table('step_facts', schema=None) as batch_op:
        batch_op.create_index('ix_step_facts_allowed', ['process_key', 'bpmn_id',
                                                        'allowed_minutes', 'completed_at',
                                                        'on_time'], unique=False)
        batch_op.create_index('ix_step_facts_taken', ['process_key', 'bpmn_id', 'taken_minutes',
                                                      'completed_at'], unique=False)
        batch_op.drop_index('ix_step_facts_steps')
