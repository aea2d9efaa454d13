"""accounts: disabled, must change password, session version; API token records;
substitutions extended once and ended early

Revision ID: a7c3e9d21f04
Revises: a7c3e1f09b52
Create Date: 2026-11-30 11:45:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'a7c3e9d21f04'
down_revision = 'a7c3e1f09b52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_disabled', sa.Boolean(), server_default=sa.false(),
                                      nullable=False))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(),
                                      server_default=sa.false(), nullable=False))
        batch_op.add_column(sa.Column('session_version', sa.Integer(), server_default='1',
                                      nullable=False))

    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extended_at', engine.db.UTCDateTime(timezone=True),
                                      nullable=True))
        batch_op.add_column(sa.Column('ended_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_substitutions_ended_by_id_users'), 'users',
                                    ['ended_by_id'], ['id'])

    op.create_table(
        'api_tokens',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('token_hash', sa.String(length=64), nullable=False),
        sa.Column('prefix', sa.String(length=8), nullable=False),
        sa.Column('session_version', sa.Integer(), nullable=False),
        sa.Column('created_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('expires_at', engine.db.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_used_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.Column('revoked_at', engine.db.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(['user_id'], ['users.id'],
                                name=op.f('fk_api_tokens_user_id_users')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_api_tokens')),
        sa.UniqueConstraint('token_hash', name=op.f('uq_api_tokens_token_hash')),
    )
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_tokens_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('api_tokens', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_tokens_user_id'))
    op.drop_table('api_tokens')
    with op.batch_alter_table('substitutions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_substitutions_ended_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('ended_by_id')
        batch_op.drop_column('extended_at')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_version')
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('is_disabled')
