"""Forums: mod_forum_get_forums_by_courses, mod_forum_add_discussion, mod_forum_get_forum_discussions.

A discussion is listed by its first post (the record's `id` is the post id, `discussion` the discussion id).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import must_exist
from tests.fake_moodle.handlers.common import option_map, user_picture
from tests.fake_moodle.state import NOW, Discussion, Forum, Post

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def _forum(fake: FakeMoodle, forumid: int) -> Forum:
    return must_exist(fake.site.instances["forum"], "forum", forumid, Forum)


def _forum_record(fake: FakeMoodle, forum: Forum) -> dict[str, Any]:
    cm = fake.site.cm_for("forum", forum.id)
    return {
        "id": forum.id, "course": forum.course, "type": forum.type, "name": forum.name, "intro": forum.intro,
        "introformat": forum.introformat, "introfiles": [], "lang": "", "duedate": 0, "cutoffdate": 0,
        "assessed": 0, "assesstimestart": 0, "assesstimefinish": 0, "scale": 0, "grade_forum": 0,
        "grade_forum_notify": 0, "maxbytes": 0, "maxattachments": 1, "forcesubscribe": forum.forcesubscribe,
        "trackingtype": forum.trackingtype, "rsstype": 0, "rssarticles": 0, "timemodified": forum.timemodified,
        "warnafter": 0, "blockafter": 0, "blockperiod": 0, "completiondiscussions": 0, "completionreplies": 0,
        "completionposts": 0, "cmid": cm.id,
        "numdiscussions": sum(1 for d in fake.site.discussions.values() if d.forum == forum.id),
        "cancreatediscussions": True, "lockdiscussionafter": 0, "istracked": False,
    }


def get_forums_by_courses(fake: FakeMoodle, params: dict[str, Any]) -> list[dict[str, Any]]:
    courseids = params["courseids"] or [c for c in fake.site.courses if fake.site.is_enrolled(c, fake.current_user)]
    forums = []
    for courseid in (c for c in courseids if fake.denied_courses.get(c) != ""):  # left out without a warning
        for cm in fake.site.course_cms(courseid):
            if cm.modname == "forum":
                forums.append(_forum_record(fake, fake.site.instance(cm)))  # type: ignore[arg-type]
    return forums


def add_discussion(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    forum = _forum(fake, params["forumid"])
    options = option_map(params["options"])
    discussion_id = fake.site.new_id("forum_discussions")
    post = Post(fake.site.new_id("forum_posts"), discussion_id, 0, fake.current_user, params["subject"],
                params["message"], created=NOW)
    fake.site.posts[post.id] = post
    fake.site.discussions[discussion_id] = Discussion(
        discussion_id, forum.id, params["subject"], post.id, fake.current_user, params["groupid"] or -1,
        timemodified=NOW, pinned=str(options.get("discussionpinned", "0")).lower() in ("1", "true"),
    )
    return {"discussionid": discussion_id, "warnings": []}


def _discussion_record(fake: FakeMoodle, discussion: Discussion) -> dict[str, Any]:
    post = fake.site.posts[discussion.firstpost]
    author = fake.site.users[post.userid]
    replies = sum(1 for p in fake.site.posts.values() if p.discussion == discussion.id and p.parent)
    return {
        "id": post.id, "name": discussion.name, "groupid": discussion.groupid,
        "timemodified": discussion.timemodified, "usermodified": discussion.userid, "timestart": 0, "timeend": 0,
        "discussion": discussion.id, "parent": 0, "userid": post.userid, "created": post.created,
        "modified": discussion.timemodified, "mailed": 0, "subject": post.subject, "message": post.message,
        "messageformat": post.messageformat, "messagetrust": 0, "attachment": False, "totalscore": 0, "mailnow": 0,
        "userfullname": author.fullname, "usermodifiedfullname": author.fullname,
        "userpictureurl": user_picture(fake, small=True), "usermodifiedpictureurl": user_picture(fake, small=True),
        "numreplies": replies, "numunread": 0, "pinned": discussion.pinned, "locked": False, "starred": False,
        "canreply": True, "canlock": True, "canfavourite": True,
    }


def get_forum_discussions(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    forum = _forum(fake, params["forumid"])
    discussions = sorted((d for d in fake.site.discussions.values() if d.forum == forum.id),
                         key=lambda d: (not d.pinned, -d.timemodified, -d.id))
    if params["groupid"]:
        discussions = [d for d in discussions if d.groupid in (-1, params["groupid"])]
    if params["perpage"] > 0:  # Moodle's DML clamps the offset page*perpage to 0: page -1 (default) is page 0
        start = max(0, params["page"] * params["perpage"])
        discussions = discussions[start:start + params["perpage"]]
    return {"discussions": [_discussion_record(fake, d) for d in discussions], "warnings": []}


HANDLERS = {
    "mod_forum_get_forums_by_courses": get_forums_by_courses,
    "mod_forum_add_discussion": add_discussion,
    "mod_forum_get_forum_discussions": get_forum_discussions,
}
