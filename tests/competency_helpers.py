"""Helpers for the competency tests: the bundled framework, a fake with the rating handlers, and call inspection.

`with_rating_handlers` adds tests/fake_moodle/handlers/competency_ratings.py to a fake until the registry lists it.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from lms_sync.competencies.framework import CompetencyFramework, load_framework
from tests.fake_moodle import FakeMoodle
from tests.fake_moodle.handlers import competency_ratings

BUNDLED_FRAMEWORK = Path(__file__).resolve().parents[1] / "course_templates" / "competencies" / (
    "bip-kompetenzen-beteiligung.toml")
BATCH = "tool_mobile_call_external_functions"


def bundled_framework() -> CompetencyFramework:
    return load_framework(BUNDLED_FRAMEWORK)


def with_rating_handlers(fake: FakeMoodle) -> FakeMoodle:
    fake.signatures = {**competency_ratings.signatures(fake.signatures), **fake.signatures}
    fake.handlers = {**competency_ratings.HANDLERS, **fake.handlers}
    fake.allowed_functions |= set(competency_ratings.HANDLERS)
    return fake


def site_with_framework_scale(fake: FakeMoodle, framework: CompetencyFramework) -> int:
    """Create the framework's scale on the fake site (as an admin would) and return its id."""
    return competency_ratings.add_scale(fake, list(framework.scale.levels))


def calls_made(fake: FakeMoodle) -> list[tuple[str, dict[str, Any]]]:
    """Every web-service call the fake received, the inner calls of batched reads unpacked."""
    calls: list[tuple[str, dict[str, Any]]] = []
    for wsfunction, params in fake.requests:
        if wsfunction == BATCH:
            calls += [(request["function"], json.loads(request.get("arguments") or "{}"))
                      for request in params["requests"]]
        else:
            calls.append((wsfunction, params))
    return calls
