"""Packs backup files into a .mbz exactly as Moodle's tgz_packer does, byte-for-byte reproducible.

Index file first, ustar headers with uid/gid 0, fixed mtimes and a gzip header without name or time.
"""

from __future__ import annotations

import gzip
import io
import tarfile
from collections.abc import Iterable

ARCHIVE_INDEX = ".ARCHIVE_INDEX"
# Moodle's tgz_packer::DEFAULT_TIMESTAMP, used for entries without a time (the index and directories).
UNKNOWN_MTIME = 1356998400


def _with_directories(files: Iterable[tuple[str, bytes]]) -> list[tuple[str, bytes | None]]:
    """Insert a directory entry before the first file inside it, as Moodle's archives carry them."""
    entries: list[tuple[str, bytes | None]] = []
    seen: set[str] = set()
    for path, data in files:
        parts = path.split("/")[:-1]
        for depth in range(1, len(parts) + 1):
            directory = "/".join(parts[:depth]) + "/"
            if directory not in seen:
                seen.add(directory)
                entries.append((directory, None))
        entries.append((path, data))
    return entries


def _index(entries: list[tuple[str, bytes | None]], mtime: int) -> bytes:
    lines = [f"Moodle archive file index. Count: {len(entries)}"]
    for path, data in entries:
        if data is None:
            lines.append(f"{path}\td\t0\t?")
        else:
            lines.append(f"{path}\tf\t{len(data)}\t{mtime}")
    return ("\n".join(lines) + "\n").encode("ascii")


def _member(path: str, data: bytes | None, mtime: int) -> tarfile.TarInfo:
    info = tarfile.TarInfo(path)
    info.uid = info.gid = 0
    info.uname = info.gname = ""
    if data is None:
        info.type = tarfile.DIRTYPE
        info.mode = 0o755
        info.mtime = UNKNOWN_MTIME
    else:
        info.mode = 0o644
        info.size = len(data)
        info.mtime = mtime
    return info


def pack_mbz(files: Iterable[tuple[str, bytes]], mtime: int) -> bytes:
    """Return the gzip-compressed tar; the same files and mtime always give the same bytes."""
    entries = _with_directories(files)
    tar_buffer = io.BytesIO()
    with tarfile.open(fileobj=tar_buffer, mode="w", format=tarfile.USTAR_FORMAT) as tar:
        index = _index(entries, mtime)
        index_member = _member(ARCHIVE_INDEX, index, UNKNOWN_MTIME)
        tar.addfile(index_member, io.BytesIO(index))
        for path, data in entries:
            tar.addfile(_member(path, data, mtime), None if data is None else io.BytesIO(data))
    compressed = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=compressed, mtime=0) as gz:
        gz.write(tar_buffer.getvalue())
    return compressed.getvalue()
