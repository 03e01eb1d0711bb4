"""Cross-validation of intent-classifier settings inside Banking77's TRAINING split only.

Why: the settings of ``IntentClassifier`` must be chosen without looking at the test split.
This script holds out a stratified 20 % of ``train.csv`` (several seeds), trains on the rest
(all of it, or 10 examples per intent sampled from it) and reports held-out accuracy of score
combinations. The expensive parts (the linear SVM's scores, nearest-neighbour similarities) are
computed once per split and combined afterwards, so many fusion weights cost nothing extra.

Run (after the embeddings are cached, e.g. by one ``deskpilot eval intents`` run; it reads
the same cache)::

    OMP_NUM_THREADS=1 .venv/bin/python bench/intents_cv.py --mode shots10 --seeds 0 1 2 3 4
    OMP_NUM_THREADS=1 .venv/bin/python bench/intents_cv.py --mode full --seeds 0 1

``--augment 2`` adds an SVM trained with two word-dropout copies of each example;
``--passage-view`` one trained on each example's query and passage embeddings (the passage
embeddings are cached like the query ones, on the first run).
"""

from __future__ import annotations

import argparse
import itertools
import time
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from deskpilot.ai.understanding.features import FeatureSpace, FeatureWeights
from deskpilot.ai.understanding.intents import _Neighbours, _stratified_split
from deskpilot.evals.embedding_cache import embed_cached
from deskpilot.evals.intents import _label_text, load_dataset, sample_shots
from deskpilot.knowledge.retrieval.embeddings import get_embedder

Floats = npt.NDArray[np.float64]


@dataclass
class Split:
    """Scores of the held-out texts under each component (rows: texts, columns: classes)."""

    truth: npt.NDArray[np.intp]
    parts: dict[str, Floats]
    log_prior: Floats


def _embeddings(kind: str = "query") -> tuple[list[tuple[str, str]], dict[str, int], Floats]:
    dataset = load_dataset("banking77")
    texts = dataset.all_texts()  # same list (and cache key) as the eval
    embedder = get_embedder()
    assert embedder is not None
    names = sorted({_label_text(label) for _, label in dataset.train} - set(texts))
    matrix = np.vstack(
        [embed_cached(embedder, texts, kind=kind), embed_cached(embedder, names, kind=kind)]
    ).astype(np.float64)
    return dataset.train, {t: i for i, t in enumerate(texts + names)}, matrix


def _soft_knn(sims: Floats, y: npt.NDArray[np.intp], n: int, tau: float) -> Floats:
    """tau * log(mean over a class's examples of exp(sim / tau)): a smooth max over examples."""
    z = sims / tau
    top = z.max(axis=1, keepdims=True)
    e = np.exp(z - top)
    out = np.zeros((len(sims), n))
    for c in range(n):
        cols = e[:, y == c]
        out[:, c] = np.log(cols.mean(axis=1) + 1e-300)
    result: Floats = tau * (out + top)
    return result


