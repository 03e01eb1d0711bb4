"""Probabilistic deduplication of stored profiles: merges, protection, reviews, dry run, scope."""

from __future__ import annotations

import random
from datetime import date, timedelta

import httpx
import numpy as np
from sqlalchemy import select

from deskpilot.customers.dedupe import (
    DEDUPE_JOB,
    REASON,
    deduplicate,
    held_for_review,
    merge_plan,
)
from deskpilot.customers.matching import Resolution
from deskpilot.customers.matching.comparisons import FIELDS
from deskpilot.customers.matching.model import Parameters
from deskpilot.customers.merging import undo_merge
from deskpilot.kit.clock import utcnow
from deskpilot.kit.deps import Resources
from deskpilot.kit.jobs import Job
from deskpilot.models import Customer, CustomerIdentity, CustomerMerge, IdentityKind, MatchReview
from tests.customers.support360 import profile, snapshot
from tests.factories import Tenant
from tests.segments.helpers import run_jobs

FIRST = ["James", "Mary", "Robert", "Patricia", "John", "Jennifer", "Michael", "Linda", "David",
         "Elizabeth", "William", "Barbara", "Richard", "Susan", "Joseph", "Jessica", "Thomas",
         "Sarah", "Charles", "Karen", "Oliver", "Amelia", "Harry", "Isla", "George", "Ava",
         "Noah", "Mia", "Jack", "Ivy"]  # fmt: skip
LAST = ["Smith", "Jones", "Taylor", "Brown", "Williams", "Wilson", "Johnson", "Davies",
        "Robinson", "Wright", "Thompson", "Evans", "Walker", "White", "Roberts", "Green", "Hall",
        "Wood", "Jackson", "Clarke", "Patel", "Khan", "Lewis", "James", "Hughes", "Edwards",
        "Turner", "Hill", "Moore", "Cooper"]  # fmt: skip
CITIES = ["Leeds", "York", "Bristol", "Bath", "Derby", "Hull", "Oxford", "Cambridge"]


async def population(resources: Resources, workspace_id: str, n: int = 150) -> None:
    """``n`` distinct people (the matcher estimates its model from the data it is given)."""
    rng = random.Random(1)
    base = utcnow() - timedelta(days=30)
    async with resources.database.transaction() as session:
        for i in range(n):
            first, last = rng.choice(FIRST), rng.choice(LAST)
            email = f"{first.lower()}.{last.lower()}{i}@example.org"
            customer = Customer(
                workspace_id=workspace_id,
                name=f"{first} {last}",
                email=email,
                date_of_birth=date(rng.randint(1950, 2000), rng.randint(1, 12), rng.randint(1, 28)),
                city=rng.choice(CITIES),
                created_at=base + timedelta(seconds=i),
            )
            session.add(customer)
            await session.flush()
            session.add(
                CustomerIdentity(
                    workspace_id=workspace_id,
                    customer_id=customer.id,
                    kind=IdentityKind.EMAIL,
                    value=email,
                )
            )


async def person(resources: Resources, workspace_id: str, name: str, **traits: object) -> str:
    async with resources.database.transaction() as session:
        customer = Customer(workspace_id=workspace_id, name=name, **traits)
        session.add(customer)
        await session.flush()
        return customer.id


async def set_traits(resources: Resources, customer_id: str, **traits: object) -> None:
    async with resources.database.transaction() as session:
        customer = await session.get(Customer, customer_id)
        assert customer is not None
        for key, value in traits.items():
            setattr(customer, key, value)


async def live(resources: Resources, customer_id: str) -> str | None:
    """The profile's ``merged_into_id`` (None while it is live)."""
    async with resources.database.transaction() as session:
        customer = await session.get(Customer, customer_id)
        assert customer is not None
        return customer.merged_into_id


