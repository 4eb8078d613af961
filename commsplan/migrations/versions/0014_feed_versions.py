"""Calendar feeds: a fingerprint of what each feed last held, and when that last changed

Revision ID: 0014_feed_versions
Revises: 0013_statement_sign_off
Create Date: 2026-12-05 23:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0014_feed_versions'
down_revision = '0013_statement_sign_off'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('content_changed_at', sa.DateTime(), nullable=True))


def downgrade():
    with op.batch_alter_table('calendar_feeds', schema=None) as batch_op:
        batch_op.drop_column('content_changed_at')
        batch_op.drop_column('content_hash')
