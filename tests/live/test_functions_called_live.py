"""Every web-service function lms-sync uses was called on the real Moodle by this session's live tests, or is
allow-listed below with the reason it is not (yet). Runs last, and only when the whole live suite ran in this process."""

from __future__ import annotations

from collections import Counter

import pytest

from lms_sync.moodle.functions import BATCH_FUNCTION, OPTIONAL_FUNCTIONS, all_required_functions
from tests.live.ledger import SUBSET
from tests.live.site import LiveMoodle

NOT_CALLED_LIVE = {
    "core_calendar_delete_calendar_events": "only when a session moves (its event is replaced) or push --prune; "
                                            "no live test moves a session or prunes yet",
    "core_group_delete_groups": "only push --prune deletes Kleingruppen; no live test prunes yet",
    "core_competency_list_plan_competencies": "only for an opted-in participant with a learning plan (the "
                                              "Kompetenzberatung's portfolio); no live test makes a learning plan yet",
}


def test_every_function_lms_sync_uses_was_called_on_the_live_site(
        request: pytest.FixtureRequest, live_moodle: LiveMoodle, lms_sync_calls: Counter[str]) -> None:
    subset = request.config.stash.get(SUBSET, "")
    if subset:
        pytest.skip(f"the live ledger check needs the whole live suite in one process: {subset}")
    used = all_required_functions() | set(OPTIONAL_FUNCTIONS) | {BATCH_FUNCTION}
    assert set(NOT_CALLED_LIVE) <= used, sorted(set(NOT_CALLED_LIVE) - used)  # no reasons for what lms-sync never calls
    never = sorted(used - set(lms_sync_calls) - set(NOT_CALLED_LIVE))
    assert not never, f"lms-sync uses these functions, but no live test made it call them: {never}"
    stale = sorted(set(NOT_CALLED_LIVE) & set(lms_sync_calls))
    assert not stale, f"called live now, remove from NOT_CALLED_LIVE: {stale}"  # a warning went unseen in CI
