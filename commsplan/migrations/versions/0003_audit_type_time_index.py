"""Index the audit log by kind of record and time, for the filtered audit page

Revision ID: 0003_audit_type_time_index
Revises: 0002_reference_data
"""
from alembic import op

revision = "0003_audit_type_time_index"
down_revision = "0002_reference_data"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.create_index("ix_audit_entries_type_at", ["object_type", "at"], unique=False)


def downgrade():
    with op.batch_alter_table("audit_entries", schema=None) as batch_op:
        batch_op.drop_index("ix_audit_entries_type_at")
