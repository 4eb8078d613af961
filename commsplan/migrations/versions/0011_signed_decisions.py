"""Signed decisions: who recorded each entry, the Code of Ethics, and an HMAC signature chain

Revision ID: 0011_signed_decisions
Revises: 0010_reminders_v2
Create Date: 2026-12-05 10:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011_signed_decisions'
down_revision = '0010_reminders_v2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident_decisions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('ethics', sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column('ethics_note', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('key_id', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('prev_signature', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signature', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('signed_later', sa.Boolean(), server_default=sa.false(), nullable=False))

    # Until now the person logging an entry was always the one named as deciding, and nobody recorded
    # the Code of Ethics. The new fields count in an entry's hash only when used, so these values keep
    # every existing hash valid. Existing entries stay unsigned until `incidents sign-legacy` signs them.
    op.execute("UPDATE incident_decisions SET recorded_by_id = decided_by_id, ethics = '[]', ethics_note = ''")

    with op.batch_alter_table('incident_decisions', schema=None) as batch_op:
        batch_op.alter_column('recorded_by_id', existing_type=sa.Integer(), nullable=False)
        batch_op.alter_column('ethics', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('ethics_note', existing_type=sa.Text(), nullable=False)
        batch_op.create_foreign_key(batch_op.f('fk_incident_decisions_recorded_by_id_users'), 'users',
                                    ['recorded_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('incident_decisions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_incident_decisions_recorded_by_id_users'), type_='foreignkey')
        batch_op.drop_column('signed_later')
        batch_op.drop_column('signature')
        batch_op.drop_column('prev_signature')
        batch_op.drop_column('key_id')
        batch_op.drop_column('ethics_note')
        batch_op.drop_column('ethics')
        batch_op.drop_column('recorded_by_id')
