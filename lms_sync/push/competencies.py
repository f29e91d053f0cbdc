"""Pushes a competency framework into Moodle and links its competencies to courses, idempotently by idnumber.

Observe first, write only what is missing or changed: a second push of an unchanged framework makes no write calls.
Ratings are never touched.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from lms_sync.competencies.framework import CompetencyFramework, CompetencyNode
from lms_sync.config import ConfigError
from lms_sync.moodle.api import competencies as api
from lms_sync.moodle.api.calls import ask, send, send_many
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleError

log = logging.getLogger("lms_sync.competencies")


@dataclass
class CompetencyPushCounts:
    """What one push of a framework did; all zero but `unchanged`/`links_present` for an unchanged world."""

    framework_created: int = 0
    framework_updated: int = 0
    competencies_created: int = 0
    competencies_updated: int = 0
    competencies_unchanged: int = 0
    links_added: int = 0
    links_present: int = 0
    problems: list[str] = field(default_factory=list)
    """drift push does not repair (a competency moved to another parent in Moodle)"""

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    def writes(self) -> dict[str, int]:
        """Write calls made, by web-service function, for push's summary of what it applied."""
        made = {api.CREATE_FRAMEWORK: self.framework_created, api.UPDATE_FRAMEWORK: self.framework_updated,
                api.CREATE_COMPETENCY: self.competencies_created, api.UPDATE_COMPETENCY: self.competencies_updated,
                api.ADD_TO_COURSE: self.links_added}
        return {wsfunction: count for wsfunction, count in made.items() if count}


def _same_text(moodle_value: Any, ours: str) -> bool:
    # Moodle may re-wrap stored HTML; whitespace differences are not a change worth a write.
    return " ".join(str(moodle_value or "").split()) == " ".join(ours.split())


def _checked_scale(client: MoodleClient, framework: CompetencyFramework, scale_id: int) -> None:
    """Refuse to create a framework on a scale whose items differ from the framework's levels (reports would lie)."""
    items = [str(item.get("name", "")).strip() for item in ask(client, api.scale_values(scale_id))]
    if [item.casefold() for item in items] != [level.casefold() for level in framework.scale.levels]:
        where = framework.path or framework.idnumber
        raise ConfigError(
            f"{where}: Moodle scale {scale_id} has the items {items or 'none'}, the framework needs "
            f"{framework.scale.levels}; create that scale in Moodle (Site administration › Grades › Scales) "
            "and set scale.moodle_scale_id to its id"
        )


def _observe_framework(client: MoodleClient, idnumber: str) -> dict[str, Any] | None:
    found = ask(client, api.frameworks_matching(idnumber))
    return next((record for record in found if record.get("idnumber") == idnumber), None)


