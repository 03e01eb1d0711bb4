"""Computed traits: from orders and messages, recomputed by the job data arrival queues."""

from __future__ import annotations

from datetime import timedelta

from deskpilot.customers import traits
from deskpilot.customers.traits import churn_risk, sentiment_traits
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.models import Customer
from deskpilot.segments.rules import COMPUTED_TRAITS
from tests.factories import Tenant
from tests.segments.helpers import add_order, inbound_message, make_customer, run_jobs


async def _computed(resources: Resources, customer_id: str) -> dict[str, object]:
    async with resources.database.transaction() as session:
        customer = await session.get(Customer, customer_id)
        assert customer is not None
        return dict(customer.computed)


async def test_traits_come_from_orders_and_inbound_messages(
    resources: Resources, tenant: Tenant
) -> None:
    customer_id = await inbound_message(resources, tenant.workspace_id, "ann", "hi", "m-1")
    await inbound_message(resources, tenant.workspace_id, "ann", "again", "m-2")
    placed = utcnow() - timedelta(days=3)
    await add_order(resources, tenant.workspace_id, customer_id, "120.50", placed_at=placed)
    await add_order(resources, tenant.workspace_id, customer_id, "79.50")
    await add_order(resources, tenant.workspace_id, customer_id, "999", status="cancelled")

    await run_jobs(resources)

    computed = await _computed(resources, customer_id)
    assert computed["order_count"] == 2
    assert computed["lifetime_value"] == 200.0
    assert computed["contacts_by_channel"] == {"api": 2}
    assert isinstance(computed["last_contact_at"], str)
    assert isinstance(computed["last_order_at"], str)
    assert computed["last_order_at"] > placed.isoformat()  # the newer order
    assert computed["avg_sentiment"] is None  # no sentiment source yet
    assert computed["sentiment_trend_30d"] is None
    assert computed["open_tickets"] is None
    risk = computed["churn_risk"]
    assert isinstance(risk, float)
    assert 0 < risk < 0.1


async def test_an_inbound_message_alone_queues_a_recomputation(
    resources: Resources, tenant: Tenant
) -> None:
    customer_id = await inbound_message(resources, tenant.workspace_id, "bob", "hello", "m-1")

    await run_jobs(resources)

    computed = await _computed(resources, customer_id)
    assert computed["order_count"] == 0
    assert computed["lifetime_value"] == 0.0
    assert computed["contacts_by_channel"] == {"api": 1}


async def test_recomputation_keeps_other_keys_and_skips_other_workspaces(
    resources: Resources, tenant: Tenant, other_tenant: Tenant
) -> None:
    customer_id = await make_customer(
        resources, tenant.workspace_id, "Cy", computed={"imported_score": 7}
    )
    await add_order(resources, tenant.workspace_id, customer_id, "10")
    async with resources.database.transaction() as session:
        # the same id asked for from another workspace finds nothing and changes nothing
        assert not await traits.recompute(
            session, resources.bus, other_tenant.workspace_id, customer_id
        )

    await run_jobs(resources)

    computed = await _computed(resources, customer_id)
    assert computed["imported_score"] == 7
    assert computed["order_count"] == 1


def test_churn_risk_never_falls_as_silence_grows() -> None:
    risks = [churn_risk(days) for days in range(0, 800, 5)]
    assert risks == sorted(risks)
    assert risks[0] < 0.05 < 0.9 < risks[-1]
    for extra in (
        {"frequency_drop": 0.5},
        {"negative_sentiment": 0.5},
        {"open_tickets": 2},
    ):
        assert churn_risk(30, **extra) > churn_risk(30)
    assert 0.0 <= churn_risk(-5) <= churn_risk(10_000) <= 1.0


def test_sentiment_traits_are_null_without_scores_and_trend_compares_windows() -> None:
    now = utcnow()
    assert sentiment_traits([], now) == (None, None, None)
    scores = [
        traits.SentimentScore(now - timedelta(days=45), 0.5),
        traits.SentimentScore(now - timedelta(days=2), -0.5),
    ]
    average, trend, recent = sentiment_traits(scores, now)
    assert (average, trend, recent) == (0.0, -1.0, -0.5)


def test_every_computed_trait_is_known_to_the_rule_language() -> None:
    assert set(traits.TRAIT_KEYS) == set(COMPUTED_TRAITS)
