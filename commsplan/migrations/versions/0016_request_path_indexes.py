"""Indexes for the cheap request path: the integrated plan's counts read from one index on
activities, an audience's activities from another; a person's unread inbox items, and all of them,
newest first, from indexes; the incident figures' counts of tasks and statements from indexes

Revision ID: 0016_request_path_indexes
Revises: 0015_sign_in_sessions
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0016_request_path_indexes'
down_revision = '0015_sign_in_sessions'
branch_labels = None
depends_on = None


def upgrade():
    op.drop_index('ix_activity_audiences_audience_id', table_name='activity_audiences')
    op.create_index('ix_activity_audiences_audience_activity', 'activity_audiences',
                    ['audience_id', 'activity_id'], unique=False)
    op.create_index('ix_plan_activities_plan_counts', 'plan_activities',
                    ['plan_id', 'status', 'starts_at', 'ends_at', 'element_id'], unique=False)
    op.drop_index('ix_inbox_items_user_read', table_name='inbox_items')
    op.create_index('ix_inbox_items_user_unread', 'inbox_items',
                    ['user_id', 'read_at', 'resolved_at', 'delivered_at', 'snoozed_until', 'kind'],
                    unique=False)
    op.create_index('ix_inbox_items_user_delivered', 'inbox_items', ['user_id', 'delivered_at'],
                    unique=False)
    op.create_index('ix_incident_tasks_figures', 'incident_tasks',
                    ['incident_id', 'status', 'due_at', 'completed_at'], unique=False)
    op.create_index('ix_incident_statements_figures', 'incident_statements',
                    ['incident_id', 'status', 'kind', 'released_at'], unique=False)


def downgrade():
    op.drop_index('ix_incident_statements_figures', table_name='incident_statements')
    op.drop_index('ix_incident_tasks_figures', table_name='incident_tasks')
    op.drop_index('ix_inbox_items_user_delivered', table_name='inbox_items')
    op.drop_index('ix_inbox_items_user_unread', table_name='inbox_items')
    op.create_index('ix_inbox_items_user_read', 'inbox_items', ['user_id', 'read_at'], unique=False)
    op.drop_index('ix_plan_activities_plan_counts', table_name='plan_activities')
    op.drop_index('ix_activity_audiences_audience_activity', table_name='activity_audiences')
    op.create_index('ix_activity_audiences_audience_id', 'activity_audiences', ['audience_id'], unique=False)
