"""Reference data: violence elements, qualifiers and business units

Revision ID: 0002_reference_data
Revises: 0001_accounts_and_audit
"""
import sqlalchemy as sa
from alembic import op

revision = "0002_reference_data"
down_revision = '0001_accounts_and_audit'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('violence_elements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['violence_elements.id'], name=op.f('fk_violence_elements_parent_id_violence_elements'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_violence_elements')),
    sa.UniqueConstraint('code', name=op.f('uq_violence_elements_code')),
    sa.UniqueConstraint('name', name=op.f('uq_violence_elements_name'))
    )
    with op.batch_alter_table('violence_elements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_violence_elements_parent_id'), ['parent_id'], unique=False)

    op.create_table('qualifiers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=24), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_qualifiers')),
    sa.UniqueConstraint('code', name=op.f('uq_qualifiers_code')),
    sa.UniqueConstraint('name', name=op.f('uq_qualifiers_name'))
    )

    op.create_table('business_units',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('kind', sa.String(length=32), nullable=False),
    sa.Column('parent_id', sa.Integer(), nullable=True),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('retired_at', sa.DateTime(), nullable=True),
    sa.ForeignKeyConstraint(['parent_id'], ['business_units.id'], name=op.f('fk_business_units_parent_id_business_units'), ondelete='RESTRICT'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_business_units')),
    sa.UniqueConstraint('code', name=op.f('uq_business_units_code')),
    sa.UniqueConstraint('name', name=op.f('uq_business_units_name'))
    )
    with op.batch_alter_table('business_units', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_business_units_parent_id'), ['parent_id'], unique=False)


def downgrade():
    op.drop_table('business_units')
    op.drop_table('qualifiers')
    op.drop_table('violence_elements')
