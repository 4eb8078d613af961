"""Audiences, channels and the affinity between them

Revision ID: 0005_audiences_and_channels
Revises: 0004_reminders_and_notifications
"""
import sqlalchemy as sa
from alembic import op


revision = "0005_audiences_and_channels"
down_revision = '0004_reminders_and_notifications'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('audiences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('segment', sa.String(length=32), nullable=False),
    sa.Column('age_band', sa.String(length=40), nullable=False),
    sa.Column('geography', sa.String(length=200), nullable=False),
    sa.Column('size_estimate', sa.Integer(), nullable=True),
    sa.Column('size_source', sa.String(length=300), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('accessibility_needs', sa.JSON(), nullable=False),
    sa.Column('insight_notes', sa.Text(), nullable=False),
    sa.Column('sensitivity_notes', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audiences')),
    sa.UniqueConstraint('name', name=op.f('uq_audiences_name'))
    )
    op.create_table('channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('length_limit', sa.Integer(), nullable=True),
    sa.Column('limit_type', sa.String(length=32), nullable=False),
    sa.Column('lead_time_days', sa.Integer(), nullable=False),
    sa.Column('reach', sa.Integer(), nullable=True),
    sa.Column('reach_unit', sa.String(length=60), nullable=False),
    sa.Column('cost_band', sa.String(length=32), nullable=False),
    sa.Column('languages', sa.JSON(), nullable=False),
    sa.Column('accessibility_features', sa.JSON(), nullable=False),
    sa.Column('urgent_capable', sa.Boolean(), nullable=False),
    sa.Column('operating_hours', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channels')),
    sa.UniqueConstraint('name', name=op.f('uq_channels_name'))
    )
    op.create_table('affinities',
    sa.Column('audience_id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('score', sa.Integer(), nullable=False),
    sa.Column('evidence', sa.Text(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('score BETWEEN 0 AND 3', name=op.f('ck_affinities_score_range')),
    sa.ForeignKeyConstraint(['audience_id'], ['audiences.id'], name=op.f('fk_affinities_audience_id_audiences'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['channel_id'], ['channels.id'], name=op.f('fk_affinities_channel_id_channels'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('audience_id', 'channel_id', name=op.f('pk_affinities'))
    )
    with op.batch_alter_table('affinities', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_affinities_channel_id'), ['channel_id'], unique=False)



def downgrade():
    with op.batch_alter_table('affinities', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_affinities_channel_id'))

    op.drop_table('affinities')
    op.drop_table('channels')
    op.drop_table('audiences')
