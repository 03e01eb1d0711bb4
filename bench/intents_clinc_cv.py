"""Out-of-scope scoring for CLINC150, compared on its VALIDATION split only (never ``test``).

Why: a message is flagged out of scope when a score falls below a threshold tuned on ``val`` +
``oos_val``; the classifier ranks in-scope intents well, so what decides the figures is how
well that score separates out-of-scope texts from in-scope ones. The model is trained on
``train`` + ``oos_train`` (as ``deskpilot eval intents --dataset clinc150`` does) and each
candidate score is read on ``val`` / ``oos_val``: in-scope accuracy at 85 % and 90 %
out-of-scope recall, and the best balanced mean (what ``tune_threshold`` maximises).

    OMP_NUM_THREADS=1 .venv/bin/python bench/intents_clinc_cv.py
"""

from __future__ import annotations

import time

import numpy as np
import numpy.typing as npt

from deskpilot.ai.understanding.intents import (
    OOS_CLASS,
    IntentConfig,
    _fit_temperature,
    _Model,
    _softmax,
    _stratified_split,
)
from deskpilot.evals.embedding_cache import embed_cached
from deskpilot.evals.intents import _label_text, load_dataset
from deskpilot.knowledge.retrieval.embeddings import get_embedder

Floats = npt.NDArray[np.float64]


def curve(score: Floats, correct: npt.NDArray[np.bool_], is_oos: npt.NDArray[np.bool_]) -> str:
    """In-scope accuracy at 85 / 90 % out-of-scope recall, and the best balanced mean."""
    out = []
    oos_sorted = np.sort(score[is_oos])
    for recall in (0.85, 0.90):
        threshold = oos_sorted[min(len(oos_sorted) - 1, int(np.ceil(recall * len(oos_sorted))))]
        accepted = score >= threshold
        out.append(float(np.mean(accepted[~is_oos] & correct[~is_oos])))
    best = 0.0
    for threshold in np.unique(score):
        accepted = score >= threshold
        balanced = (np.mean(accepted[~is_oos] & correct[~is_oos]) + np.mean(~accepted[is_oos])) / 2
        best = max(best, float(balanced))
    return f"in-scope@85%={out[0]:.4f} @90%={out[1]:.4f} balanced={best:.4f}"


def main() -> None:
    dataset = load_dataset("clinc150")
    embedder = get_embedder()
    assert embedder is not None
    texts_all = dataset.all_texts()
    names = sorted({_label_text(i) for _, i in dataset.train} - set(texts_all))
    matrix = np.vstack(
        [
            embed_cached(embedder, texts_all, kind="query"),
            embed_cached(embedder, names, kind="query"),
        ]
    )
    row_of = {t: i for i, t in enumerate(texts_all + names)}

    def encode(items: object) -> npt.NDArray[np.float32]:
        return np.asarray(matrix[[row_of[t] for t in items]], dtype=np.float32)  # type: ignore[attr-defined]

    classes_in = sorted({i for _, i in dataset.train})
    texts = [t for t, _ in dataset.train] + [_label_text(c) for c in classes_in]
    texts += dataset.oos_train
    labels = [i for _, i in dataset.train] + classes_in + [OOS_CLASS] * len(dataset.oos_train)
    val_texts = [t for t, _ in dataset.val] + dataset.oos_val
    val_labels = [i for _, i in dataset.val] + [OOS_CLASS] * len(dataset.oos_val)
    is_oos = np.array([label == OOS_CLASS for label in val_labels])

    started = time.perf_counter()
    config = IntentConfig()
    model = _Model(config, encode)
    model.fit(texts, labels, calibrate=False)
    train_idx, held_idx = _stratified_split(labels, 0.25, 0)
    inner = _Model(config, encode)
    inner.fit([texts[i] for i in train_idx], [labels[i] for i in train_idx], calibrate=False)
    held_scores = inner.scores([texts[i] for i in held_idx])
    pos = {c: i for i, c in enumerate(inner.classes)}
    temperature = _fit_temperature(
        held_scores, np.array([pos[labels[i]] for i in held_idx], dtype=np.intp)
    )
    print(f"fitted in {time.perf_counter() - started:.0f}s, temperature {temperature:.3f}")

    scores = model.scores(val_texts)
    classes = model.classes
    oos_col = classes.index(OOS_CLASS)
    in_cols = [i for i in range(len(classes)) if i != oos_col]
    truth = np.array([pos.get(label, -1) for label in val_labels])
    best_in = np.array(in_cols)[scores[:, in_cols].argmax(axis=1)]
    correct = best_in == truth
    print(f"in-scope accuracy without threshold: {np.mean(correct[~is_oos]):.4f}")
    oos_wins = scores[:, oos_col] > scores[np.arange(len(scores)), best_in]

    def gated(score: Floats) -> Floats:
        return np.where(oos_wins, -np.inf, score)

    rows_val = model.space.embeddings(val_texts)
    rows_train = model.space.embeddings(texts)
    assert rows_val is not None
    assert rows_train is not None
    y = np.array([pos[label] for label in labels])
    in_train = y != oos_col
    for t in (temperature / 2, temperature, temperature * 2):
        probs = _softmax(scores, t)
        print(
            f"maxprob T={t:.3f}",
            curve(gated(probs[np.arange(len(probs)), best_in]), correct, is_oos),
        )
        print(
            f"maxprob T={t:.3f} ungated",
            curve(probs[np.arange(len(probs)), best_in], correct, is_oos),
        )
        sub = scores[:, in_cols] / t
        top = sub.max(axis=1)
        energy = t * (np.log(np.exp(sub - top[:, None]).sum(axis=1)) + top)
        print(f"energy T={t:.3f}", curve(gated(energy), correct, is_oos))
    top2 = np.sort(scores[:, in_cols], axis=1)
    print("max-logit", curve(gated(top2[:, -1]), correct, is_oos))
    print("margin", curve(gated(top2[:, -1] - top2[:, -2]), correct, is_oos))
    print("logit minus oos logit", curve(top2[:, -1] - scores[:, oos_col], correct, is_oos))
    sims = rows_val @ rows_train[in_train].T
    print("max cosine", curve(sims.max(axis=1), correct, is_oos))
    # Mahalanobis: class means of in-scope training embeddings, one shared covariance.
    xi, yi = rows_train[in_train], y[in_train]
    means = np.vstack([xi[yi == c].mean(axis=0) for c in in_cols])
    centred = xi - means[np.searchsorted(in_cols, yi)]
    for shrink in (0.01, 0.1):
        raw = np.cov(centred.T)
        cov = raw + shrink * np.eye(len(raw)) * np.trace(raw) / len(raw)
        precision = np.linalg.inv(cov)
        xp = rows_val @ precision
        mp_ = means @ precision
        maha = (xp * rows_val).sum(axis=1)[:, None] - 2 * xp @ means.T + (mp_ * means).sum(axis=1)
        print(f"mahalanobis shrink {shrink}", curve(gated(-maha.min(axis=1)), correct, is_oos))
        mp = _softmax(scores, temperature)[np.arange(len(scores)), best_in]
        for w in (0.002, 0.005, 0.01):
            print(f"  maxprob - {w}*maha", curve(gated(mp - w * maha.min(axis=1)), correct, is_oos))


if __name__ == "__main__":
    main()
