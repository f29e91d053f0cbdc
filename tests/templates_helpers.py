"""Copies of the bundled course template to break on purpose, and a way to find a line in them.

Tests edit a real, valid template so each one proves that exactly its own change is reported.
"""

from __future__ import annotations

import shutil
from pathlib import Path

BUNDLED_ROOT = Path(__file__).resolve().parent.parent / "course_templates"
BUNDLED_SLUG = "kommune-zivilgesellschaft"


def copy_bundled(root: Path, slug: str = BUNDLED_SLUG) -> Path:
    """A copy of the bundled template at root/slug, with the competency framework it links beside it."""
    if not (root / "competencies").exists():
        shutil.copytree(BUNDLED_ROOT / "competencies", root / "competencies")
    return Path(shutil.copytree(BUNDLED_ROOT / BUNDLED_SLUG, root / slug))


def replace_in(path: Path, old: str, new: str, count: int = 1) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) >= count, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def line_containing(path: Path, needle: str, occurrence: int = 1) -> int:
    """1-based line of the occurrence-th line that contains needle."""
    hits = [number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if needle in line]
    return hits[occurrence - 1]
