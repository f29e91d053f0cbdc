"""The one door to Moodle: only `lms_sync/moodle/` names web-service functions, and every function its typed calls
name is in `moodle/functions.py`, the list `lms-sync check` compares with the token's service."""

from __future__ import annotations

import re
from pathlib import Path

from lms_sync.moodle.functions import BATCH_FUNCTION, OPTIONAL_FUNCTIONS, all_required_functions

PACKAGE = Path(__file__).resolve().parent.parent / "lms_sync"
# Moodle's external functions are component_area_verb…: core_course_get_contents, mod_forum_add_discussion, …
WS_NAME = re.compile(r"\b(?:core|mod|enrol|tool|gradereport|block|local|message|report)_[a-z0-9]+_[a-z0-9_]+\b")
KNOWN = all_required_functions() | set(OPTIONAL_FUNCTIONS) | {BATCH_FUNCTION}


def _names(paths: list[Path]) -> dict[str, set[str]]:
    found = {str(p.relative_to(PACKAGE.parent)): set(WS_NAME.findall(p.read_text(encoding="utf-8"))) for p in paths}
    return {path: names for path, names in found.items() if names}


def test_no_module_outside_moodle_names_a_web_service_function() -> None:
    outside = [p for p in PACKAGE.rglob("*.py") if PACKAGE / "moodle" not in p.parents]
    assert outside
    assert _names(outside) == {}


def test_the_pattern_finds_every_function_lms_sync_uses() -> None:
    assert all(WS_NAME.fullmatch(name) for name in KNOWN)


def test_every_function_the_typed_calls_name_is_in_the_functions_list() -> None:
    named = set().union(*_names(list((PACKAGE / "moodle" / "api").glob("*.py"))).values())
    assert len(named) > 30
    assert named - KNOWN == set()