async def planted_pair(resources: Resources, tenant: Tenant) -> tuple[str, str]:
    """Margaret, twice: a typo in the surname, the same birthday, a Gmail-dotted address."""
    older = await profile(
        resources, tenant, "marg-1", email="margaret.thornbury@gmail.com", name="x", orders=2
    )
    await set_traits(
        resources, older, name="Margaret Thornbury", date_of_birth=date(1971, 6, 24),
        city="Leeds", postcode="LS1 4AB",
    )  # fmt: skip
    newer = await profile(resources, tenant, "marg-2", name="x", orders=1)
    await set_traits(
        resources, newer, name="Margaret Thornbery", date_of_birth=date(1971, 6, 24),
        city="Leeds", email="Margaret.Thorn.bury@gmail.com",
    )  # fmt: skip
    return older, newer


async def test_planted_duplicates_are_merged_into_the_oldest_and_can_be_undone(
    resources: Resources, tenant: Tenant
) -> None:
    await population(resources, tenant.workspace_id)
    older, newer = await planted_pair(resources, tenant)
    before = await snapshot(resources.database, tenant.workspace_id)

    async with resources.database.transaction() as session:
        summary = await deduplicate(session, tenant.workspace_id)
    assert summary.profiles == 152
    assert (summary.merges, summary.clusters_merged) == (1, 1)
    assert await live(resources, older) is None
    assert await live(resources, newer) == older

    async with resources.database.transaction() as session:
        merge = (await session.scalars(select(CustomerMerge))).one()
        assert (merge.survivor_id, merge.merged_id, merge.reason) == (older, newer, REASON)
        assert merge.evidence["probability"] >= 0.99
        assert merge.evidence["fields"]["dob"] == "exact"
        assert merge.evidence["fields"]["email"] == "exact"  # Gmail dots do not count
        await undo_merge(session, tenant.workspace_id, merge.id)
    assert await snapshot(resources.database, tenant.workspace_id) == before


async def test_a_shared_role_address_alone_does_not_merge(
    resources: Resources, tenant: Tenant
) -> None:
    await population(resources, tenant.workspace_id)
    tom = await person(resources, tenant.workspace_id, "Tom Baker", email="support@acme.example")
    lisa = await person(resources, tenant.workspace_id, "Lisa Wong", email="support@acme.example")
    async with resources.database.transaction() as session:
        summary = await deduplicate(session, tenant.workspace_id, merge_threshold=0.5)
        reviews = (await session.scalars(select(MatchReview))).all()
    assert summary.merges == 0
    assert await live(resources, tom) is None
    assert await live(resources, lisa) is None
    assert not [r for r in reviews if {r.customer_a_id, r.customer_b_id} == {tom, lisa}]


async def test_an_uncertain_pair_is_queued_for_review_with_evidence(
    resources: Resources, tenant: Tenant
) -> None:
    await population(resources, tenant.workspace_id)
    work = await person(
        resources, tenant.workspace_id, "Daniel Okafor", date_of_birth=date(1985, 9, 12),
        city="Bristol", email="dan.okafor@work.example",
    )  # fmt: skip
    home = await person(
        resources, tenant.workspace_id, "Daniel Okafor", date_of_birth=date(1985, 9, 12),
        city="Bath",
    )  # fmt: skip
    async with resources.database.transaction() as session:
        summary = await deduplicate(session, tenant.workspace_id)
        reviews = (await session.scalars(select(MatchReview))).all()
    assert summary.merges == 0
    assert await live(resources, work) is None
    assert await live(resources, home) is None
    (review,) = [r for r in reviews if {r.customer_a_id, r.customer_b_id} == {work, home}]
    assert 0.1 <= review.score < 0.99
    assert review.evidence["source"] == REASON
    assert review.evidence["fields"]["dob"]["level"] == "exact"
    assert review.evidence["fields"]["city"]["level"] == "different"
    assert summary.reviews_queued == len(reviews)


