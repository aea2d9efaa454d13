"""process number counters: a start takes its number from its stem's counter

Revision ID: 9c2d4e6f8a10
Revises: 5f41c0f80634
Create Date: 2026-12-01 15:30:00.000000

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '9c2d4e6f8a10'
down_revision = '5f41c0f80634'
branch_labels = None
depends_on = None


def upgrade():
    numbers = op.create_table(
        'process_numbers',
        sa.Column('stem', sa.String(length=40), nullable=False),
        sa.Column('last', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('stem', name=op.f('pk_process_numbers')),
    )
    # Each stem ("LTI-2026-") continues after the highest number its instances have.
    last: dict[str, int] = {}
    for (number,) in op.get_bind().execute(sa.text(
            "SELECT number FROM process_instances WHERE number IS NOT NULL")):
        stem, _, count = number.rpartition("-")
        if stem and count.isdigit():
            last[f"{stem}-"] = max(last.get(f"{stem}-", 0), int(count))
    if last:
        op.bulk_insert(numbers, [{"stem": stem, "last": count} for stem, count in last.items()])


def downgrade():
    op.drop_table('process_numbers')
