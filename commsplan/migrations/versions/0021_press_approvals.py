"""Press drafts: rebuttals and written answers drafted, approved by someone else, then given

Revision ID: 0021_press_approvals
Revises: 0020_sensitivity_windows
Create Date: 2026-12-06 03:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0021_press_approvals'
down_revision = '0020_sensitivity_windows'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('press_drafts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('enquiry_id', sa.Integer(), nullable=True),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('drafted_at', sa.DateTime(), nullable=False),
    sa.Column('drafted_by_id', sa.Integer(), nullable=False),
    sa.Column('approved_at', sa.DateTime(), nullable=True),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_as', sa.String(length=100), nullable=False),
    sa.Column('given_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_press_drafts_approved_by_id_users')),
    sa.ForeignKeyConstraint(['claim_id'], ['press_claims.id'], name=op.f('fk_press_drafts_claim_id_press_claims')),
    sa.ForeignKeyConstraint(['drafted_by_id'], ['users.id'], name=op.f('fk_press_drafts_drafted_by_id_users')),
    sa.ForeignKeyConstraint(['enquiry_id'], ['media_enquiries.id'], name=op.f('fk_press_drafts_enquiry_id_media_enquiries')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_press_drafts'))
    )
    with op.batch_alter_table('press_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_press_drafts_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_press_drafts_enquiry_id'), ['enquiry_id'], unique=False)


def downgrade():
    with op.batch_alter_table('press_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_press_drafts_enquiry_id'))
        batch_op.drop_index(batch_op.f('ix_press_drafts_claim_id'))

    op.drop_table('press_drafts')
