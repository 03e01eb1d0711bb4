"""ai: failed verifications counted per conversation

The failure count of a conversation (``failures``) starts again after any turn that helped, so
a customer could guess another customer's email or zip without end by putting a helpful turn
between guesses. ``verification_failures`` counts details that matched no account, and nothing
but a new conversation starts it again.

Revision ID: 0012
Revises: 0011
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("ai_conversation_states", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("verification_failures", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade() -> None:
    with op.batch_alter_table("ai_conversation_states", schema=None) as batch_op:
        batch_op.drop_column("verification_failures")
