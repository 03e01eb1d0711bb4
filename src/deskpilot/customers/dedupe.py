"""Probabilistic deduplication of a workspace's stored profiles (the job ``customer.deduplicate``).

``deduplicate`` loads the live profiles (``merged_into_id`` is null) in keyset batches, turns each
into a small record for the matcher (``deskpilot.customers.matching``: name, date of birth, one
email, one phone, city, address, postcode), resolves them, and then:

* **merges** every pair the matcher scores at or above ``merge_threshold`` (0.99 by default) and
  puts in one cluster: the members of each such group are merged into the group's oldest
  profile through ``merging.merge_customers`` (reason ``"probabilistic match"``; the evidence is
  the pair's probability, match weight and per-field comparison levels), so every merge can be
  undone like a manual one;
* **queues for review** (``service.propose_match``) every other pair scored from the matcher's
  ``review_low`` (0.1) up to the merge threshold, with per-field evidence. With
  ``merge_threshold=None`` nothing is merged and every pair from ``review_low`` up is queued.

Merge protection: blocked placeholders and role or shared addresses (``support@``...) are never
given to the matcher, nor is an email or phone that ``max_profiles_per_identifier`` profiles or
more carry, so no merge and no review can rest on them. ``dry_run`` computes the same summary
and writes nothing.

The records of the whole workspace are held in memory while the matcher runs (a few hundred
bytes per profile; the matcher itself blocks, so it never compares all pairs).
"""

from __future__ import annotations

import contextlib
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from pydantic import BaseModel, Field
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.customers import merging, service
from deskpilot.customers.dedupe_repository import (
    DedupeRepository,
    ProfileRow,
    workspaces_with_profiles,
)
from deskpilot.customers.identity import normalise_email, normalise_phone
from deskpilot.customers.matching import PairEvidence, Resolution, Settings, resolve
from deskpilot.customers.matching.comparisons import FIELD_INDEX, FIELDS
from deskpilot.customers.protection import DEFAULT_PROTECTION, MergeProtection
from deskpilot.kit.errors import InvalidInput
from deskpilot.kit.jobs import Job, enqueue
from deskpilot.models import IdentityKind

DEDUPE_JOB = "customer.deduplicate"
DEFAULT_MERGE_THRESHOLD = 0.99
REASON = "probabilistic match"

log = logging.getLogger(__name__)


class Deduplicate(BaseModel):
    """Payload of ``customer.deduplicate``: one workspace, or (without one) every workspace."""

    workspace_id: str | None = None
    dry_run: bool = False
    merge_threshold: float | None = Field(default=DEFAULT_MERGE_THRESHOLD, gt=0, le=1)


@dataclass(frozen=True, slots=True)
class DedupeSummary:
    workspace_id: str
    profiles: int
    clusters_merged: int
    merges: int
    reviews_queued: int
    seconds: float
    dry_run: bool

    def line(self) -> str:
        verb = "would merge" if self.dry_run else "merged"
        return (
            f"{self.profiles} profiles: {verb} {self.merges} into {self.clusters_merged} "
            f"survivors, {self.reviews_queued} pairs to review ({self.seconds:.2f}s)"
        )


def request_deduplication(
    session: AsyncSession, workspace_id: str, *, dry_run: bool = False
) -> Job:
    """Queue ``customer.deduplicate`` for one workspace (in the caller's transaction)."""
    return enqueue(
        session,
        DEDUPE_JOB,
        Deduplicate(workspace_id=workspace_id, dry_run=dry_run),
        workspace_id=workspace_id,
    )


# --- records for the matcher ------------------------------------------------------------------


def _emails(row: ProfileRow) -> list[str]:
    found = []
    if row.email:
        with contextlib.suppress(ValueError):
            found.append(normalise_email(row.email))
    return list(dict.fromkeys([*found, *row.emails]))


def _phones(row: ProfileRow) -> list[str]:
    found = []
    if row.phone:
        with contextlib.suppress(ValueError):
            found.append(normalise_phone(row.phone, None))
    return list(dict.fromkeys([*found, *row.phones]))