async def test_dry_run_changes_nothing(resources: Resources, tenant: Tenant) -> None:
    await population(resources, tenant.workspace_id)
    await planted_pair(resources, tenant)
    before = await snapshot(resources.database, tenant.workspace_id)
    async with resources.database.transaction() as session:
        summary = await deduplicate(session, tenant.workspace_id, dry_run=True)
        assert not (await session.scalars(select(CustomerMerge))).all()
        assert not (await session.scalars(select(MatchReview))).all()
    assert (summary.merges, summary.dry_run) == (1, True)
    assert await snapshot(resources.database, tenant.workspace_id) == before


async def test_the_job_touches_only_its_workspace(
    resources: Resources, tenant: Tenant, other_tenant: Tenant, client: httpx.AsyncClient
) -> None:
    await population(resources, tenant.workspace_id)
    await population(resources, other_tenant.workspace_id)
    older, newer = await planted_pair(resources, tenant)
    other_older, other_newer = await planted_pair(resources, other_tenant)
    await run_jobs(resources)  # what intake queued (computed traits), before the snapshot
    theirs = await snapshot(resources.database, other_tenant.workspace_id)

    response = await client.post("/api/v1/customers/deduplicate", headers=tenant.headers)
    assert response.status_code == 202, response.text
    assert response.json()["name"] == DEDUPE_JOB
    await run_jobs(resources)

    assert await live(resources, newer) == older
    assert await live(resources, other_newer) is None
    assert await snapshot(resources.database, other_tenant.workspace_id) == theirs
    async with resources.database.transaction() as session:
        job = await session.get(Job, response.json()["job_id"])
        assert job is not None
        assert job.workspace_id == tenant.workspace_id
        assert job.state == "succeeded"
        merges = (await session.scalars(select(CustomerMerge))).all()
    assert [m.workspace_id for m in merges] == [tenant.workspace_id]
    del other_older


async def test_only_admins_may_queue_a_deduplication(
    client: httpx.AsyncClient, tenant: Tenant
) -> None:
    response = await client.post("/api/v1/customers/deduplicate")
    assert response.status_code == 401


async def test_a_successful_customer_import_queues_a_deduplication(
    resources: Resources, tenant: Tenant
) -> None:
    from deskpilot.imports import service as imports
    from deskpilot.imports.records import ImportKind

    async with resources.database.transaction() as session:
        ok = await imports.import_rows(
            session, tenant.workspace_id, ImportKind.CUSTOMERS, [(1, {"email": "a@b.example"})], {}
        )
        refused = await imports.import_rows(
            session, tenant.workspace_id, ImportKind.CUSTOMERS, [(1, {"email": "broken"})], {}
        )
        jobs = (await session.scalars(select(Job).where(Job.name == DEDUPE_JOB))).all()
    assert (ok.status, refused.status) == ("succeeded", "failed")
    assert [j.workspace_id for j in jobs] == [tenant.workspace_id]


def test_a_sure_pair_merges_only_when_a_contact_detail_agrees() -> None:
    """In the tau2 retail demo (500 different people, emails firstname.lastname1234@) the model
    scored 115 namesakes of different cities, zips and addresses over 0.99 and merged them."""
    different = levels_row(first_name=3, surname=3, email=2, city=0, address=0, postcode=0)
    same_email = levels_row(first_name=3, surname=3, email=4, city=0, address=0, postcode=0)
    resolution = Resolution(
        ids=["a", "b", "c"],
        cluster_of=[0, 0, 0],
        left=np.array([0, 0]),
        right=np.array([1, 2]),
        levels=np.array([different, same_email], dtype=np.int8),
        match_weight=np.array([14.0, 14.0]),
        probability=np.array([0.995, 0.995]),
        parameters=Parameters(m=[], u=[]),
        uncertain=[],
    )
    created = dict.fromkeys("abc", utcnow())

    plan = merge_plan(resolution, created, 0.99)

    assert [(m.survivor_id, m.other_id) for group in plan for m in group] == [("a", "c")]
    assert held_for_review(resolution, 0.99) == [0]


def levels_row(**levels: int) -> list[int]:
    """A comparison vector in FIELDS order; fields not given are missing."""
    return [levels.get(spec.name, -1) for spec in FIELDS]
