"""Reading an archive: structure, names and every checksum verified before anything is touched."""

from __future__ import annotations

import hashlib
import json
import tarfile
from pathlib import Path, PurePosixPath
from typing import IO, Any

from ronghe.core.backup.common import _CHUNK, FORMAT_VERSION, MANIFEST, MANIFEST_SUM, BackupError

_CORRUPT = "备份文件已损坏或不完整"


def _corrupt(why: str) -> BackupError:
    return BackupError(f"{_CORRUPT}（{why}），拒绝恢复，未做任何更改。")


def _safe_name(name: str) -> bool:
    p = PurePosixPath(name)
    return bool(name) and not p.is_absolute() and ".." not in p.parts and "\\" not in name


def verify_archive(archive: Path, staging: Path) -> dict[str, Any]:
    """Check the whole archive and extract it into `staging`; return the manifest.

    Refuses (BackupError) on anything but an intact archive written by `create`: a tar header
    whose checksum fails, a byte outside the members that is not zero padding, a truncated end,
    a member missing from or added to the manifest, or any SHA-256 that does not match."""
    try:
        size = archive.stat().st_size
    except OSError as exc:
        raise BackupError(f"无法读取备份文件 {archive}：{exc}") from exc
    if size == 0 or size % tarfile.RECORDSIZE:
        raise _corrupt("文件长度不对，可能被截断")
    digests: dict[str, str] = {}
    spans: list[tuple[int, int]] = []
    try:
        with archive.open("rb") as raw, tarfile.open(fileobj=raw, mode="r:") as tar:
            for member in tar:
                if not member.isreg() or not _safe_name(member.name) or member.name in digests:
                    raise _corrupt(f"含有异常条目 {member.name!r}")
                spans.append((member.offset, member.offset_data + member.size))
                src = tar.extractfile(member)
                assert src is not None
                dest = staging / member.name
                dest.parent.mkdir(parents=True, exist_ok=True)
                h = hashlib.sha256()
                got = 0
                with open(dest, "wb") as out:
                    while chunk := src.read(_CHUNK):
                        h.update(chunk)
                        out.write(chunk)
                        got += len(chunk)
                if got != member.size:
                    raise _corrupt(f"{member.name} 不完整")
                digests[member.name] = h.hexdigest()
            # every byte between and after the members must be tar's zero padding
            pos = 0
            for start, end in spans:
                _zeros(raw, pos, start)
                pos = -(-end // tarfile.BLOCKSIZE) * tarfile.BLOCKSIZE
                _zeros(raw, end, pos)
            if size - pos < 2 * tarfile.BLOCKSIZE:
                raise _corrupt("缺少归档结束标记，可能被截断")
            _zeros(raw, pos, size)
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise _corrupt(f"无法读取归档：{exc}") from exc
    if MANIFEST not in digests or MANIFEST_SUM not in digests:
        raise _corrupt("缺少清单")
    expected = (staging / MANIFEST_SUM).read_text(encoding="ascii", errors="replace").strip()
    if expected != digests[MANIFEST]:
        raise _corrupt("清单的校验和不符")
    try:
        manifest: dict[str, Any] = json.loads((staging / MANIFEST).read_text(encoding="utf-8"))
    except ValueError as exc:
        raise _corrupt("清单无法解析") from exc
    if manifest.get("format") != "ronghe-backup" or manifest.get("version") != FORMAT_VERSION:
        raise BackupError(
            f"不认识的备份格式 {manifest.get('format')} {manifest.get('version')}，拒绝恢复，未做任何更改。"
        )
    listed = set(manifest["files"])
    present = set(digests) - {MANIFEST, MANIFEST_SUM}
    if listed != present:
        missing, extra = sorted(listed - present), sorted(present - listed)
        raise _corrupt(f"缺少文件 {missing[:3]}，多出文件 {extra[:3]}")
    for name, meta in manifest["files"].items():
        if meta["sha256"] != digests[name]:
            raise _corrupt(f"{name} 的 SHA-256 校验和不符")
    return manifest


def _zeros(raw: IO[bytes], start: int, end: int) -> None:
    raw.seek(start)
    left = end - start
    while left > 0:
        chunk = raw.read(min(left, _CHUNK))
        if not chunk:
            raise _corrupt("文件被截断")
        if chunk.count(0) != len(chunk):
            raise _corrupt(f"第 {start} 字节之后的填充区被改动")
        left -= len(chunk)
