"""Attachments on disk under ``<data dir>/attachments``, addressed by workspace and id."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

from deskpilot.kit.ids import new_id

_UNSAFE = re.compile(r"[^\w.\- ]+")


@dataclass(frozen=True, slots=True)
class StoredFile:
    id: str
    filename: str
    content_type: str
    size: int
    sha256: str
    path: str  # relative to the store's root

    def as_dict(self) -> dict[str, str | int]:
        return {
            "id": self.id,
            "filename": self.filename,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "path": self.path,
        }


def safe_filename(name: str) -> str:
    cleaned = _UNSAFE.sub("_", Path(name).name).strip(" .")
    return cleaned[:150] or "file"


class FileStore:
    def __init__(self, root: Path) -> None:
        self.root = root

    def save(self, workspace_id: str, filename: str, content_type: str, data: bytes) -> StoredFile:
        file_id = new_id("att")
        name = safe_filename(filename)
        relative = Path(workspace_id) / file_id / name
        target = self.root / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        return StoredFile(
            file_id,
            name,
            content_type,
            len(data),
            hashlib.sha256(data).hexdigest(),
            relative.as_posix(),
        )

    def read(self, workspace_id: str, stored_path: str) -> bytes:
        path = (self.root / stored_path).resolve()
        if not path.is_relative_to((self.root / workspace_id).resolve()):
            raise PermissionError("attachment outside its workspace")
        return path.read_bytes()