class _FrameworkPush:
    def __init__(self, client: MoodleClient, framework: CompetencyFramework, scale_id: int) -> None:
        self.client, self.framework, self.scale_id = client, framework, scale_id
        self.counts = CompetencyPushCounts()

    def framework_id(self) -> int:
        framework = self.framework
        existing = _observe_framework(self.client, framework.idnumber)
        if existing is None:
            _checked_scale(self.client, framework, self.scale_id)
            created = send(self.client, api.create_framework({
                "shortname": framework.shortname, "idnumber": framework.idnumber,
                "description": framework.description_html(), "scaleid": self.scale_id,
                "scaleconfiguration": framework.scale.moodle_configuration(self.scale_id),
            }))
            self.counts.framework_created += 1
            return int(created["id"])
        if not (_same_text(existing.get("shortname"), framework.shortname)
                and _same_text(existing.get("description"), framework.description_html())):
            send(self.client, api.update_framework({
                "id": existing["id"], "shortname": framework.shortname, "description": framework.description_html(),
            }))
            self.counts.framework_updated += 1
        return int(existing["id"])

    def competency_ids(self, framework_id: int) -> dict[str, int]:
        """Moodle id of every competency of the framework, creating and updating as needed (parents first)."""
        observed = {
            record["idnumber"]: record
            for record in ask(self.client, api.competencies_of(framework_id))
        }
        ids = {idnumber: int(record["id"]) for idnumber, record in observed.items()}
        for node in self.framework.parents_first():
            parent_id = ids[node.parent] if node.parent else 0
            record = observed.get(node.idnumber)
            if record is None:
                ids[node.idnumber] = self._create(node, framework_id, parent_id)
            else:
                self._update_if_changed(node, record, parent_id)
        return ids

    def _create(self, node: CompetencyNode, framework_id: int, parent_id: int) -> int:
        created = send(self.client, api.create_competency({
            "shortname": node.shortname, "idnumber": node.idnumber, "description": node.description_html(),
            "competencyframeworkid": framework_id, "parentid": parent_id,
        }))
        self.counts.competencies_created += 1
        return int(created["id"])

    def _update_if_changed(self, node: CompetencyNode, record: Mapping[str, Any], parent_id: int) -> None:
        if int(record.get("parentid") or 0) != parent_id:
            self.counts.problems.append(
                f"competency {node.idnumber!r} has another parent in Moodle than in {self.framework.path}; "
                "move it in Moodle (Site administration › Competencies) or change parent in the file"
            )
        if _same_text(record.get("shortname"), node.shortname) and _same_text(
                record.get("description"), node.description_html()):
            self.counts.competencies_unchanged += 1
            return
        send(self.client, api.update_competency({
            "id": record["id"], "shortname": node.shortname, "description": node.description_html(),
        }))
        self.counts.competencies_updated += 1

    def link_courses(self, ids: Mapping[str, int], course_links: Mapping[int, Sequence[str]]) -> None:
        """The missing links of all courses in as few requests as Moodle allows: no array form, but the batch function
        (`MoodleClient.call_many`) takes them, checked on Moodle 5.0; without it concurrently one by one."""
        courses = list(course_links)
        answers = self.client.read_many([api.course_competencies(course) for course in courses])
        missing = []
        for course, answer in zip(courses, answers, strict=True):
            if isinstance(answer, MoodleError):
                raise answer
            linked = {int(entry["competency"]["id"]) for entry in answer}
            for idnumber in dict.fromkeys(course_links[course]):
                if ids[idnumber] in linked:
                    self.counts.links_present += 1
                else:
                    missing.append(api.add_to_course(course, ids[idnumber]))
        for answer in send_many(self.client, missing):
            if isinstance(answer, MoodleError):
                raise answer
            self.counts.links_added += 1


def push_competencies(
    client: MoodleClient,
    framework: CompetencyFramework,
    course_links: Mapping[int, Sequence[str]],
    *,
    scale_id: int | None = None,
) -> CompetencyPushCounts:
    """Create or update `framework` and its competencies in Moodle, then link each course to its competencies.

    `course_links` maps a Moodle course id to the idnumbers of the competencies it should have (the template's
    `[competencies].course`). `scale_id` overrides the framework file's `scale.moodle_scale_id`. Existing links,
    competencies and all user ratings are left as they are; nothing is ever removed.
    Raises `ConfigError` when the Moodle scale does not match the framework's levels or a link names an unknown
    competency, and `MoodleError` when Moodle refuses a call.
    """
    unknown = sorted({idnumber for wanted in course_links.values() for idnumber in wanted} - set(framework.by_idnumber()))
    if unknown:
        raise ConfigError(f"course templates link competencies that framework {framework.idnumber!r} "
                          f"does not define: {', '.join(unknown)}; run `lms-sync templates validate`")
    run = _FrameworkPush(client, framework, scale_id or framework.scale.moodle_scale_id)
    framework_id = run.framework_id()
    ids = run.competency_ids(framework_id)
    run.link_courses(ids, course_links)
    for problem in run.counts.problems:
        log.warning("%s", problem)
    log.info("competencies: %s", json.dumps(run.counts.as_dict(), ensure_ascii=False))
    return run.counts
