"""Batch identity resolution of synthetic profiles with planted duplicates.

    python bench/identity.py [--profiles 100000] [--seed 11] [--json]

The profiles come from ``deskpilot.customers.matching.synthetic`` (typos, swapped names,
missing fields, Gmail dots and tags, phone formats, Chinese and Russian names in both
scripts). ``seconds`` is the resolution alone (normalise, block, compare, estimate, cluster),
not the generation; ``peak_rss_mb`` is the process's peak resident memory, generation
included. Precision and recall are over within-cluster pairs, as in ``deskpilot eval``.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time

from deskpilot.customers.matching import resolve
from deskpilot.customers.matching.synthetic import generate
from deskpilot.evals.identity import pair_scores


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profiles", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()

    started = time.perf_counter()
    data = generate(args.profiles, seed=args.seed)
    generated = time.perf_counter() - started

    started = time.perf_counter()
    resolution = resolve(data.records)
    seconds = time.perf_counter() - started
    peak_rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    scores = pair_scores(data.truth, resolution.cluster_of)
    result = {
        "profiles": args.profiles,
        "seconds": round(seconds, 2),
        "peak_rss_mb": round(peak_rss_mb, 1),
        "precision": scores["precision"],
        "recall": scores["recall"],
    }
    if args.json:
        print(json.dumps(result))
        return
    print(f"generated {args.profiles:,} profiles in {generated:.1f} s", file=sys.stderr)
    for key, value in {
        **result,
        "f1": scores["f1"],
        "pairs_true": scores["pairs_true"],
        "pairs_compared": int(resolution.left.size),
        "uncertain": len(resolution.uncertain),
        "stages_s": resolution.timings,
    }.items():
        print(f"{key:>16}  {value}")


if __name__ == "__main__":
    main()
