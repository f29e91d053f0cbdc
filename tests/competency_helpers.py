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


def seed_framework(fake: FakeMoodle, framework: CompetencyFramework, links: dict[int, list[str]],
                   scale_id: int | None = None) -> dict[str, int]:
    """The framework (on `scale_id`, else on a new scale with its levels), its competencies and the courses' links in
    the fake, as an admin (or an earlier push) made them; returns the competency ids by idnumber."""
    scale_id = scale_id or site_with_framework_scale(fake, framework)
    moodle = fake.add_competency_framework(framework.shortname, framework.idnumber, scaleid=scale_id,
                                           scaleconfiguration=framework.scale.moodle_configuration(scale_id),
                                           description=framework.description_html())
    ids: dict[str, int] = {}
    for node in framework.parents_first():
        ids[node.idnumber] = fake.add_competency(moodle.id, node.shortname, node.idnumber,
                                                 parentid=ids[node.parent] if node.parent else 0,
                                                 description=node.description_html()).id
    for course, idnumbers in links.items():
        for idnumber in idnumbers:
            fake.link_competency(course, ids[idnumber])
    return ids


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
