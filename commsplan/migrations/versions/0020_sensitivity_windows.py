"""Sensitivity windows (the units, elements and audiences each touches); a channel's strict lead time;
an activity's reason for going ahead in an avoid window and its pause

Revision ID: 0020_sensitivity_windows
Revises: 0019_press_desk
Create Date: 2026-12-06 02:51:16.300984

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0020_sensitivity_windows'
down_revision = '0019_press_desk'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('sensitivity_windows',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('severity', sa.String(length=32), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('ends_at', sa.DateTime(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_at > starts_at', name=op.f('ck_sensitivity_windows_ends_after_start')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_sensitivity_windows_created_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_sensitivity_windows'))
    )
    with op.batch_alter_table('sensitivity_windows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sensitivity_windows_ends_at'), ['ends_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_sensitivity_windows_starts_at'), ['starts_at'], unique=False)

    op.create_table('sensitivity_window_audiences',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('audience_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['audience_id'], ['audiences.id'], name=op.f('fk_sensitivity_window_audiences_audience_id_audiences'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['window_id'], ['sensitivity_windows.id'], name=op.f('fk_sensitivity_window_audiences_window_id_sensitivity_windows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('window_id', 'audience_id', name=op.f('pk_sensitivity_window_audiences'))
    )
    with op.batch_alter_table('sensitivity_window_audiences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sensitivity_window_audiences_audience_id'), ['audience_id'], unique=False)

    op.create_table('sensitivity_window_elements',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('element_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['element_id'], ['violence_elements.id'], name=op.f('fk_sensitivity_window_elements_element_id_violence_elements'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['window_id'], ['sensitivity_windows.id'], name=op.f('fk_sensitivity_window_elements_window_id_sensitivity_windows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('window_id', 'element_id', name=op.f('pk_sensitivity_window_elements'))
    )
    with op.batch_alter_table('sensitivity_window_elements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sensitivity_window_elements_element_id'), ['element_id'], unique=False)

    op.create_table('sensitivity_window_units',
    sa.Column('window_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['business_units.id'], name=op.f('fk_sensitivity_window_units_unit_id_business_units'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['window_id'], ['sensitivity_windows.id'], name=op.f('fk_sensitivity_window_units_window_id_sensitivity_windows'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('window_id', 'unit_id', name=op.f('pk_sensitivity_window_units'))
    )
    with op.batch_alter_table('sensitivity_window_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_sensitivity_window_units_unit_id'), ['unit_id'], unique=False)

    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.add_column(sa.Column('lead_time_strict', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))

    with op.batch_alter_table('plan_activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('window_reason', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('paused_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('paused_for_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_plan_activities_paused_for_id'), ['paused_for_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_plan_activities_paused_for_id_incidents'), 'incidents',
                                    ['paused_for_id'], ['id'], ondelete='SET NULL')
        batch_op.add_column(sa.Column('pause_note', sa.Text(), nullable=False, server_default=''))



def downgrade():
    with op.batch_alter_table('plan_activities', schema=None) as batch_op:
        batch_op.drop_column('pause_note')
        batch_op.drop_constraint(batch_op.f('fk_plan_activities_paused_for_id_incidents'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_plan_activities_paused_for_id'))
        batch_op.drop_column('paused_for_id')
        batch_op.drop_column('paused_at')
        batch_op.drop_column('window_reason')

    with op.batch_alter_table('channels', schema=None) as batch_op:
        batch_op.drop_column('lead_time_strict')

    with op.batch_alter_table('sensitivity_window_units', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitivity_window_units_unit_id'))

    op.drop_table('sensitivity_window_units')
    with op.batch_alter_table('sensitivity_window_elements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitivity_window_elements_element_id'))

    op.drop_table('sensitivity_window_elements')
    with op.batch_alter_table('sensitivity_window_audiences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitivity_window_audiences_audience_id'))

    op.drop_table('sensitivity_window_audiences')
    with op.batch_alter_table('sensitivity_windows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_sensitivity_windows_starts_at'))
        batch_op.drop_index(batch_op.f('ix_sensitivity_windows_ends_at'))

    op.drop_table('sensitivity_windows')
