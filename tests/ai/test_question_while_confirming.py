"""A question while the bot waits for a yes ("how long does a refund take?") is answered from
knowledge, and the plan still waits: the bot asks once more, and the yes after the answer runs
it (a review found the plan dropped, so the yes was read as a greeting). A short follow-up on a
new topic ("what about the warranty?") is answered on its own topic, not mixed with the
question before it. A question nothing answers keeps the plan once more."""

from __future__ import annotations

from typing import Any

import httpx

from deskpilot.kit.db import Database
from deskpilot.kit.deps import Resources
from tests.ai.actions.shop import Shop
from tests.ai.test_confirmation_still_allowed import CANCEL, status_of
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish

REFUNDS = (
    "## How long does a refund take?\nA refund reaches the original payment method within 5 "
    "business days after we cancel the order."
)
PAYMENT = "## Payment methods\nWe accept Visa, Mastercard and PayPal."
WARRANTY = "## Warranty\nAll electronics carry a 2-year warranty against manufacturing defects."


async def knowledge(client: httpx.AsyncClient, tenant: Tenant, resources: Resources) -> None:
    for title, body in (("Refunds", REFUNDS), ("Payment", PAYMENT), ("Warranty", WARRANTY)):
        await publish(client, tenant, title=title, body=body, language="en")
    await drain(worker_for(resources))


async def test_a_question_is_answered_and_the_yes_after_it_still_runs_the_plan(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    database: Database,
    shop: Shop,
    customer: Any,
) -> None:
    await knowledge(client, tenant, resources)
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    answered = await noah.say("How long does a refund take?")
    done = await noah.say("yes")

    assert "5 business days" in answered[-1]["text"]
    assert "Shall I still cancel order #W0000001? (yes / no)" in answered[-1]["text"]
    assert "cancelled" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "cancelled"
    decisions = [run["decision"] for run in reversed(await noah.runs())]
    assert decisions == ["clarify", "answer", "action"]


async def test_a_no_after_the_answer_declines_and_a_new_topic_is_answered_on_its_own(
    client: httpx.AsyncClient,
    tenant: Tenant,
    resources: Resources,
    database: Database,
    shop: Shop,
    customer: Any,
) -> None:
    await knowledge(client, tenant, resources)
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    await noah.say("Do you accept PayPal?")
    warranty = await noah.say("and what about the warranty?")
    declined = await noah.say("no")

    assert "2-year warranty" in warranty[-1]["text"]
    assert "PayPal" not in warranty[-1]["text"]
    assert "haven't changed anything" in declined[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"


async def test_a_question_nothing_answers_keeps_the_plan_once(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    """A review found "is the refund to my card?" dropping the plan and answered about returns;
    now the plan stands, the bot asks again, and the yes after it runs the plan."""
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    again = await noah.say("What is the weather like on Mars?")
    done = await noah.say("yes")

    assert "please answer yes or no" in again[-1]["text"].lower()
    assert "cancelled" in done[-1]["text"]
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "cancelled"


async def test_a_second_unanswered_question_drops_the_plan(
    tenant: Tenant, database: Database, shop: Shop, customer: Any
) -> None:
    noah = customer("noah", "noah.brown@example.com")
    await noah.say(CANCEL)

    await noah.say("What is the weather like on Mars?")
    await noah.say("And on Venus?")
    late = await noah.say("yes")

    assert "cancelled" not in " ".join(r["text"] for r in late)
    assert await status_of(database, tenant.workspace_id, "#W0000001") == "pending"
