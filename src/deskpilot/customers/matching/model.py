"""The Fellegi-Sunter model, estimated without labels (the way Splink does it).

For each field and level there is an *m*-probability (the chance of that level when the two
records are the same person) and a *u*-probability (the chance when they are not). Their
ratio is the Bayes factor of the evidence; the product over fields, times the prior odds, is
the posterior odds that the pair is a match (fields assumed conditionally independent).

- *u* is counted on random pairs of the data being resolved: almost all of them are different
  people.
- *m* comes from expectation-maximisation on the blocked pairs, one session per blocking
  rule. A session leaves out the fields its rule forces to agree (in pairs blocked on the date
  of birth, agreement on the date of birth says nothing) and keeps *u* fixed; the sessions'
  *m* are averaged, weighted by how many matches each session found.
- The prior (the chance that two random records match) is the fixed point of
  ``λ = Σ P(match | pair) / all pairs`` over the blocked pairs: the EM update of the mixing
  weight, with every match assumed to be among the blocked pairs.
- Exact agreement on a value is weighted by that value's frequency (a *term-frequency
  adjustment*): sharing the surname ``Smith`` is weaker evidence than sharing ``Zhukovsky``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from deskpilot.customers.matching.comparisons import FIELDS, NULL

FloatArray = npt.NDArray[np.float64]
LevelArray = npt.NDArray[np.int8]
BoolArray = npt.NDArray[np.bool_]

_SMOOTH = 1.0  # Laplace pseudo-count per level, so that no level is ever impossible
_MIN_PROBABILITY = 1e-6


@dataclass(slots=True)
class Parameters:
    m: list[FloatArray]
    u: list[FloatArray]
    prior: float = 1e-4
    sessions: list[dict[str, object]] = field(default_factory=list)

    def bayes_factors(self) -> list[FloatArray]:
        return [np.log2(m / u) for m, u in zip(self.m, self.u, strict=True)]

    def as_dict(self) -> dict[str, object]:
        return {
            "prior": self.prior,
            "fields": {
                spec.name: {
                    label: {"m": round(float(m[i]), 6), "u": round(float(u[i]), 6)}
                    for i, label in enumerate(spec.labels)
                }
                for spec, m, u in zip(FIELDS, self.m, self.u, strict=True)
            },
            "sessions": self.sessions,
        }


def level_frequencies(levels: LevelArray, weights: FloatArray | None = None) -> list[FloatArray]:
    """Per field, the smoothed share of each level among non-null comparisons."""
    out = []
    for k, spec in enumerate(FIELDS):
        column = levels[:, k]
        present = column != NULL
        w = None if weights is None else weights[present]
        raw = np.bincount(column[present], weights=w, minlength=spec.levels)[: spec.levels]
        counts: FloatArray = raw.astype(np.float64) + _SMOOTH / spec.levels
        out.append(np.maximum(counts / counts.sum(), _MIN_PROBABILITY))
    return out


def initial_m() -> list[FloatArray]:
    """Most matches agree exactly; the rest spread over the lower levels."""
    m = []
    for spec in FIELDS:
        values = np.array([0.5 ** (spec.levels - i) for i in range(spec.levels)], dtype=np.float64)
        values[-1] = max(values[-1], 0.6)
        m.append(values / values.sum())
    return m


def log_odds(levels: LevelArray, weights: Sequence[FloatArray], active: BoolArray) -> FloatArray:
    """Σ log2 Bayes factor over the active, non-null fields of each pair."""
    total = np.zeros(levels.shape[0], dtype=np.float64)
    for k in np.flatnonzero(active).tolist():
        column = levels[:, k]
        present = column != NULL
        total[present] += weights[k][column[present]]
    return total


def _posterior(log2_odds: FloatArray, prior: float) -> FloatArray:
    logit = log2_odds + np.log2(prior / (1 - prior))
    result: FloatArray = 1.0 / (1.0 + np.exp2(-np.clip(logit, -200, 200)))
    return result


def expectation_maximisation(
    levels: LevelArray,
    u: list[FloatArray],
    active: BoolArray,
    *,
    m: list[FloatArray] | None = None,
    prior: float = 0.2,
    iterations: int = 40,
    tolerance: float = 1e-5,
) -> tuple[list[FloatArray], float, int]:
    """EM over ``levels`` (pairs by fields) for m and the in-block prior, u held fixed."""
    m = [values.copy() for values in (m or initial_m())]
    done = 0
    for done in range(1, iterations + 1):  # noqa: B007 - the count is returned
        weights = [np.log2(mk / uk) for mk, uk in zip(m, u, strict=True)]
        posterior = _posterior(log_odds(levels, weights, active), prior)
        new_prior = float(np.clip(posterior.mean(), 1e-6, 1 - 1e-6))
        new_m = level_frequencies(levels, posterior)
        change = abs(new_prior - prior) + max(
            float(np.abs(new_m[k] - m[k]).max()) for k in np.flatnonzero(active)
        )
        m = [new_m[k] if active[k] else m[k] for k in range(len(FIELDS))]
        prior = new_prior
        if change < tolerance:
            break
    return m, prior, done


def global_prior(log2_odds: FloatArray, total_pairs: int, iterations: int = 200) -> float:
    """The λ with ``λ · total_pairs = Σ P(match | pair, λ)`` over the blocked pairs."""
    if log2_odds.size == 0 or total_pairs == 0:
        return 1.0 / max(total_pairs, 1)
    prior = min(0.5, max(log2_odds.size * 0.1 / total_pairs, 1e-12))
    for _ in range(iterations):
        new = float(_posterior(log2_odds, prior).sum()) / total_pairs
        new = min(max(new, 1e-12), 0.5)
        if abs(new - prior) <= 1e-9 * max(prior, 1e-12):
            return new
        prior = new
    return prior


def posterior(log2_odds: FloatArray, prior: float) -> FloatArray:
    return _posterior(log2_odds, prior)
