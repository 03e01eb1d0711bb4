"""SecretBox (AES-GCM at rest), its key file, and token hashing."""

from __future__ import annotations

import base64
import hashlib
import stat
from pathlib import Path

import pytest

from deskpilot.kit.crypto import (
    SecretBox,
    SecretBoxError,
    hash_token,
    load_or_create_key_file,
    new_token,
    tokens_equal,
)

PLAINTEXT = "bot-token: 123456:ABC-super-secret"


def test_a_secret_round_trips_and_never_shows_in_the_ciphertext() -> None:
    box = SecretBox("operator key")

    first = box.encrypt(PLAINTEXT, context="ws_1/telegram")
    second = box.encrypt(PLAINTEXT, context="ws_1/telegram")

    assert first.startswith("v1:")
    assert first != second  # a fresh nonce each time
    for ciphertext in (first, second):
        assert PLAINTEXT not in ciphertext
        assert PLAINTEXT.encode() not in base64.urlsafe_b64decode(ciphertext[3:])
        assert box.decrypt(ciphertext, context="ws_1/telegram") == PLAINTEXT
    assert SecretBox("operator key").decrypt(first, context="ws_1/telegram") == PLAINTEXT


def test_another_key_cannot_decrypt() -> None:
    ciphertext = SecretBox("operator key").encrypt(PLAINTEXT, context="ws_1/telegram")

    with pytest.raises(SecretBoxError):
        SecretBox("another key").decrypt(ciphertext, context="ws_1/telegram")


def test_a_ciphertext_is_bound_to_its_context() -> None:
    box = SecretBox("operator key")
    ciphertext = box.encrypt(PLAINTEXT, context="ws_1/telegram")

    with pytest.raises(SecretBoxError):
        box.decrypt(ciphertext, context="ws_2/telegram")
    with pytest.raises(SecretBoxError):
        box.decrypt(ciphertext)
    assert box.decrypt(ciphertext, context="ws_1/telegram") == PLAINTEXT


@pytest.mark.parametrize(
    "ciphertext",
    ["", "plain text", "v2:AAAA", "v1:", "v1:AAAA", "v1:not base64 é", "v1:" + "A" * 40],
)
def test_a_malformed_ciphertext_is_a_secret_box_error(ciphertext: str) -> None:
    with pytest.raises(SecretBoxError):
        SecretBox("operator key").decrypt(ciphertext)


def test_a_tampered_ciphertext_is_refused() -> None:
    box = SecretBox("operator key")
    raw = bytearray(base64.urlsafe_b64decode(box.encrypt(PLAINTEXT)[3:]))
    raw[-1] ^= 1

    with pytest.raises(SecretBoxError):
        box.decrypt("v1:" + base64.urlsafe_b64encode(bytes(raw)).decode())


def test_without_a_configured_key_a_0600_key_file_is_made_and_reused(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"

    box = SecretBox.from_settings(None, data_dir)

    key_file = data_dir / "secret.key"
    assert key_file.is_file()
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key_file.read_text().strip()) >= 32
    ciphertext = box.encrypt(PLAINTEXT)
    again = SecretBox.from_settings(None, data_dir)
    assert again.decrypt(ciphertext) == PLAINTEXT
    assert key_file.read_text().strip() == load_or_create_key_file(key_file)


def test_a_configured_key_needs_no_key_file(tmp_path: Path) -> None:
    box = SecretBox.from_settings("configured key", tmp_path)

    assert not (tmp_path / "secret.key").exists()
    assert SecretBox("configured key").decrypt(box.encrypt(PLAINTEXT)) == PLAINTEXT


def test_an_empty_key_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "secret.key").write_text("")

    with pytest.raises(SecretBoxError, match="empty"):
        SecretBox.from_settings(None, tmp_path)


def test_tokens_are_random_and_hashed_with_sha256() -> None:
    token = new_token()

    assert token != new_token()
    assert len(token) >= 40
    assert hash_token(token) == hashlib.sha256(token.encode()).hexdigest()
    assert tokens_equal(token, token)
    assert not tokens_equal(token, token[:-1])
