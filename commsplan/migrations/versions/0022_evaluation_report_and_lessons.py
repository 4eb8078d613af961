"""Lessons from incident debriefs, raised against a playbook version and chased until addressed

Revision ID: 0022_evaluation_lessons
Revises: 0021_press_approvals
Create Date: 2026-12-06 03:58:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0022_evaluation_lessons'  # alembic_version holds 32 characters at most
down_revision = '0021_press_approvals'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('playbook_lessons',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=False),
    sa.Column('playbook_id', sa.String(length=100), nullable=False),
    sa.Column('raised_against_version', sa.Integer(), nullable=False),
    sa.Column('proposed_change', sa.Text(), nullable=False),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('raised_by_id', sa.Integer(), nullable=False),
    sa.Column('raised_at', sa.DateTime(), nullable=False),
    sa.Column('addressed_in_version', sa.Integer(), nullable=True),
    sa.Column('addressed_note', sa.Text(), nullable=False),
    sa.Column('addressed_by_id', sa.Integer(), nullable=True),
    sa.Column('addressed_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['addressed_by_id'], ['users.id'], name=op.f('fk_playbook_lessons_addressed_by_id_users')),
    sa.ForeignKeyConstraint(['incident_id'], ['incidents.id'], name=op.f('fk_playbook_lessons_incident_id_incidents')),
    sa.ForeignKeyConstraint(['owner_id'], ['users.id'], name=op.f('fk_playbook_lessons_owner_id_users')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['users.id'], name=op.f('fk_playbook_lessons_raised_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_playbook_lessons'))
    )
    with op.batch_alter_table('playbook_lessons', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_playbook_lessons_incident_id'), ['incident_id'], unique=False)
        batch_op.create_index('ix_playbook_lessons_open', ['playbook_id', 'addressed_at', 'due_on'], unique=False)


def downgrade():
    with op.batch_alter_table('playbook_lessons', schema=None) as batch_op:
        batch_op.drop_index('ix_playbook_lessons_open')
        batch_op.drop_index(batch_op.f('ix_playbook_lessons_incident_id'))
    op.drop_table('playbook_lessons')
