"""An import the web server's death cut off leaves a prefix of the blueprint in the course (activities, then the
questionnaire item by item, as Moodle's restore writes them); the next push sees the gap, plans a repair and ends
with exactly the blueprint's activities and items — never a twin."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from tests.fake_moodle import FakeMoodle
from tests.test_push_e2e import BLUEPRINT_IDNUMBER, run_cli, world  # noqa: F401  (world is a fixture)

IMPORT = "core_course_import_course"


def contents(fake: FakeMoodle, course_id: int) -> tuple[Counter[str], int]:
    """A course's activities per type (announcements forums aside) and its questionnaire items, in the fake's tables."""
    site = fake.site
    cms = [cm for cm in site.cms.values() if cm.course == course_id
           and not (cm.modname == "forum" and site.instances["forum"][cm.instance].type == "news")]
    feedbacks = {cm.instance for cm in cms if cm.modname == "feedback"}
    return Counter(cm.modname for cm in cms), sum(1 for i in site.feedback_items.values() if i.feedback in feedbacks)


def run_courses(fake: FakeMoodle) -> list[int]:
    return sorted(c.id for c in fake.site.courses.values() if c.idnumber.startswith("lms-sync-"))


def blueprint(fake: FakeMoodle) -> tuple[Counter[str], int]:
    return contents(fake, next(c.id for c in fake.site.courses.values() if c.idnumber == BLUEPRINT_IDNUMBER))


@pytest.mark.parametrize("units", [None, 1], ids=["questionnaire-half-restored", "one-activity-restored"])
def test_a_cut_off_import_is_repaired_by_the_next_push_without_twins(world: tuple[FakeMoodle, Path],  # noqa: F811
                                                                     units: int | None) -> None:
    fake, config = world
    fake.inject("cut_off", wsfunction=IMPORT, units=units)
    assert run_cli(config, "push").exit_code != 0
    cut = [c for c in run_courses(fake) if contents(fake, c) != blueprint(fake) and sum(contents(fake, c)[0].values())]
    assert len(cut) == 1  # a prefix stayed, as on the real site (the push stopped: the other imports never began)

    plan = run_cli(config, "plan")
    assert plan.exit_code == 0
    assert "± re-import blueprint activities (a crash cut the import off) into" in plan.output
    assert ("missing: 1 questionnaire items" if units is None else "missing: 1 feedback, 1 forum") in plan.output
    assert run_cli(config, "plan").output == plan.output  # the plan run cached nothing that hides the gap

    assert run_cli(config, "push").exit_code == 0
    assert all(contents(fake, course) == blueprint(fake) for course in run_courses(fake))
    criteria = len(next(c for c in fake.site.courses.values() if c.idnumber == BLUEPRINT_IDNUMBER).completion_cmids)
    assert [len(fake.site.courses[course].completion_cmids) for course in run_courses(fake)] == [criteria] * 3
    fake.reset_counters()
    assert run_cli(config, "push").exit_code == 0 and fake.write_calls() == 0


def test_a_crash_during_the_repair_is_repaired_again(world: tuple[FakeMoodle, Path]) -> None:  # noqa: F811
    fake, config = world
    fake.inject("cut_off", wsfunction=IMPORT)
    assert run_cli(config, "push").exit_code != 0
    fake.inject("cut_off", wsfunction=IMPORT, units=2)  # the repair's own import dies after two activities
    assert run_cli(config, "push").exit_code != 0
    assert run_cli(config, "push").exit_code == 0
    assert all(contents(fake, course) == blueprint(fake) for course in run_courses(fake))
