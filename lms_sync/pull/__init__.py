"""`lms-sync pull`: read enrolments, completion and feedback of Moodle courses into the institute's records.

`pull_courses(client, store, targets, ...)` is the one entry point; `sync` and the CLI call it.
"""

from lms_sync.pull.report import CoursePullResult, PullReport
from lms_sync.pull.service import DEFAULT_PAGE_SIZE, pull_courses
from lms_sync.pull.targets import CourseTarget, catalogue_people, run_targets

__all__ = ["DEFAULT_PAGE_SIZE", "CoursePullResult", "CourseTarget", "PullReport", "catalogue_people", "pull_courses",
           "run_targets"]