def build_split(
    train_all: list[tuple[str, str]],
    row_of: dict[str, int],
    matrix: Floats,
    mode: str,
    seed: int,
) -> Split:
    from sklearn.svm import LinearSVC

    labels_all = [label for _, label in train_all]
    train_idx, held_idx = _stratified_split(labels_all, 0.2, seed)
    train = [train_all[i] for i in train_idx]
    if mode == "shots10":
        train = sample_shots(train, 10, seed)
    held = [train_all[i] for i in held_idx]
    classes = sorted({label for _, label in train})
    index = {c: i for i, c in enumerate(classes)}
    texts = [t for t, _ in train] + [_label_text(c) for c in classes]
    labels = [label for _, label in train] + classes
    y = np.array([index[label] for label in labels], dtype=np.intp)
    held_texts = [t for t, _ in held]
    truth = np.array([index[label] for _, label in held], dtype=np.intp)

    def rows_for(items: list[str]) -> Floats:
        return matrix[[row_of[t] for t in items]]

    r_train, r_held = rows_for(texts), rows_for(held_texts)
    parts: dict[str, Floats] = {}
    started = time.perf_counter()
    for name, weights in VARIANTS.items():
        space = FeatureSpace(weights, lambda items: rows_for(list(items)).astype(np.float32))
        x_train = space.fit_transform(texts, r_train)
        x_held = space.transform(held_texts, r_held)
        for c in C_VALUES[name]:
            svm = LinearSVC(C=c).fit(x_train, y)
            parts[f"svm_{name}_C{c}"] = np.asarray(svm.decision_function(x_held))
    if AUGMENT:
        rng = np.random.default_rng(seed)
        aug_texts, aug_rows = list(texts), [r_train]
        for _ in range(AUGMENT):
            for text in texts:
                words = text.split()
                keep = [w for w in words if rng.random() > DROPOUT] or words
                aug_texts.append(" ".join(keep))
            aug_rows.append(r_train)
        y_aug = np.concatenate([y] * (AUGMENT + 1))
        space = FeatureSpace(VARIANTS["e5"], lambda items: rows_for(list(items)).astype(np.float32))
        x_train = space.fit_transform(aug_texts, np.vstack(aug_rows))
        x_held = space.transform(held_texts, r_held)
        svm = LinearSVC(C=1.0).fit(x_train, y_aug)
        parts["svm_aug_C1.0"] = np.asarray(svm.decision_function(x_held))
    n = len(classes)
    if PASSAGES is not None:
        both = np.vstack([r_train, PASSAGES[[row_of[t] for t in texts]]])
        y_both = np.concatenate([y, y])
        space = FeatureSpace(
            VARIANTS["base"], lambda items: rows_for(list(items)).astype(np.float32)
        )
        x_train = space.fit_transform(texts + texts, both)
        x_held = space.transform(held_texts, r_held)
        svm = LinearSVC(C=1.0).fit(x_train, y_both)
        parts["svm_passage_C1.0"] = np.asarray(svm.decision_function(x_held))
        parts["knn3_both"] = _Neighbours(both, y_both, n, 3).similarity(r_held)
        sims_both = r_held @ both.T
        for tau in SOFT_TAUS:
            parts[f"soft{tau}_both"] = _soft_knn(sims_both, y_both, n, tau)
    print(f"  svm {time.perf_counter() - started:.0f}s", flush=True)
    for k in (1, 3, 5):
        parts[f"knn{k}"] = _Neighbours(r_train, y, n, k).similarity(r_held)
    sims = r_held @ r_train.T
    for tau in SOFT_TAUS:
        parts[f"soft{tau}"] = _soft_knn(sims, y, n, tau)
    centroids = np.vstack([r_train[y == c].mean(axis=0) for c in range(n)])
    centroids /= np.linalg.norm(centroids, axis=1, keepdims=True)
    parts["centroid"] = r_held @ centroids.T
    started = time.perf_counter()
    from sklearn.discriminant_analysis import LinearDiscriminantAnalysis
    from sklearn.linear_model import LogisticRegression

    for shrink in ("auto", 0.3):
        lda = LinearDiscriminantAnalysis(solver="lsqr", shrinkage=shrink, priors=None)
        lda.fit(r_train, y)
        parts[f"lda_{shrink}"] = np.maximum(lda.predict_log_proba(r_held), -50.0)
    if LOGISTIC:
        lr = LogisticRegression(C=20.0, max_iter=300).fit(r_train, y)
        parts["lr"] = np.maximum(lr.predict_log_proba(r_held), -50.0)
    print(f"  lda/lr {time.perf_counter() - started:.0f}s", flush=True)
    counts = np.bincount(y, minlength=n).astype(np.float64)
    return Split(truth, parts, np.log(counts / counts.sum()))


VARIANTS: dict[str, FeatureWeights] = {
    "base": FeatureWeights(),
    "e5": FeatureWeights(embedding=5.0),
    "e3": FeatureWeights(embedding=3.0),
}
LOGISTIC = True
PASSAGES: Floats | None = None
"""With ``--passage-view``: every text's "passage: " embedding, rows as in the query matrix.
Each training example then also trains as its passage view (same text, second embedding row),
and the nearest-neighbour term sees both views; held-out texts keep their query view."""
AUGMENT = 0
"""Word-dropout copies of each training text (same embedding row) for an extra SVM."""
DROPOUT = 0.2
SOFT_TAUS = (0.01, 0.02, 0.03, 0.05)
C_VALUES: dict[str, tuple[float, ...]] = {"base": (0.5, 1.0), "e5": (1.0,), "e3": (1.0,)}

Fusion = Callable[[Split], Floats]


