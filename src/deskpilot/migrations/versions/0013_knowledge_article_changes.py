"""knowledge: an article's change history

Versions hold an article's title and body; ``knowledge_article_changes`` holds the rest of its
history: who changed its metadata (visibility, language, category, tags, owner team, review
date), published, archived, rolled it back or marked it reviewed, and when. The rows go with
their article (``ON DELETE CASCADE``, like its versions).

Revision ID: 0013
Revises: 0012
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "knowledge_article_changes",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("article_id", sa.String(length=40), nullable=False),
        sa.Column("author_id", sa.String(length=40), nullable=True),
        sa.Column(
            "action",
            sa.Enum(
                "metadata",
                "published",
                "archived",
                "rolled_back",
                "reviewed",
                name="articlechangeaction",
                native_enum=False,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("changes", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("workspace_id", sa.String(length=40), nullable=False),
        sa.ForeignKeyConstraint(
            ["article_id"],
            ["articles.id"],
            name=op.f("fk_knowledge_article_changes_article_id_articles"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspaces.id"],
            name=op.f("fk_knowledge_article_changes_workspace_id_workspaces"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_knowledge_article_changes")),
    )
    with op.batch_alter_table("knowledge_article_changes", schema=None) as batch_op:
        batch_op.create_index(
            "ix_knowledge_article_changes_article",
            ["workspace_id", "article_id", "created_at"],
            unique=False,
        )
        batch_op.create_index(
            batch_op.f("ix_knowledge_article_changes_workspace_id"), ["workspace_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("knowledge_article_changes", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_knowledge_article_changes_workspace_id"))
        batch_op.drop_index("ix_knowledge_article_changes_article")

    op.drop_table("knowledge_article_changes")
