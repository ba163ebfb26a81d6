"""Uploaded files, checked once for every app: the extension, the size and the first bytes must agree,
and the file is stored outside the web root under a generated name with its SHA-256.

Files live in ``MEDIA_ROOT/<folder>/<stored_name>`` and are only served by authorising views
(`download_response`).
"""

from __future__ import annotations

import hashlib
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.http import FileResponse, Http404

from ronghe.core.errors import DomainError

ALLOWED_UPLOADS = {
    ".jpg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".jpeg": ("image/jpeg", [b"\xff\xd8\xff"]),
    ".png": ("image/png", [b"\x89PNG\r\n\x1a\n"]),
    ".pdf": ("application/pdf", [b"%PDF-"]),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", [b"PK\x03\x04"]),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", [b"PK\x03\x04"]),
}


@dataclass(frozen=True)
class StoredFile:
    """What a caller records about a stored upload."""

    original_name: str
    stored_name: str
    content_type: str
    size: int
    sha256: str


def path_of(folder: str, stored_name: str) -> Path:
    """Where a stored file lives (outside the web root)."""
    return Path(settings.MEDIA_ROOT) / folder / stored_name


def check_upload(upload: UploadedFile[bytes]) -> tuple[str, str, str, int]:
    """(original name, extension, content type, size) of an acceptable upload, or DomainError(field="file")."""
    name = Path(upload.name or "").name[:200]
    ext = Path(name).suffix.lower()
    if ext not in ALLOWED_UPLOADS:
        raise DomainError("附件类型不支持：只接受 JPG、PNG、PDF、DOCX、XLSX 文件", "file")
    size = upload.size or 0  # Django's upload handlers always set it
    if size > settings.RONGHE_UPLOAD_MAX_BYTES:
        raise DomainError(
            f"附件过大：不能超过 {settings.RONGHE_UPLOAD_MAX_BYTES // (1024 * 1024)} MB", "file"
        )
    content_type, magics = ALLOWED_UPLOADS[ext]
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(m) for m in magics):
        raise DomainError("附件内容与文件类型不符", "file")
    return name, ext, content_type, size


def store_upload(upload: UploadedFile[bytes], *, folder: str) -> StoredFile:
    """Check the upload (type, size, magic bytes) and write it under a generated name in `folder`.

    Nothing is written when the upload is refused. The caller records the row and calls `discard`
    if that fails, so no orphan file stays behind.
    """
    name, ext, content_type, size = check_upload(upload)
    directory = Path(settings.MEDIA_ROOT) / folder
    directory.mkdir(parents=True, exist_ok=True)
    stored = f"{uuid.uuid4().hex}{ext}"
    digest = hashlib.sha256()
    with (directory / stored).open("wb") as out:
        for chunk in upload.chunks():
            digest.update(chunk)
            out.write(chunk)
    return StoredFile(
        original_name=name,
        stored_name=stored,
        content_type=content_type,
        size=size,
        sha256=digest.hexdigest(),
    )


def discard(folder: str, stored_name: str) -> None:
    """Remove a stored file (its row was not written, or was deleted)."""
    if stored_name:
        path_of(folder, stored_name).unlink(missing_ok=True)


def download_response(folder: str, stored_name: str, *, filename: str, content_type: str) -> FileResponse:
    """The stored file as an attachment download (Content-Disposition: attachment), or 404."""
    path = path_of(folder, stored_name)
    if not stored_name or not path.exists():
        raise Http404("附件文件不存在")
    return FileResponse(path.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
