"""Forums: the announcements forums of courses, the subjects of a forum's discussions, posting a discussion.

Subjects come back HTML-escaped and are unescaped here; older answers name a discussion `name`, not `subject`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from lms_sync.moodle.api.calls import Call, Write
from lms_sync.moodle.fields import record_of, text


@dataclass(frozen=True)
class Forum:
    id: int
    courseid: int
    cmid: int
    type: str
    """"news" for a course's announcements forum"""
    discussions: int
    name: str = ""


def of_courses(course_ids: Sequence[int]) -> Call:
    return "mod_forum_get_forums_by_courses", {"courseids": list(course_ids)}


def forums_from(answer: Sequence[dict[str, Any]]) -> list[Forum]:
    return [record_of(Forum, f, plain=("type",), names={"courseid": "course", "discussions": "numdiscussions"})
            for f in answer]


PER_PAGE = 100  # Moodle answers one page per call; page -1 (its default) is page 0, not "all pages"


def discussions(forum_id: int, count: int) -> list[Call]:
    """The calls that read all `count` discussions of a forum (Moodle's numdiscussions), one per page."""
    return [("mod_forum_get_forum_discussions", {"forumid": forum_id, "page": page, "perpage": PER_PAGE})
            for page in range(max(1, -(-count // PER_PAGE)))]


def subjects_from(answer: dict[str, Any]) -> set[str]:
    return {text(d.get("subject") or d.get("name")) for d in answer.get("discussions", [])}


def add_discussion(forum_id: int, subject: str, message: str) -> Write:
    """A new discussion, without subscribing the token's user to it."""
    return Write("mod_forum_add_discussion", {"forumid": forum_id, "subject": subject, "message": message,
                                              "options": [{"name": "discussionsubscribe", "value": 0}]})
