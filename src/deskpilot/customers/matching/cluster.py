"""Clustering matched pairs into people.

Pairs at or above the match threshold are joined, strongest first (union-find, so a batch of
millions of pairs stays near-linear). With ``guard`` on, two groups of records are only
joined when the link is not a lone bridge: the pairs that were compared between the two
groups must on average reach the threshold as well. This stops ``A-B-C`` chains where ``A``
and ``C`` are plainly different people joined through a record that looks a bit like both.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt


class _UnionFind:
    def __init__(self, n: int) -> None:
        self.parent = list(range(n))
        self.members: dict[int, list[int]] = {}

    def find(self, x: int) -> int:
        parent = self.parent
        root = x
        while parent[root] != root:
            root = parent[root]
        while parent[x] != root:
            parent[x], x = root, parent[x]
        return root

    def group(self, root: int) -> list[int]:
        return self.members.get(root, [root])

    def union(self, a: int, b: int) -> None:
        group_a, group_b = self.group(a), self.group(b)
        if len(group_a) < len(group_b):
            a, b, group_a, group_b = b, a, group_b, group_a
        self.parent[b] = a
        self.members[a] = group_a + group_b
        self.members.pop(b, None)


def connected_components(
    n: int,
    left: npt.NDArray[np.int64],
    right: npt.NDArray[np.int64],
    probability: npt.NDArray[np.float64],
    threshold: float,
    *,
    guard: bool = False,
) -> list[int]:
    """A cluster label (the smallest member index) for each of the ``n`` records."""
    strong = np.flatnonzero(probability >= threshold)
    strong = strong[np.argsort(-probability[strong], kind="stable")]
    sets = _UnionFind(n)
    scored: dict[tuple[int, int], float] = {}
    if guard:  # only pairs among records that have a strong link can be consulted
        linked = np.zeros(n, dtype=bool)
        linked[left[strong]] = True
        linked[right[strong]] = True
        keep = np.flatnonzero(linked[left] & linked[right])
        scored = dict(
            zip(
                zip(left[keep].tolist(), right[keep].tolist(), strict=True),
                probability[keep].tolist(),
                strict=True,
            )
        )
    for index in strong.tolist():
        a, b = sets.find(int(left[index])), sets.find(int(right[index]))
        if a == b:
            continue
        if guard and not _supported(sets.group(a), sets.group(b), scored, threshold):
            continue
        sets.union(a, b)
    labels = [0] * n
    smallest: dict[int, int] = {}
    for x in range(n):
        root = sets.find(x)
        smallest.setdefault(root, x)
        labels[x] = smallest[root]
    return labels


def _supported(
    group_a: list[int], group_b: list[int], scored: dict[tuple[int, int], float], threshold: float
) -> bool:
    if len(group_a) == 1 and len(group_b) == 1:
        return True
    found = [
        scored[(min(x, y), max(x, y))]
        for x in group_a
        for y in group_b
        if (min(x, y), max(x, y)) in scored
    ]
    return not found or sum(found) / len(found) >= threshold