def _records(rows: list[ProfileRow], protection: MergeProtection) -> list[dict[str, str]]:
    """One matcher record per profile, with only the contacts merge protection lets match."""
    carried: Counter[tuple[IdentityKind, str]] = Counter()
    for row in rows:
        carried.update({(IdentityKind.EMAIL, e) for e in _emails(row)})
        carried.update({(IdentityKind.PHONE, p) for p in _phones(row)})

    def usable(kind: IdentityKind, values: Iterable[str]) -> str:
        for value in values:
            if protection.refuses_to_match(kind, value) is None and (
                carried[(kind, value)] < protection.max_profiles_per_identifier
            ):
                return value
        return ""

    return [
        {
            "unique_id": row.id,
            "full_name": row.name or "",
            "dob": row.date_of_birth.isoformat() if row.date_of_birth else "",
            "email": usable(IdentityKind.EMAIL, _emails(row)),
            "phone": usable(IdentityKind.PHONE, _phones(row)),
            "city": row.city or "",
            "address": row.address or "",
            "postcode": row.postcode or "",
        }
        for row in rows
    ]


# --- what to merge ------------------------------------------------------------------------------


def _pair_evidence(resolution: Resolution, i: int) -> dict[str, Any]:
    levels = resolution.levels[i].tolist()
    return {
        "source": REASON,
        "probability": round(float(resolution.probability[i]), 6),
        "match_weight": round(float(resolution.match_weight[i]), 3),
        "fields": {
            spec.name: spec.labels[level] if level >= 0 else "missing"
            for spec, level in zip(FIELDS, levels, strict=True)
        },
    }


@dataclass(frozen=True, slots=True)
class _Merge:
    survivor_id: str
    other_id: str
    evidence: dict[str, Any]


# the lowest level of each contact detail at which it corroborates a match (see FIELDS): the
# same email (or its local part at another domain), a phone with the same last 8 digits, an
# address alike, an exact birth date or identifier. Names and similar emails alone never
# merge two profiles by themselves: in a shop whose customers are firstname.lastname1234@
# (the tau2 retail data: 500 different people), 115 namesakes of different cities, zips and
# addresses scored over 0.99 and were merged, among them three "Yusuf Hernandez".
_CORROBORATING = {"email": 3, "phone": 2, "address": 2, "dob": 4, "identifier": 3}


def _corroborated(levels: Any) -> bool:
    """Some contact detail of the pair agrees (``levels`` in ``FIELDS`` order)."""
    return any(levels[FIELD_INDEX[name]] >= level for name, level in _CORROBORATING.items())


def held_for_review(resolution: Resolution, threshold: float) -> list[int]:
    """The pairs scored at or above ``threshold`` that no contact detail corroborates."""
    strong = np.flatnonzero(resolution.probability >= threshold)
    return [i for i in strong.tolist() if not _corroborated(resolution.levels[i])]


