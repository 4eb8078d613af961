"""Incident statements: who asked for sign-off, and when

Revision ID: 0013_statement_sign_off
Revises: 0012_resolved_inbox_items
Create Date: 2026-12-04 18:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013_statement_sign_off'
down_revision = '0012_resolved_inbox_items'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident_statements', schema=None) as batch_op:
        batch_op.add_column(sa.Column('sign_off_asked_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('sign_off_asked_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_incident_statements_sign_off_asked_by_id_users'),
                                    'users', ['sign_off_asked_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('incident_statements', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_statements_sign_off_asked_by_id_users'),
                                 type_='foreignkey')
        batch_op.drop_column('sign_off_asked_by_id')
        batch_op.drop_column('sign_off_asked_at')