def accuracy(split: Split, scores: Floats) -> float:
    return float(np.mean(scores.argmax(axis=1) == split.truth))


def linear(terms: list[tuple[float, str]], prior: float = 0.0) -> Fusion:
    """The weighted sum of named parts, minus ``prior`` times the log class prior."""

    def fuse(split: Split) -> Floats:
        total: Floats = np.tile(-prior * split.log_prior, (len(split.truth), 1))
        for weight, part in terms:
            total = total + weight * split.parts[part]
        return total

    return fuse


def fusions() -> dict[str, Fusion]:
    out: dict[str, Fusion] = {}
    names = [f"svm_{v}_C{c}" for v in VARIANTS for c in C_VALUES[v]]
    for svm in names + (["svm_aug_C1.0"] if AUGMENT else []):
        out[svm] = linear([(1.0, svm)])
        for k, w in itertools.product((1, 3, 5), (8, 12, 16)):
            out[f"{svm} + {w}*knn{k}"] = linear([(1.0, svm), (w, f"knn{k}")])
        for tau, w in itertools.product((0.01, 0.02, 0.03, 0.05), (8, 12, 16, 24)):
            out[f"{svm} + {w}*soft{tau}"] = linear([(1.0, svm), (w, f"soft{tau}")])
        for wc in (2, 4):
            out[f"{svm} + 12*knn3 + {wc}*centroid"] = linear(
                [(1.0, svm), (12, "knn3"), (wc, "centroid")]
            )
        extra = [p for p in ("lda_auto", "lda_0.3", "lr") if p != "lr" or LOGISTIC]
        for p, wp, wk in itertools.product(extra, (0.02, 0.05, 0.1, 0.2), (0, 12)):
            out[f"{svm} + {wk}*knn3 + {wp}*{p}"] = linear([(1.0, svm), (wk, "knn3"), (wp, p)])
        for a in (0.05, 0.1, 0.2):
            out[f"{svm} + 12*knn3 - {a}*log_prior"] = linear([(1.0, svm), (12, "knn3")], a)
    if PASSAGES is not None:
        out["svm_passage_C1.0"] = linear([(1.0, "svm_passage_C1.0")])
        for knn in ("knn3", "knn3_both"):
            out[f"svm_passage_C1.0 + 12*{knn}"] = linear([(1.0, "svm_passage_C1.0"), (12, knn)])
        # learned-temperature neighbours (soft) with the passage view: in the neighbours
        # only, or in the SVM's training rows too
        for tau, w in itertools.product(SOFT_TAUS, (8, 12, 16, 24)):
            for svm, soft in (
                ("svm_base_C1.0", f"soft{tau}_both"),
                ("svm_passage_C1.0", f"soft{tau}"),
                ("svm_passage_C1.0", f"soft{tau}_both"),
            ):
                out[f"{svm} + {w}*{soft}"] = linear([(1.0, svm), (w, soft)])
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["full", "shots10"], default="shots10")
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--augment", type=int, default=0)
    parser.add_argument("--no-logistic", action="store_true")
    parser.add_argument("--passage-view", action="store_true")
    args = parser.parse_args()
    global AUGMENT, LOGISTIC, PASSAGES  # a bench script's switches
    AUGMENT, LOGISTIC = args.augment, not args.no_logistic
    train_all, row_of, matrix = _embeddings()
    if args.passage_view:
        PASSAGES = _embeddings(kind="passage")[2]
    splits = []
    for seed in args.seeds:
        print(f"seed {seed}", flush=True)
        splits.append(build_split(train_all, row_of, matrix, args.mode, seed))
    table = []
    for p in ("lda_auto", "lda_0.3", "lr"):
        if p in splits[0].parts:
            accs = [accuracy(s, s.parts[p]) for s in splits]
            print(f"{p} alone: {np.mean(accs):.4f}")
    for name, fuse in fusions().items():
        accs = [accuracy(s, fuse(s)) for s in splits]
        table.append((float(np.mean(accs)), float(np.std(accs)), name))
    table.sort(reverse=True)
    base = next(t for t in table if t[2] == "svm_base_C1.0 + 12*knn3")
    print(f"current default: {base[0]:.4f} ± {base[1]:.4f}")
    for mean, std, name in table[: args.top]:
        print(f"{mean:.4f} ± {std:.4f}  {name}")


if __name__ == "__main__":
    main()
