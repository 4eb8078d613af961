"""Playbook format v2: a clock may be recorded more than once (each recording numbered and kept)

Revision ID: 0017_playbook_format_v2
Revises: 0016_request_path_indexes
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0017_playbook_format_v2'
down_revision = '0016_request_path_indexes'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('incident_anchors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), server_default='1', nullable=False))
        batch_op.drop_constraint('uq_incident_anchors_incident_id', type_='unique')
        batch_op.create_unique_constraint('uq_incident_anchors_incident_id',
                                          ['incident_id', 'anchor', 'occurrence'])


def downgrade():
    # Only the first recording of each clock fits the old one-per-clock table.
    op.execute("DELETE FROM incident_anchors WHERE occurrence > 1")
    with op.batch_alter_table('incident_anchors', schema=None) as batch_op:
        batch_op.drop_constraint('uq_incident_anchors_incident_id', type_='unique')
        batch_op.create_unique_constraint('uq_incident_anchors_incident_id', ['incident_id', 'anchor'])
        batch_op.drop_column('occurrence')
