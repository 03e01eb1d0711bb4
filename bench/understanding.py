# ruff: noqa: RUF001 - Chinese and Russian messages, as customers write them
"""Per-message time of each understanding step, the message's embedding already computed.

    python bench/understanding.py [--rounds 40] [--json]

Trains the default taxonomy's intent classifier and the default sentiment model (as the server
does at start-up), embeds the messages once (the embedder remembers them, as in the pipeline),
then times language detection, intent, sentiment, PII and the whole ``understand`` call on
each message ``--rounds`` times and prints p50 / p95 in milliseconds; ``embedding`` is the
message's embedding alone, computed afresh each time (``OMP_NUM_THREADS`` sets its threads).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections.abc import Callable

MESSAGES = [
    "How long does shipping take?",
    "配送需要多长时间？",
    "Сколько идёт доставка?",
    "Where is my order #W0000123?",
    "This is ridiculous, my package never arrived and nobody answers!",
]
LANGUAGES = ["en", "zh", "ru"]


def _timed(step: Callable[[str], object], rounds: int) -> dict[str, float]:
    times = []
    for _ in range(rounds):
        for text in MESSAGES:
            began = time.perf_counter()
            step(text)
            times.append((time.perf_counter() - began) * 1000)
    times.sort()
    return {
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[min(len(times) - 1, round(0.95 * (len(times) - 1)))], 2),
    }


def main() -> None:
    from deskpilot.ai.understanding.annotate import understand
    from deskpilot.ai.understanding.sentiment import analyse_sentiment
    from deskpilot.ai.understanding.taxonomy import default_classifier
    from deskpilot.kit.language import detect_language
    from deskpilot.kit.pii import find_pii
    from deskpilot.knowledge.retrieval.embeddings import RecentQueries, get_embedder

    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40)
    parser.add_argument("--json", action="store_true", help="one JSON object on stdout")
    args = parser.parse_args()
    classifier = default_classifier()
    embedder = get_embedder()
    for text in MESSAGES:
        analyse_sentiment(text)  # trains the sentiment model once
        if embedder is not None:
            embedder.query(text)
    steps: dict[str, Callable[[str], object]] = {
        "language": lambda t: detect_language(t, LANGUAGES, default="en"),
        "intent": classifier.predict,
        "sentiment": analyse_sentiment,
        "pii": find_pii,
        "understand": lambda t: understand(
            t, classifier, languages=LANGUAGES, default_language="en"
        ),
    }
    if isinstance(embedder, RecentQueries):  # the embedding itself, computed every time
        steps["embedding"] = embedder.inner.query
    result = {name: _timed(step, args.rounds) for name, step in steps.items()}
    if args.json:
        print(json.dumps(result))
    else:
        for name, figures in result.items():
            print(f"{name:>10}  p50 {figures['p50_ms']:6.2f} ms  p95 {figures['p95_ms']:6.2f} ms")


if __name__ == "__main__":
    main()
