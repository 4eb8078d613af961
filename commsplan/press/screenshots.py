"""Screenshots of claims: images only, known by their first bytes rather than their name, 5 MB at
most, kept under the instance folder (never the static folder) and served only to staff."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from pathlib import Path

from commsplan.errors import ValidationError

LARGEST = 5 * 1024 * 1024
FOLDER = "press-screenshots"
# The opening bytes of each image type accepted, with the type served and the file's extension.
SIGNATURES = ((b"\x89PNG\r\n\x1a\n", "image/png", "png"), (b"\xff\xd8\xff", "image/jpeg", "jpg"),
              (b"GIF87a", "image/gif", "gif"), (b"GIF89a", "image/gif", "gif"))


@dataclass(frozen=True)
class Screenshot:
    """An accepted image: its bytes, its type, and the name it is stored under."""

    data: bytes
    mimetype: str
    name: str


def image_type(data: bytes) -> tuple[str, str] | None:
    """(type, extension) of a PNG, JPEG, GIF or WebP image, or None for anything else."""
    for signature, mimetype, extension in SIGNATURES:
        if data.startswith(signature):
            return mimetype, extension
    if len(data) > 12 and data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp", "webp"
    return None


def accept(data: bytes) -> Screenshot:
    """The upload as a screenshot to store, or a field error saying why not."""
    if len(data) > LARGEST:
        raise ValidationError.single("screenshot", "The screenshot must be 5 MB or smaller")
    found = image_type(data)
    if found is None:
        raise ValidationError.single("screenshot", "The screenshot must be a PNG, JPEG, GIF or WebP image")
    return Screenshot(data, found[0], f"{secrets.token_hex(16)}.{found[1]}")


def read_upload(upload: object) -> bytes | None:
    """An uploaded file's bytes (one more than the limit at most, so a huge file is not read whole)."""
    read = getattr(upload, "read", None)
    if read is None or not getattr(upload, "filename", ""):
        return None
    data = read(LARGEST + 1)
    return data if isinstance(data, bytes) else None


def save(instance_path: str, screenshot: Screenshot) -> None:
    """Written after the claim is committed, so a refused claim leaves no file behind."""
    folder = Path(instance_path) / FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    (folder / screenshot.name).write_bytes(screenshot.data)


def load(instance_path: str, name: str) -> bytes | None:
    """A stored screenshot's bytes; only names this module made (hex and an extension) are read."""
    if not name or "/" in name or "\\" in name or name.startswith("."):
        return None
    path = Path(instance_path) / FOLDER / name
    return path.read_bytes() if path.is_file() else None
