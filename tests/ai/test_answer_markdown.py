# ruff: noqa: RUF001 - Chinese text and punctuation, as articles write them
"""An answer quotes text, not Markdown: the bot answered "Do you ship to Brazil?" with "We ship
from our warehouse in Columbus, Ohio. | Option | Delivery time | Price | ...". A passage is
made plain text (``kit.markdown_text``, as the help center's snippets are) before its sentences
are chosen: a table row reads with its header, and no markup reaches the customer."""

from __future__ import annotations

import httpx
import pytest

from deskpilot.ai.replies.compose import Passage, compose_extractive
from deskpilot.kit.deps import Resources
from deskpilot.kit.markdown_text import plain_text
from tests.ai.actions.shop import Shop
from tests.channels.helpers import drain, worker_for
from tests.factories import Tenant
from tests.knowledge.helpers import publish

SHIPPING = """We ship from our warehouse in Columbus, Ohio.

| Option | Delivery time | Price |
|---|---|---|
| Standard | 3-5 business days | $4.99, free on orders over $50 |
| Express | 1-2 business days | **$14.99** |

Orders placed on weekends ship the next business day."""


@pytest.mark.parametrize(
    ("markdown", "text"),
    [
        (
            SHIPPING,
            "We ship from our warehouse in Columbus, Ohio.\n"
            "Option: Standard; Delivery time: 3-5 business days; Price: $4.99, free on orders "
            "over $50.\n"
            "Option: Express; Delivery time: 1-2 business days; Price: $14.99.\n"
            "Orders placed on weekends ship the next business day.",
        ),
        (
            "Click **Forgot password?** on the [sign-in page](https://x.example/login "
            '"Sign in"), then _check_ your `inbox`.',
            "Click Forgot password? on the sign-in page (https://x.example/login), then check "
            "your inbox.",
        ),
        ("## Refunds\n\nWithin 5 days.", "Refunds\nWithin 5 days."),
        (
            "- Free returns\n- Refunds in 5 days\n\n1. Sign in\n2. Open *Orders*",
            "Free returns.\nRefunds in 5 days.\nSign in.\nOpen Orders.",
        ),
        ("> Note: ![a lamp](lamp.png) ships \\*alone\\*.", "Note: a lamp ships *alone*."),
        # a passage that starts inside a table: rows without their header, a separator row
        (
            "over $50 |\n| Express | 1-2 days | $14.99 |\n| Pickup | today | free |",
            "over $50.\nExpress; 1-2 days; $14.99.\nPickup; today; free.",
        ),
        ("|---|:---:|\n\nText.", "Text."),
        ("| Size | Chest |\n| --- | --- |", "Size; Chest."),
        (
            "| 方式 | 时间 |\n|---|---|\n| 标准配送 | 3-5 个工作日 |",
            "方式：标准配送；时间：3-5 个工作日。",
        ),
        ("Home | Shop", "Home | Shop"),  # a pipe inside a sentence is text
        # a customer needs the address to follow the advice (a review saw it dropped)
        ("Mail [us](mailto:help@x.example).", "Mail us (help@x.example)."),
        ("See [https://x.example](https://x.example).", "See https://x.example."),
    ],
)
def test_markdown_becomes_plain_text(markdown: str, text: str) -> None:
    assert plain_text(markdown) == text


def _passage(text: str) -> Passage:
    return Passage("art_1", 1, "Shipping times and costs", text, "en")


@pytest.mark.parametrize(
    ("question", "said"),
    [
        ("How much does delivery cost?", "Option: Express; Delivery time: 1-2 business days"),
        ("Do you ship to Brazil?", "We ship from our warehouse in Columbus, Ohio."),
    ],
)
def test_an_extractive_answer_reads_table_rows_with_their_header(question: str, said: str) -> None:
    answer = compose_extractive(question, _passage(SHIPPING), "en").text

    assert said in answer
    for markup in ("|", "---", "**"):
        assert markup not in answer


async def test_a_previewed_answer_quotes_no_markdown(
    client: httpx.AsyncClient, tenant: Tenant, resources: Resources, shop: Shop
) -> None:
    await publish(client, tenant, title="Shipping times and costs", body=SHIPPING)
    await drain(worker_for(resources))

    preview = await client.post(
        "/api/v1/ai/reply-preview",
        headers=tenant.headers,
        json={"text": "How much does delivery cost?"},
    )

    assert preview.status_code == 200, preview.text
    body = preview.json()
    assert body["decision"] == "answer", body
    assert "Price: $14.99." in body["reply"]
    for markup in ("|", "---", "**"):
        assert markup not in body["reply"]


def test_a_passage_with_no_text_supports_no_answer() -> None:
    """A review saw "![](x.png)" answered with a source line alone, at full support."""
    passage = Passage("art_1", 1, "Returns", "![](x.png)", "en", 0.9)
    assert compose_extractive("return", passage, "en").support == 0.0
