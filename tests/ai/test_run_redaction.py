"""A run's stored input hides what the customer said about themselves that no pattern finds:
their name and zip, as the LLM's redactor does, with the built-in engine too."""

from __future__ import annotations

from typing import Any

from tests.ai.actions.shop import Shop


async def test_a_stated_name_and_zip_are_placeholders_in_the_run(shop: Shop, customer: Any) -> None:
    visitor = customer("visitor")
    await visitor.say("Where is my order #W0000005?")
    await visitor.say("My name is Anna Lee and my zip is 10083")

    stored = [run["input_redacted"] for run in await visitor.runs()]

    assert stored[0].startswith("My name is [NAME_1]")
    assert "Anna Lee" not in " ".join(stored)
    assert "10083" not in " ".join(stored)
