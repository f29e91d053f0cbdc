"""Calendar: core_calendar_create_calendar_events (course, group, user, site events) and
core_calendar_get_calendar_events (by course, group or id; time window; user and site events).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import invalid_parameter, must_exist
from tests.fake_moodle.handlers.common import get_course
from tests.fake_moodle.state import NOW, CalendarEvent

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle

SITE_COURSE = 1


def event_record(event: CalendarEvent) -> dict[str, Any]:
    return {
        "id": event.id, "name": event.name, "description": event.description, "format": event.format,
        "courseid": event.courseid, "categoryid": event.categoryid, "groupid": event.groupid, "userid": event.userid,
        "modulename": event.modulename, "instance": event.instance,
        "eventtype": event.eventtype, "timestart": event.timestart, "timeduration": event.timeduration,
        "visible": event.visible, "uuid": event.uuid, "sequence": event.sequence, "timemodified": event.timemodified,
        "subscriptionid": None, **({"repeatid": event.repeatid} if event.repeatid else {}),
    }


def create_calendar_events(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    created = []
    for wanted in params["events"]:
        eventtype = wanted["eventtype"]
        courseid = wanted["courseid"] if eventtype in ("course", "group") else 0
        if eventtype == "site":
            courseid = SITE_COURSE
        if eventtype in ("course", "group"):
            get_course(fake, courseid)
        if eventtype == "group":
            group = fake.site.groups.get(wanted["groupid"])
            if group is None or group.courseid != courseid:
                raise invalid_parameter("Invalid group")
        event = CalendarEvent(
            fake.site.new_id("event"), wanted["name"], courseid, eventtype, wanted["timestart"],
            wanted["timeduration"], wanted["description"] or "", wanted["format"],
            wanted["groupid"] if eventtype == "group" else 0, fake.current_user, visible=wanted["visible"],
            sequence=wanted["sequence"], timemodified=NOW,
        )
        fake.site.events[event.id] = event
        created.append(event_record(event))
    return {"events": created, "warnings": []}


def _visible_to_caller(fake: FakeMoodle, event: CalendarEvent, wanted: dict[str, Any],
                       options: dict[str, Any]) -> bool:
    if event.id in wanted["eventids"]:
        return True
    if event.eventtype == "user":
        return bool(options["userevents"]) and event.userid == fake.current_user
    if event.eventtype == "site":
        return bool(options["siteevents"])
    if event.eventtype == "group":
        group = fake.site.groups.get(event.groupid)
        in_group = group is not None and (fake.is_admin() or fake.current_user in group.members)
        return event.groupid in wanted["groupids"] or (event.courseid in wanted["courseids"] and in_group)
    return event.courseid in wanted["courseids"]


def get_calendar_events(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    wanted = {key: params["events"].get(key, []) for key in ("eventids", "courseids", "groupids", "categoryids")}
    options = {"userevents": True, "siteevents": True, "timestart": 0, "timeend": 0, "ignorehidden": True,
               **params["options"]}
    found = []
    for event in sorted(fake.site.events.values(), key=lambda e: (e.timestart, e.id)):
        if options["ignorehidden"] and not event.visible:
            continue
        if event.timestart + event.timeduration < (options["timestart"] or 0):
            continue
        if options["timeend"] and event.timestart > options["timeend"]:
            continue
        if _visible_to_caller(fake, event, wanted, options):
            found.append({**event_record(event), "repeatid": event.repeatid})
    return {"events": found, "warnings": []}


def delete_calendar_events(fake: FakeMoodle, params: dict[str, Any]) -> None:
    """Moodle loads every event with MUST_EXIST first, so one unknown id deletes nothing."""
    doomed = []
    for wanted in params["events"]:
        event = must_exist(fake.site.events, "event", wanted["eventid"], CalendarEvent)
        doomed += [e.id for e in fake.site.events.values()
                   if e.id == event.id or (wanted["repeat"] and event.repeatid and e.repeatid == event.repeatid)]
    for event_id in doomed:
        fake.site.events.pop(event_id, None)
    return None


HANDLERS = {
    "core_calendar_create_calendar_events": create_calendar_events,
    "core_calendar_delete_calendar_events": delete_calendar_events,
    "core_calendar_get_calendar_events": get_calendar_events,
}
