"""Batch identity resolution: records in, people (clusters), scored pairs and a review queue out.

``resolve(records)`` takes dictionaries with a ``unique_id`` and any of the columns in
``COLUMNS``; every other key is ignored. It normalises, blocks, compares, estimates the
Fellegi-Sunter model on the data itself (no labels), scores every blocked pair, clusters the
pairs at or above ``threshold`` and lists the pairs in the uncertain band with per-field
evidence. Nothing here touches a database: callers load and save.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from deskpilot.customers.matching.blocking import RULES, BlockingRule, Blocks, block
from deskpilot.customers.matching.cluster import connected_components
from deskpilot.customers.matching.comparisons import FIELDS, K, compare, field_values, names
from deskpilot.customers.matching.model import (
    FloatArray,
    LevelArray,
    Parameters,
    expectation_maximisation,
    global_prior,
    initial_m,
    level_frequencies,
    log_odds,
    posterior,
)
from deskpilot.customers.matching.normalise import Prepared, prepare

COLUMNS = (
    "unique_id", "first_name", "surname", "full_name", "dob", "email", "phone", "city",
    "address", "postcode", "identifier",
)  # fmt: skip


@dataclass(frozen=True, slots=True)
class Settings:
    """How resolution runs. The defaults are principled, not fitted to any evaluation set.

    ``threshold`` is a posterior match probability: 0.5 merges a pair when a match is more
    likely than not. Pairs with a probability in ``[review_low, review_high)`` form the
    uncertain band for a person to look at. ``guard`` (see ``cluster``) was chosen on the
    synthetic generator's data, where it removed chained false merges at almost no recall.
    """

    threshold: float = 0.5
    review_low: float = 0.1
    review_high: float = 0.9
    guard: bool = True
    max_block: int = 300
    u_pairs: int = 200_000
    em_pairs: int = 200_000
    min_session_pairs: int = 30
    default_region: str | None = None
    seed: int = 7
    rules: tuple[BlockingRule, ...] = RULES


@dataclass(frozen=True, slots=True)
class FieldEvidence:
    field: str
    level: str
    left: str
    right: str
    weight: float  # log2 Bayes factor this field adds (0 when a side is missing)


@dataclass(frozen=True, slots=True)
class PairEvidence:
    left_id: str
    right_id: str
    probability: float
    match_weight: float
    merged: bool
    names_swapped: bool
    fields: tuple[FieldEvidence, ...]


@dataclass(slots=True)
class Resolution:
    ids: list[str]
    cluster_of: list[int]  # index of the cluster's first record, per record
    left: npt.NDArray[np.int64]
    right: npt.NDArray[np.int64]
    levels: LevelArray
    match_weight: FloatArray
    probability: FloatArray
    parameters: Parameters
    uncertain: list[PairEvidence]
    timings: dict[str, float] = field(default_factory=dict)

    def clusters(self) -> list[list[str]]:
        groups: dict[int, list[str]] = {}
        for uid, label in zip(self.ids, self.cluster_of, strict=True):
            groups.setdefault(label, []).append(uid)
        return list(groups.values())

    def matched_pairs(self, threshold: float) -> list[tuple[str, str, float]]:
        chosen = np.flatnonzero(self.probability >= threshold)
        return [
            (self.ids[self.left[i]], self.ids[self.right[i]], float(self.probability[i]))
            for i in chosen.tolist()
        ]


def _compare_pairs(
    prepared: Sequence[Prepared], left: Iterable[int], right: Iterable[int], size: int
) -> LevelArray:
    out = np.empty((size, K), dtype=np.int8)
    chunk: list[list[int]] = []
    start = 0
    for i, j in zip(left, right, strict=True):
        chunk.append(compare(prepared[i], prepared[j]))
        if len(chunk) == 65_536:  # rows in bulk: one numpy call per chunk, not per pair
            out[start : start + len(chunk)] = chunk
            start += len(chunk)
            chunk = []
    if chunk:
        out[start : start + len(chunk)] = chunk
    return out


def _random_pairs(n: int, count: int, seed: int) -> tuple[list[int], list[int]]:
    total = n * (n - 1) // 2
    rng = np.random.default_rng(seed)
    if total <= count:
        a, b = np.triu_indices(n, k=1)
        return a.tolist(), b.tolist()
    a = rng.integers(0, n, size=count)
    b = rng.integers(0, n - 1, size=count)
    b = np.where(b >= a, b + 1, b)  # uniform over j != i
    return a.tolist(), b.tolist()


def _term_frequencies(
    prepared: Sequence[Prepared],
) -> list[tuple[npt.NDArray[np.int64], FloatArray]]:
    """Per field: each record's value id (-1 when missing) and each value's share."""
    out = []
    for k in range(K):
        values = [field_values(r)[k] for r in prepared]
        counts = Counter(v for v in values if v)
        index = {v: i for i, v in enumerate(counts)}
        ids = np.array([index[v] if v else -1 for v in values], dtype=np.int64)
        present = max(sum(counts.values()), 1)
        shares = np.array([counts[v] / present for v in counts], dtype=np.float64)
        out.append((ids, shares))
    return out


def _estimate(
    levels: LevelArray, blocks: Blocks, u: list[FloatArray], settings: Settings
) -> Parameters:
    names_of = [f.name for f in FIELDS]
    totals = [np.zeros(f.levels) for f in FIELDS]
    weights = np.zeros(K)
    sessions: list[dict[str, object]] = []
    rng = np.random.default_rng(settings.seed)
    for rule in settings.rules:
        codes = blocks.by_rule.get(rule.name)
        if codes is None or codes.size < settings.min_session_pairs:
            continue
        rows = np.searchsorted(blocks.codes, codes)
        if rows.size > settings.em_pairs:  # a random sample estimates m just as well
            rows = np.sort(rng.choice(rows, size=settings.em_pairs, replace=False))
        active = np.array([name not in rule.fields for name in names_of])
        m, prior, iterations = expectation_maximisation(levels[rows], u, active)
        matches = prior * rows.size
        sessions.append(
            {"rule": rule.name, "pairs": int(rows.size), "prior": prior, "iterations": iterations}
        )
        for k in np.flatnonzero(active):
            totals[k] += matches * m[k]
            weights[k] += matches
    initial = initial_m()
    m_final = [totals[k] / weights[k] if weights[k] > 0 else initial[k] for k in range(K)]
    return Parameters(m=m_final, u=u, sessions=sessions)


def _scores(
    levels: LevelArray,
    left: npt.NDArray[np.int64],
    parameters: Parameters,
    tf: list[tuple[npt.NDArray[np.int64], FloatArray]],
    n: int,
) -> FloatArray:
    bayes = parameters.bayes_factors()
    total = log_odds(levels, bayes, np.ones(K, dtype=bool))
    for k, spec in enumerate(FIELDS):
        top = spec.levels - 1
        exact = np.flatnonzero(levels[:, k] == top)
        if exact.size == 0:
            continue
        ids, shares = tf[k]
        value_ids = ids[left[exact]]
        share = np.where(value_ids >= 0, shares[np.maximum(value_ids, 0)], 0.0)
        share = np.maximum(share, 1.0 / max(n, 1))
        # log2(m/u_value) instead of log2(m/u): add log2(u / u_value).
        adjust = np.log2(parameters.u[k][top] / share)
        total[exact] += np.where(share > 0, adjust, 0.0)
    return total


def evidence(
    a: Prepared,
    b: Prepared,
    levels: Sequence[int],
    weight: float,
    probability: float,
    parameters: Parameters,
    merged: bool,
) -> PairEvidence:
    bayes = parameters.bayes_factors()
    va, vb = field_values(a), field_values(b)
    fields = tuple(
        FieldEvidence(
            field=spec.name,
            level=spec.labels[level] if level >= 0 else "missing",
            left=va[k],
            right=vb[k],
            weight=round(float(bayes[k][level]), 3) if level >= 0 else 0.0,
        )
        for k, (spec, level) in enumerate(zip(FIELDS, levels, strict=True))
    )
    return PairEvidence(
        left_id=a.unique_id,
        right_id=b.unique_id,
        probability=round(probability, 6),
        match_weight=round(weight, 3),
        merged=merged,
        names_swapped=names(a, b)[2],
        fields=fields,
    )


def resolve(records: Sequence[Mapping[str, str]], settings: Settings | None = None) -> Resolution:
    """Resolve a batch of records into people; see the module docstring."""
    settings = settings or Settings()
    timings: dict[str, float] = {}
    started = clock = time.perf_counter()

    def lap(name: str) -> None:
        nonlocal clock
        now = time.perf_counter()
        timings[name] = round(now - clock, 3)
        clock = now

    prepared = [prepare(dict(r), settings.default_region) for r in records]
    ids = [p.unique_id for p in prepared]
    if len(set(ids)) != len(ids):
        raise ValueError("unique_id must be unique")
    n = len(prepared)
    lap("prepare")
    blocks = block(prepared, settings.rules, settings.max_block)
    left, right = blocks.left, blocks.right
    lap("block")
    levels = _compare_pairs(prepared, left.tolist(), right.tolist(), left.size)
    lap("compare")
    ra, rb = _random_pairs(n, settings.u_pairs, settings.seed) if n > 1 else ([], [])
    u = level_frequencies(_compare_pairs(prepared, ra, rb, len(ra)))
    lap("u")
    parameters = _estimate(levels, blocks, u, settings)
    tf = _term_frequencies(prepared)
    weight = _scores(levels, left, parameters, tf, n)
    parameters.prior = global_prior(weight, n * (n - 1) // 2)
    probability = posterior(weight, parameters.prior)
    lap("estimate")
    cluster_of = connected_components(
        n, left, right, probability, settings.threshold, guard=settings.guard
    )
    lap("cluster")
    band = np.flatnonzero(
        (probability >= settings.review_low) & (probability < settings.review_high)
    )
    uncertain = [
        evidence(
            prepared[int(left[i])],
            prepared[int(right[i])],
            levels[i].tolist(),
            float(weight[i]),
            float(probability[i]),
            parameters,
            bool(probability[i] >= settings.threshold),
        )
        for i in band[np.argsort(-probability[band])].tolist()
    ]
    lap("review")
    timings["total"] = round(time.perf_counter() - started, 3)
    return Resolution(
        ids=ids,
        cluster_of=cluster_of,
        left=left,
        right=right,
        levels=levels,
        match_weight=weight,
        probability=probability,
        parameters=parameters,
        uncertain=uncertain,
        timings=timings,
    )