def merge_plan(
    resolution: Resolution, created: dict[str, Any], threshold: float
) -> list[list[_Merge]]:
    """Groups of confident, corroborated pairs within one cluster; each group merges into its
    oldest member."""
    ids, cluster_of = resolution.ids, resolution.cluster_of
    held = set(held_for_review(resolution, threshold))
    strong = [
        i for i in np.flatnonzero(resolution.probability >= threshold).tolist() if i not in held
    ]
    parent = list(range(len(ids)))

    def root(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    best: dict[int, int] = {}  # record -> its strongest confident pair
    for i in strong:
        a, b = int(resolution.left[i]), int(resolution.right[i])
        if cluster_of[a] != cluster_of[b]:  # the clustering guard split them: review instead
            continue
        parent[root(a)] = root(b)
        for x in (a, b):
            if x not in best or resolution.probability[i] > resolution.probability[best[x]]:
                best[x] = i
    groups: dict[int, list[int]] = {}
    for x in best:
        groups.setdefault(root(x), []).append(x)
    plan = []
    for members in groups.values():
        survivor, *others = sorted(members, key=lambda x: (created[ids[x]], ids[x]))
        plan.append(
            [_Merge(ids[survivor], ids[x], _pair_evidence(resolution, best[x])) for x in others]
        )
    return plan


def _review_evidence(pair: PairEvidence) -> dict[str, Any]:
    return {
        "source": REASON,
        "probability": pair.probability,
        "match_weight": pair.match_weight,
        "names_swapped": pair.names_swapped,
        "fields": {
            f.field: {"level": f.level, "left": f.left, "right": f.right, "weight": f.weight}
            for f in pair.fields
        },
    }


# --- the run ------------------------------------------------------------------------------------


async def deduplicate(
    session: AsyncSession,
    workspace_id: str,
    *,
    merge_threshold: float | None = DEFAULT_MERGE_THRESHOLD,
    dry_run: bool = False,
    settings: Settings | None = None,
    protection: MergeProtection = DEFAULT_PROTECTION,
    batch_size: int = 1000,
) -> DedupeSummary:
    """Merge the confident duplicates among the live profiles, queue the uncertain pairs.

    See the module docstring. Never commits: the caller's transaction holds every merge and
    review, so a failure leaves nothing half-done.
    """
    if merge_threshold is not None and not 0 < merge_threshold <= 1:
        raise InvalidInput.field("merge_threshold", "must be above 0 and at most 1")
    started = time.perf_counter()
    rows: list[ProfileRow] = []
    async for batch in DedupeRepository(session, workspace_id).live_profiles(batch_size):
        rows.extend(batch)
    base = settings or Settings()
    # Review up to the merge threshold, so that no pair between the two is silently dropped.
    review_high = merge_threshold if merge_threshold is not None else float("inf")
    settings = dataclasses.replace(base, review_high=max(review_high, base.review_low))
    merges = clusters = reviews = 0
    if len(rows) > 1:
        resolution = resolve(_records(rows, protection), settings)
        created = {row.id: row.created_at for row in rows}
        plan = merge_plan(resolution, created, merge_threshold) if merge_threshold else []
        for group in plan:
            done = 0
            for step in group:
                if not dry_run:
                    with contextlib.suppress(InvalidInput):  # already one profile
                        await merging.merge_customers(
                            session, workspace_id, step.survivor_id, step.other_id,
                            reason=REASON, evidence=step.evidence,
                        )  # fmt: skip
                done += 1
            merges += done
            clusters += 1 if done else 0
        merged_into = {step.other_id: step.survivor_id for group in plan for step in group}
        held = held_for_review(resolution, merge_threshold) if merge_threshold else []
        queue = [
            (pair.left_id, pair.right_id, pair.probability, _review_evidence(pair))
            for pair in resolution.uncertain
        ] + [
            (
                resolution.ids[int(resolution.left[i])],
                resolution.ids[int(resolution.right[i])],
                round(float(resolution.probability[i]), 6),
                {**_pair_evidence(resolution, i), "held": "no contact detail agrees"},
            )
            for i in held
        ]
        for left_id, right_id, probability, evidence in queue:
            a = merged_into.get(left_id, left_id)
            b = merged_into.get(right_id, right_id)
            if a == b:
                continue
            if dry_run or await service.propose_match(
                session, workspace_id, a, b, probability, evidence
            ):
                reviews += 1
    summary = DedupeSummary(
        workspace_id=workspace_id,
        profiles=len(rows),
        clusters_merged=clusters,
        merges=merges,
        reviews_queued=reviews,
        seconds=round(time.perf_counter() - started, 3),
        dry_run=dry_run,
    )
    log.info("customer.deduplicate %s: %s", workspace_id, summary.line())
    return summary


async def deduplicate_all(
    session: AsyncSession, payload: Deduplicate, workspace_id: str | None
) -> list[DedupeSummary]:
    """The job's work: the payload's workspace, the job's, or every workspace with profiles."""
    chosen = workspace_id or payload.workspace_id
    targets = [chosen] if chosen else await workspaces_with_profiles(session)
    return [
        await deduplicate(
            session, target, merge_threshold=payload.merge_threshold, dry_run=payload.dry_run
        )
        for target in targets
    ]
