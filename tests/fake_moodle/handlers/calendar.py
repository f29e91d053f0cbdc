"""Calendar: core_calendar_create_calendar_events (course, group, user, site events),
core_calendar_get_calendar_events (by course, group or id; time window; user and site events), and
core_calendar_update_event_start_day (another day, same time of day in the site's zone; activities follow).
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from tests.fake_moodle import operations
from tests.fake_moodle.errors import invalid_parameter, moodle_exception, must_exist
from tests.fake_moodle.handlers.common import get_course
from tests.fake_moodle.state import NOW, Assign, CalendarEvent, Feedback

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


def _zone(fake: FakeMoodle, timezone: str) -> ZoneInfo:
    return ZoneInfo(fake.site.timezone if timezone == "99" else timezone)


def update_event_start_day(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    """The day comes from `daytimestamp` in the caller's zone; the time of day stays the event's in the site's zone
    (Moodle's DateTimeImmutable in PHP's default zone). An activity's event moves the activity's date through its
    callback, which refuses a feedback closing before it opens."""
    event = fake.site.events.get(params["eventid"])
    if event is None:
        raise moodle_exception(f"Unable to find event with id {params['eventid']}",
                               f"error/Unable to find event with id {params['eventid']}")
    day = datetime.fromtimestamp(params["daytimestamp"], _zone(fake, fake.site.users[fake.current_user].timezone))
    site_zone = ZoneInfo(fake.site.timezone)
    moved = datetime.fromtimestamp(event.timestart, site_zone).replace(year=day.year, month=day.month, day=day.day)
    timestart = int(moved.timestamp())
    if event.modulename:
        cm = fake.site.cm_for(event.modulename, event.instance)
        instance = fake.site.instance(cm)
        if isinstance(instance, Feedback):
            opens = timestart if event.eventtype == "open" else instance.timeopen
            closes = timestart if event.eventtype == "close" else instance.timeclose
            if opens and closes and closes < opens:
                message = "You have specified an end date before the start date."
                raise moodle_exception(message, f"error/{message}")
            instance.timeopen, instance.timeclose = opens, closes
        elif isinstance(instance, Assign):
            instance.duedate = timestart
        operations.bump_cacherev(fake.site, cm.course)
    event.timestart, event.timemodified = timestart, NOW
    return {"event": {**event_record(event), "component": f"mod_{event.modulename}" if event.modulename else None}}


HANDLERS = {
    "core_calendar_update_event_start_day": update_event_start_day,
    "core_calendar_create_calendar_events": create_calendar_events,
    "core_calendar_delete_calendar_events": delete_calendar_events,
    "core_calendar_get_calendar_events": get_calendar_events,
}
