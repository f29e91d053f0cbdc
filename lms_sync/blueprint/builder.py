"""Builds the .mbz for a course template: compile the content, render the XML files, pack them reproducibly.

The one entry point `build` uses; same template and timestamp always give the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from zoneinfo import ZoneInfo

from lms_sync.blueprint.archive import pack_mbz
from lms_sync.blueprint.compile import compile_blueprint
from lms_sync.blueprint.content import BlueprintContent
from lms_sync.blueprint.xml_files import backup_filename, render_backup_files
from lms_sync.config import DEFAULT_TIMEZONE
from lms_sync.templates import CourseTemplate


@dataclass(frozen=True)
class BuiltBlueprint:
    content: BlueprintContent
    filename: str
    data: bytes


def build_blueprint(template: CourseTemplate, timestamp: int, timezone: ZoneInfo = DEFAULT_TIMEZONE) -> BuiltBlueprint:
    """The Moodle course backup of `template`'s blueprint, dated `timestamp` (Unix seconds), times in `timezone`."""
    content = compile_blueprint(template, timezone)
    data = pack_mbz(render_backup_files(content, timestamp), mtime=timestamp)
    return BuiltBlueprint(content=content, filename=backup_filename(content, timestamp), data=data)
