"""Secrets at rest (AES-256-GCM) and one-way hashing of bearer tokens.

The key comes from ``DESKPILOT_SECRET_KEY`` or from ``<data dir>/secret.key``, created on first
use with mode 0600. Ciphertexts are ``v1:<base64(nonce | ciphertext+tag)>``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import secrets
import time
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

_PREFIX = "v1:"


class SecretBoxError(Exception):
    """A ciphertext that is malformed or was made with another key."""


class SecretBox:
    def __init__(self, key_material: str) -> None:
        # Any operator-chosen string works as a key: it is stretched to 32 bytes.
        self._aead = AESGCM(hashlib.sha256(key_material.encode()).digest())
        self._material = key_material.encode()

    def subkey(self, purpose: bytes) -> bytes:
        """A key for one purpose (signing links, say), HMAC-SHA256(key, purpose): knowing it
        tells nothing of the key or of other purposes' keys."""
        return hmac.new(self._material, purpose, hashlib.sha256).digest()

    @classmethod
    def from_settings(cls, secret_key: str | None, data_dir: Path) -> SecretBox:
        return cls(secret_key if secret_key else load_or_create_key_file(data_dir / "secret.key"))

    def encrypt(self, plaintext: str, *, context: str = "") -> str:
        """Encrypt ``plaintext``; ``context`` (e.g. the owning row id) must match on decrypt."""
        nonce = os.urandom(12)
        sealed = self._aead.encrypt(nonce, plaintext.encode(), context.encode())
        return _PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode()

    def decrypt(self, ciphertext: str, *, context: str = "") -> str:
        if not ciphertext.startswith(_PREFIX):
            raise SecretBoxError("unknown ciphertext format")
        try:
            raw = base64.urlsafe_b64decode(ciphertext[len(_PREFIX) :])
            return self._aead.decrypt(raw[:12], raw[12:], context.encode()).decode()
        except (InvalidTag, ValueError) as exc:
            raise SecretBoxError("ciphertext cannot be decrypted with this key") from exc


def load_or_create_key_file(path: Path) -> str:
    """The key in ``path``, made (mode 0600) if there is none yet.

    Two processes starting at once both end up with the key of the one that created the file.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return _read_key_file(path)
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


def _read_key_file(path: Path) -> str:
    # The creator may be between creating and writing the file: give it a moment.
    for _ in range(20):
        key = path.read_text().strip()
        if key:
            return key
        time.sleep(0.01)
    # An empty key would encrypt with a key anyone can guess: refuse instead.
    raise SecretBoxError(f"the key file {path} is empty; restore it or set DESKPILOT_SECRET_KEY")


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def hash_token(token: str) -> str:
    """SHA-256 of a high-entropy token (API key, session id): enough, since it is not a password."""
    return hashlib.sha256(token.encode()).hexdigest()


def tokens_equal(left: str, right: str) -> bool:
    return hmac.compare_digest(left.encode(), right.encode())
