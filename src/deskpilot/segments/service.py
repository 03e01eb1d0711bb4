"""Segments: rules over traits and events, and memberships kept up to date.

Memberships are stored (``segment_memberships``) and change in two ways:

- ``reevaluate_customers``: after a customer's traits are recomputed (customers/traits.py), that
  customer is checked against every segment of the workspace;
- the ``segment.reevaluate`` job: after a segment is created or its rules change, every customer
  of the workspace is checked against it, in batches of ``BATCH`` customers, one job per batch.

Each change publishes ``segment.entered`` or ``segment.exited`` after commit (and to the
transactional listeners, e.g. webhooks). Services never commit.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from deskpilot.kit.bus import Bus, BusEvent, publish_on_commit
from deskpilot.kit.clock import utcnow
from deskpilot.kit.errors import Conflict, FieldError, InvalidInput
from deskpilot.kit.jobs import enqueue
from deskpilot.kit.pagination import Page, decode_time_cursor, encode_cursor
from deskpilot.models import Segment, SegmentMembership
from deskpilot.segments import rules as rule_language
from deskpilot.segments.repository import (
    AudienceRepository,
    MembershipRepository,
    SegmentRepository,
)
from deskpilot.segments.schemas import (
    CustomerBrief,
    MemberRead,
    PreviewRead,
    PreviewRequest,
    SegmentCreate,
    SegmentRead,
    SegmentRef,
    SegmentUpdate,
)

log = logging.getLogger(__name__)

REEVALUATE_JOB = "segment.reevaluate"
BATCH = 500
MAX_SEGMENTS = 500  # per workspace: each is one query when a customer's traits change


class ReevaluateSegment(BaseModel):
    segment_id: str
    after_id: str | None = None  # the last customer id of the previous batch


def _dialect(session: AsyncSession) -> str:
    return session.get_bind().dialect.name


async def _check_references(
    session: AsyncSession, workspace_id: str, rule: rule_language.Rule, segment_id: str | None
) -> None:
    """Every ``in_segment`` names a segment of this workspace, and no segment depends on
    itself through others (membership would be undefined)."""
    references = rule_language.segment_references(rule)
    if not references:
        return
    repository = SegmentRepository(session, workspace_id)
    missing = references - await repository.ids(references)
    if missing:
        raise InvalidInput.field(
            "body.rules", f"in_segment names unknown segments: {sorted(missing)}"
        )
    if segment_id is None:  # a new segment: nothing can depend on it yet
        return
    graph = {s.id: _references_of(s) for s in await repository.ordered()}
    graph[segment_id] = references
    seen: set[str] = set()
    stack = list(references)
    while stack:
        current = stack.pop()
        if current == segment_id:
            raise InvalidInput.field("body.rules", "in_segment makes the segment depend on itself")
        if current not in seen:
            seen.add(current)
            stack.extend(graph.get(current, set()))


def _parsed(segment: Segment) -> rule_language.Rule | None:
    try:
        return rule_language.parse(segment.rules)
    except InvalidInput:
        log.warning("segment %s has rules this version cannot read; skipped", segment.id)
        return None


def _references_of(segment: Segment) -> set[str]:
    rule = _parsed(segment)
    return rule_language.segment_references(rule) if rule is not None else set()


def _read(segment: Segment, member_count: int) -> SegmentRead:
    read = SegmentRead.model_validate(segment)
    read.member_count = member_count
    return read


async def create_segment(session: AsyncSession, workspace_id: str, body: SegmentCreate) -> Segment:
    """Save a segment and queue the evaluation of every customer against it."""
    rule = rule_language.parse(body.rules)
    repository = SegmentRepository(session, workspace_id)
    if await repository.by_name(body.name) is not None:
        raise Conflict(
            f"a segment named {body.name!r} exists", fields=[FieldError("body.name", "is taken")]
        )
    if len(await repository.ordered()) >= MAX_SEGMENTS:
        raise Conflict(f"a workspace has at most {MAX_SEGMENTS} segments")
    await _check_references(session, workspace_id, rule, None)
    segment = repository.add(
        Segment(
            workspace_id=workspace_id,
            name=body.name,
            description=body.description,
            rules=body.rules,
        )
    )
    await session.flush()
    _queue_reevaluation(session, workspace_id, segment.id)
    return segment


def _queue_reevaluation(
    session: AsyncSession, workspace_id: str, segment_id: str, after_id: str | None = None
) -> None:
    enqueue(
        session,
        REEVALUATE_JOB,
        ReevaluateSegment(segment_id=segment_id, after_id=after_id),
        workspace_id=workspace_id,
    )


async def list_segments(session: AsyncSession, workspace_id: str) -> list[SegmentRead]:
    repository = SegmentRepository(session, workspace_id)
    segments = await repository.ordered()
    counts = await repository.member_counts([s.id for s in segments])
    return [_read(s, counts.get(s.id, 0)) for s in segments]


async def get_segment(session: AsyncSession, workspace_id: str, segment_id: str) -> SegmentRead:
    repository = SegmentRepository(session, workspace_id)
    segment = await repository.get_or_404(segment_id)
    counts = await repository.member_counts([segment.id])
    return _read(segment, counts.get(segment.id, 0))


async def update_segment(
    session: AsyncSession, workspace_id: str, segment_id: str, body: SegmentUpdate
) -> SegmentRead:
    """Rename, describe, or change the rules (then every customer is evaluated again)."""
    repository = SegmentRepository(session, workspace_id)
    segment = await repository.get_or_404(segment_id)
    if body.name is not None and body.name != segment.name:
        if await repository.by_name(body.name) is not None:
            raise Conflict(
                f"a segment named {body.name!r} exists",
                fields=[FieldError("body.name", "is taken")],
            )
        segment.name = body.name
    if "description" in body.model_fields_set:
        segment.description = body.description
    if body.rules is not None and body.rules != segment.rules:
        rule = rule_language.parse(body.rules)
        await _check_references(session, workspace_id, rule, segment.id)
        segment.rules = body.rules
        _queue_reevaluation(session, workspace_id, segment.id)
    await session.flush()
    return await get_segment(session, workspace_id, segment_id)


async def delete_segment(session: AsyncSession, workspace_id: str, segment_id: str) -> None:
    """Delete a segment and its memberships (no ``segment.exited`` events: the segment is gone).
    A segment that another one names in ``in_segment`` cannot go (409)."""
    repository = SegmentRepository(session, workspace_id)
    segment = await repository.get_or_404(segment_id)
    users = [s.name for s in await repository.ordered() if segment_id in _references_of(s)]
    if users:
        raise Conflict(f"segments {users} use this segment in their rules")
    await MembershipRepository(session, workspace_id).remove_segment(segment_id)
    await repository.delete(segment)
    await session.flush()


async def members(
    session: AsyncSession, workspace_id: str, segment_id: str, cursor: str | None, limit: int
) -> Page[MemberRead]:
    await SegmentRepository(session, workspace_id).get_or_404(segment_id)
    after = decode_time_cursor(cursor) if cursor else None
    rows = await MembershipRepository(session, workspace_id).members_page(
        segment_id, after, limit + 1
    )
    items = [
        MemberRead(customer=CustomerBrief.model_validate(customer), since=m.since)
        for m, customer in rows[:limit]
    ]
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1][0]
        next_cursor = encode_cursor(last.since, last.id)
    return Page(items=items, next_cursor=next_cursor)


async def preview(session: AsyncSession, workspace_id: str, body: PreviewRequest) -> PreviewRead:
    """How many customers the rules select now, and a few of them, without saving anything."""
    rule = rule_language.parse(body.rules)
    await _check_references(session, workspace_id, rule, None)
    condition = rule_language.compile_rule(
        rule, workspace_id=workspace_id, dialect=_dialect(session), now=utcnow()
    )
    audience = AudienceRepository(session, workspace_id)
    sample = await audience.sample(condition, body.sample_size) if body.sample_size else []
    return PreviewRead(
        count=await audience.count(condition),
        sample=[CustomerBrief.model_validate(c) for c in sample],
    )


async def segments_of(
    session: AsyncSession, workspace_id: str, customer_id: str
) -> list[SegmentRef]:
    """The segments a customer is in now, by name (for the 360 API, routing and automation)."""
    rows = await MembershipRepository(session, workspace_id).segments_of(customer_id)
    return [SegmentRef(id=s.id, name=s.name, since=since) for s, since in rows]


def _in_dependency_order(segments: Sequence[Segment]) -> list[tuple[Segment, rule_language.Rule]]:
    """Segments with their rules, each after the segments it names in ``in_segment``."""
    parsed = {s.id: (s, r) for s in segments if (r := _parsed(s)) is not None}
    ordered: list[tuple[Segment, rule_language.Rule]] = []
    placed: set[str] = set()

    def place(segment_id: str, path: frozenset[str]) -> None:
        if segment_id in placed or segment_id not in parsed or segment_id in path:
            return
        segment, rule = parsed[segment_id]
        for dependency in sorted(rule_language.segment_references(rule)):
            place(dependency, path | {segment_id})
        placed.add(segment_id)
        ordered.append((segment, rule))

    for segment_id in parsed:
        place(segment_id, frozenset())
    return ordered


async def _apply(
    session: AsyncSession,
    bus: Bus,
    workspace_id: str,
    segment: Segment,
    rule: rule_language.Rule,
    customer_ids: Sequence[str],
    now: datetime,
) -> tuple[int, int]:
    """Bring ``segment``'s memberships of ``customer_ids`` in line with its rule.

    Returns (entered, exited)."""
    condition = rule_language.compile_rule(
        rule, workspace_id=workspace_id, dialect=_dialect(session), now=now
    )
    matching = await AudienceRepository(session, workspace_id).matching_among(
        condition, customer_ids
    )
    memberships = MembershipRepository(session, workspace_id)
    current = await memberships.of_customers(segment.id, customer_ids)
    leaving = [m for customer_id, m in current.items() if customer_id not in matching]
    entering = sorted(matching - set(current))
    for customer_id in entering:
        memberships.add(
            SegmentMembership(
                workspace_id=workspace_id,
                segment_id=segment.id,
                customer_id=customer_id,
                since=now,
            )
        )
    await memberships.remove(leaving)
    await session.flush()  # later segments' in_segment conditions read these rows
    for name, ids in (
        ("segment.entered", entering),
        ("segment.exited", sorted(m.customer_id for m in leaving)),
    ):
        for customer_id in ids:
            publish_on_commit(
                session,
                bus,
                BusEvent(
                    name=name,
                    workspace_id=workspace_id,
                    data={
                        "segment_id": segment.id,
                        "segment_name": segment.name,
                        "customer_id": customer_id,
                    },
                ),
            )
    return len(entering), len(leaving)


async def reevaluate_customers(
    session: AsyncSession, bus: Bus, workspace_id: str, customer_ids: Sequence[str]
) -> None:
    """Check these customers against every segment of the workspace (one query per segment)."""
    ids = sorted(await AudienceRepository(session, workspace_id).existing(customer_ids))
    if not ids:
        return
    now = utcnow()
    segments = await SegmentRepository(session, workspace_id).ordered()
    for segment, rule in _in_dependency_order(segments):
        await _apply(session, bus, workspace_id, segment, rule, ids, now)


async def reevaluate_segment_batch(
    session: AsyncSession, bus: Bus, workspace_id: str, segment_id: str, after_id: str | None
) -> str | None:
    """Check the next ``BATCH`` customers (by id, after ``after_id``) against one segment.

    Queues the next batch as a job; after the last batch, queues the segments that name this
    one in ``in_segment``. Returns the last customer id handled, None when it was the last batch
    or the segment is gone."""
    repository = SegmentRepository(session, workspace_id)
    segment = await repository.get(segment_id)
    if segment is None:
        return None
    rule = _parsed(segment)
    if rule is None:
        return None
    ids = await AudienceRepository(session, workspace_id).customer_ids_after(after_id, BATCH)
    await _apply(session, bus, workspace_id, segment, rule, ids, utcnow())
    if len(ids) == BATCH:
        _queue_reevaluation(session, workspace_id, segment_id, ids[-1])
        return ids[-1]
    for other in await repository.ordered():
        if segment_id in _references_of(other):
            _queue_reevaluation(session, workspace_id, other.id)
    return None
