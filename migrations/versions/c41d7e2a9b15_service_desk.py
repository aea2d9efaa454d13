"""service desk: requester thread, SLA pauses, ratings, monitoring alerts

Revision ID: c41d7e2a9b15
Revises: 5b2c9e7d1a40
Create Date: 2026-11-30 12:50:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'c41d7e2a9b15'
down_revision = '5b2c9e7d1a40'
branch_labels = None
depends_on = None

WHEN = engine.db.UTCDateTime()


def upgrade():
    op.create_table(
        'alert_sources',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('name', sa.String(length=100), nullable=False),
        sa.Column('kind', sa.String(length=20), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_alert_sources_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alert_sources')),
        sa.UniqueConstraint('name', name=op.f('uq_alert_sources_name')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_alert_sources_token_hash')))
    op.create_table(
        'alerts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('source_id', sa.Integer(), nullable=False),
        sa.Column('fingerprint', sa.String(length=200), nullable=False),
        sa.Column('system', sa.String(length=200), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=True),
        sa.Column('firing_since', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_alerts_instance_id_process_instances')),
        sa.ForeignKeyConstraint(['source_id'], ['alert_sources.id'],
                                name=op.f('fk_alerts_source_id_alert_sources')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_alerts')),
        sa.UniqueConstraint('source_id', 'fingerprint',
                            name=op.f('uq_alerts_source_id')))
    op.create_table(
        'outages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('alert_id', sa.Integer(), nullable=False),
        sa.Column('system', sa.String(length=200), nullable=False),
        sa.Column('started_at', WHEN, nullable=False),
        sa.Column('ended_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['alert_id'], ['alerts.id'],
                                name=op.f('fk_outages_alert_id_alerts')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_outages')))
    op.create_index(op.f('ix_outages_alert_id'), 'outages', ['alert_id'], unique=False)
    op.create_index(op.f('ix_outages_system'), 'outages', ['system'], unique=False)
    op.create_table(
        'ratings',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=True),
        sa.Column('score', sa.Integer(), nullable=True),
        sa.Column('comment', sa.Text(), nullable=False),
        sa.Column('rated_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_ratings_instance_id_process_instances')),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ratings_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ratings')),
        sa.UniqueConstraint('instance_id', name=op.f('uq_ratings_instance_id')))
    op.create_table(
        'sla_pauses',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('started_at', WHEN, nullable=False),
        sa.Column('ended_at', WHEN, nullable=True),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_sla_pauses_instance_id_process_instances')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_sla_pauses')))
    op.create_index(op.f('ix_sla_pauses_instance_id'), 'sla_pauses', ['instance_id'],
                    unique=False)
    op.create_table(
        'ticket_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('instance_id', sa.Integer(), nullable=False),
        sa.Column('author_id', sa.Integer(), nullable=True),
        sa.Column('from_requester', sa.Boolean(), nullable=False),
        sa.Column('asks', sa.Boolean(), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('attachment_id', sa.Integer(), nullable=True),
        sa.Column('created_at', WHEN, nullable=False),
        sa.ForeignKeyConstraint(['attachment_id'], ['attachments.id'],
                                name=op.f('fk_ticket_messages_attachment_id_attachments')),
        sa.ForeignKeyConstraint(['author_id'], ['users.id'],
                                name=op.f('fk_ticket_messages_author_id_users')),
        sa.ForeignKeyConstraint(['instance_id'], ['process_instances.id'],
                                name=op.f('fk_ticket_messages_instance_id_process_instances')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_ticket_messages')))
    op.create_index(op.f('ix_ticket_messages_instance_id'), 'ticket_messages', ['instance_id'],
                    unique=False)


def downgrade():
    op.drop_index(op.f('ix_ticket_messages_instance_id'), table_name='ticket_messages')
    op.drop_table('ticket_messages')
    op.drop_index(op.f('ix_sla_pauses_instance_id'), table_name='sla_pauses')
    op.drop_table('sla_pauses')
    op.drop_table('ratings')
    op.drop_index(op.f('ix_outages_system'), table_name='outages')
    op.drop_index(op.f('ix_outages_alert_id'), table_name='outages')
    op.drop_table('outages')
    op.drop_table('alerts')
    op.drop_table('alert_sources')
