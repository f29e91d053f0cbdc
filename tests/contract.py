"""Access to the recorded real Moodle 4.5 and 5.0 calls in ../shared/moodle-contract/ for tests.

Each recording is one request (params and the exact form body) and Moodle's response. Tests that read ../shared carry
`needs_shared`: they skip with the reason when it is absent, and fail under CI=true (see tests/conftest.py).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest

SHARED_ROOT = Path(__file__).resolve().parents[2] / "shared"  # beside the repository, as in CI
CONTRACT_ROOT = SHARED_ROOT / "moodle-contract"
needs_shared = pytest.mark.needs_shared(CONTRACT_ROOT)
VERSIONS = ("4.5", "5.0")


@dataclass(frozen=True)
class Recording:
    version: str
    name: str
    wsfunction: str
    params: dict[str, Any]
    body_fields: list[tuple[str, str]]
    response: Any
    outcome: str
    note: str

    @property
    def param_fields(self) -> list[tuple[str, str]]:
        return [(k, v) for k, v in self.body_fields if k not in ("wstoken", "wsfunction", "moodlewsrestformat")]

    @property
    def format(self) -> str:
        return dict(self.body_fields).get("moodlewsrestformat", "xml")


def recordings(version: str) -> list[Recording]:
    """The recordings of one version, oldest first; none when ../shared is absent (the tests then skip or fail)."""
    folder = CONTRACT_ROOT / f"moodle-{version}"
    result = []
    for path in sorted(folder.glob("[0-9]*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        request = data["request"]
        result.append(
            Recording(
                version=version,
                name=path.stem,
                wsfunction=request["wsfunction"],
                params=request["params"],
                body_fields=parse_qsl(request["rest_body"], keep_blank_values=True),
                response=data["response"],
                outcome=data["meta"]["outcome"],
                note=data["meta"].get("note", ""),
            )
        )
    return result
