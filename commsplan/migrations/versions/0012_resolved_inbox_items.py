"""Resolved inbox items: once someone decides, the request leaves every inbox it reached

Revision ID: 0012_resolved_inbox_items
Revises: 0011_signed_decisions
Create Date: 2026-12-07 11:20:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0012_resolved_inbox_items'
down_revision = '0011_signed_decisions'
branch_labels = None
depends_on = None


def upgrade():
    # Both columns start empty: items delivered before this change stay as they were (read or not).
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('resolved_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('resolution', sa.String(length=200), nullable=True))


def downgrade():
    with op.batch_alter_table('inbox_items', schema=None) as batch_op:
        batch_op.drop_column('resolution')
        batch_op.drop_column('resolved_at')
