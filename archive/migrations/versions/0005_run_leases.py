"""run leases: which process holds a running crawl, and when it last said it was alive

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02

A crawl claims its source by opening a run row with its holder (host:pid) and renews the
claim with a heartbeat, so a second crawl of the same source (a manual `gongkai crawl` while
the scheduler runs one) is refused, and a crashed holder's claim lapses. Rows written before
this revision have neither, and are judged by their start time.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.add_column(sa.Column("holder", sa.String(length=300), nullable=True))
        batch.add_column(sa.Column("heartbeat_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("crawl_runs") as batch:
        batch.drop_column("heartbeat_at")
        batch.drop_column("holder")
