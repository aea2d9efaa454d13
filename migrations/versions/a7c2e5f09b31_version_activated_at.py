"""When each SOP version was last activated (process_definitions.activated_at), so that a
version activated once and later replaced is not shown as waiting for activation

Existing versions take the time of their last "process.activated" audit record; an active
version without one (deployed and activated in one step before this column) takes its
deployment time.

Revision ID: a7c2e5f09b31
Revises: d4e7b1a9c6f2
Create Date: 2026-12-04 15:10:00.000000

"""
import sqlalchemy as sa
from alembic import op

import engine.db

# revision identifiers, used by Alembic.
revision = 'a7c2e5f09b31'
down_revision = 'd4e7b1a9c6f2'
branch_labels = None
depends_on = None

WHEN = engine.db.UTCDateTime()
definitions = sa.table("process_definitions", sa.column("id", sa.Integer),
                       sa.column("key", sa.String), sa.column("version", sa.Integer),
                       sa.column("is_active", sa.Boolean), sa.column("deployed_at", WHEN),
                       sa.column("activated_at", WHEN))
audit_log = sa.table("audit_log", sa.column("at", WHEN), sa.column("action", sa.String),
                     sa.column("detail", sa.JSON))


# Not in batch mode: adding a nullable column needs no table rebuild on SQLite, and a
# rebuild would drop the expression index on (is_active, lower(name)).
def upgrade():
    op.add_column('process_definitions', sa.Column('activated_at', WHEN, nullable=True))
    connection = op.get_bind()
    last: dict[tuple[str, int], object] = {}
    for at, detail in connection.execute(sa.select(audit_log.c.at, audit_log.c.detail).where(
            audit_log.c.action == "process.activated").order_by(audit_log.c.at)):
        if isinstance(detail, dict) and "key" in detail and "version" in detail:
            last[(str(detail["key"]), int(detail["version"]))] = at
    for row in connection.execute(sa.select(definitions.c.id, definitions.c.key,
                                            definitions.c.version, definitions.c.is_active,
                                            definitions.c.deployed_at)):
        at = last.get((row.key, row.version)) or (row.deployed_at if row.is_active else None)
        if at is not None:
            connection.execute(definitions.update().where(definitions.c.id == row.id)
                               .values(activated_at=at))


def downgrade():
    op.drop_column('process_definitions', 'activated_at')
