"""Public confidence: survey measures and their results per business unit and wave; actuals
recorded against plan objectives and metrics

Revision ID: 0018_confidence_and_evaluation
Revises: 0017_playbook_format_v2
Create Date: 2026-12-06 03:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0018_confidence_and_evaluation'
down_revision = '0017_playbook_format_v2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('confidence_measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=40), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('source', sa.String(length=300), nullable=False),
    sa.Column('is_headline', sa.Boolean(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confidence_measures')),
    sa.UniqueConstraint('code', name=op.f('uq_confidence_measures_code'))
    )
    op.create_table('confidence_results',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('measure_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('period', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('sample_size', sa.Integer(), nullable=False),
    sa.Column('margin', sa.Float(), nullable=True),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('value >= 0 AND value <= 100', name=op.f('ck_confidence_results_value_is_percentage')),
    sa.CheckConstraint('sample_size > 0', name=op.f('ck_confidence_results_sample_size_positive')),
    sa.CheckConstraint('margin IS NULL OR (margin >= 0 AND margin <= 100)',
                       name=op.f('ck_confidence_results_margin_is_percentage')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'],
                            name=op.f('fk_confidence_results_entered_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['measure_id'], ['confidence_measures.id'],
                            name=op.f('fk_confidence_results_measure_id_confidence_measures'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['unit_id'], ['business_units.id'],
                            name=op.f('fk_confidence_results_unit_id_business_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_confidence_results')),
    sa.UniqueConstraint('measure_id', 'unit_id', 'period',
                        name=op.f('uq_confidence_results_measure_id'))
    )
    with op.batch_alter_table('confidence_results', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_confidence_results_period'), ['period'], unique=False)
        batch_op.create_index(batch_op.f('ix_confidence_results_unit_id'), ['unit_id'], unique=False)

    op.create_table('plan_actuals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plan_id', sa.Integer(), nullable=False),
    sa.Column('objective_id', sa.Integer(), nullable=True),
    sa.Column('metric_id', sa.Integer(), nullable=True),
    sa.Column('measured_on', sa.Date(), nullable=False),
    sa.Column('value', sa.Float(), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=False),
    sa.Column('entered_by_id', sa.Integer(), nullable=True),
    sa.Column('entered_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('(objective_id IS NULL) <> (metric_id IS NULL)', name=op.f('ck_plan_actuals_one_item')),
    sa.ForeignKeyConstraint(['entered_by_id'], ['users.id'], name=op.f('fk_plan_actuals_entered_by_id_users'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['metric_id'], ['plan_metrics.id'], name=op.f('fk_plan_actuals_metric_id_plan_metrics'),
                            ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['objective_id'], ['plan_objectives.id'],
                            name=op.f('fk_plan_actuals_objective_id_plan_objectives'), ondelete='RESTRICT'),
    sa.ForeignKeyConstraint(['plan_id'], ['comm_plans.id'], name=op.f('fk_plan_actuals_plan_id_comm_plans'),
                            ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_actuals'))
    )
    with op.batch_alter_table('plan_actuals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_actuals_metric_id'), ['metric_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_actuals_objective_id'), ['objective_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_actuals_plan_id'), ['plan_id'], unique=False)


def downgrade():
    op.drop_table('plan_actuals')
    with op.batch_alter_table('confidence_results', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_confidence_results_unit_id'))
        batch_op.drop_index(batch_op.f('ix_confidence_results_period'))
    op.drop_table('confidence_results')
    op.drop_table('confidence_measures')
