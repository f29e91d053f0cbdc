"""The plan as a document: what `plan --json` prints and `plan -o FILE` saves, and what `push --plan FILE` checks.

It names its format and lms-sync version, the site, digests of catalogue and templates, a fingerprint of what was
observed, and every change with what it will send; `stale()` says what changed between two such documents.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import asdict
from importlib.metadata import version
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lms_sync.catalogue import WorkshopRun
from lms_sync.push.desired import DesiredCourse
from lms_sync.push.observed import ObservedCourse, ObservedSite
from lms_sync.push.plan import Plan
from lms_sync.templates import CourseTemplate

FORMAT = "lms-sync-plan/1"


class PlanFileError(Exception):
    """The plan file cannot be used: unreadable, another format, or made for another site or selection (exit 2)."""


def _digest(value: Any) -> str:
    return hashlib.sha256(json.dumps(value, sort_keys=True, ensure_ascii=False, default=_plain).encode()).hexdigest()


def _course(observed: ObservedCourse) -> dict[str, Any]:
    """The Moodle course's fields beside what was observed in it, flat: digests stay those of earlier plan files
    (`timecreated`, read since, never changes and is left out for that)."""
    fields = {name: value for name, value in asdict(observed.course).items() if name != "timecreated"}
    return fields | {name: value for name, value in asdict(observed).items() if name != "course"}


def _plain(value: Any) -> Any:
    """Sets become sorted lists so that equal observations give equal digests; catalogue people their fields."""
    if isinstance(value, (set, frozenset)):
        return sorted(value, key=repr)
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    raise TypeError(f"not JSON: {type(value).__name__}")


def fingerprint(site: ObservedSite) -> dict[str, str]:
    """A digest per observed part — site, each run course, each blueprint, each competency framework — so a refusal
    can name what moved."""
    parts = {"site (categories, accounts)": _digest([site.ws_userid, [asdict(c) for c in site.categories],
                                                      {e: [asdict(u) for u in us] for e, us in site.users_by_email.items()},
                                                      site.scales])}
    parts |= {f"course {idnumber}": _digest(_course(course)) for idnumber, course in site.courses.items()}
    parts |= {f"blueprint {idnumber}": _digest(_course(course)) for idnumber, course in site.blueprints.items()}
    parts |= {f"competency framework {idnumber}": _digest(asdict(framework))
              for idnumber, framework in site.frameworks.items()}
    return dict(sorted(parts.items()))


def observation_digest(site: ObservedSite) -> str:
    return _digest(fingerprint(site))


def template_digest(templates: Sequence[CourseTemplate]) -> str:
    """Every file of the templates the plan uses, by path and content."""
    files = {f"{t.slug}/{p.relative_to(t.path).as_posix()}": hashlib.sha256(p.read_bytes()).hexdigest()
             for t in templates for p in sorted(t.path.rglob("*")) if p.is_file()}
    return _digest(files)


def document(plan: Plan, site: ObservedSite, courses: Sequence[DesiredCourse], runs: Sequence[WorkshopRun],
             templates: Sequence[CourseTemplate], *, site_url: str, release: str | None, run_ids: Sequence[str],
             prune: bool) -> dict[str, Any]:
    """The plan document; `plan.as_dict()`'s keys plus what tells whether it still holds."""
    return {
        "format": FORMAT,
        "lms_sync_version": version("lms-sync"),
        "site": {"url": site_url, "release": release},
        "selection": {"run_ids": list(run_ids), "prune": prune},
        "digests": {"catalogue": _digest([run.model_dump(mode="json") for run in runs]),
                    "templates": template_digest(templates),
                    "desired": _digest([asdict(course) for course in courses])},
        "fingerprint": {"observation": observation_digest(site), "parts": fingerprint(site)},
    } | plan.as_dict()


def load(path: Path) -> dict[str, Any]:
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise PlanFileError(f"{path}: cannot read the plan ({error.strerror})") from None
    except ValueError as error:
        raise PlanFileError(f"{path}: not a plan file (not JSON: {error})") from None
    if not isinstance(saved, dict) or saved.get("format") != FORMAT:
        found = saved.get("format") if isinstance(saved, dict) else None
        raise PlanFileError(f"{path}: format {found!r} is not {FORMAT!r}; make the plan again with "
                            "`lms-sync plan -o FILE`")
    if saved.get("offline"):
        raise PlanFileError(f"{path}: an offline plan shows what would be created in an empty Moodle and cannot be "
                            "applied; make the plan against the site with `lms-sync plan -o FILE`")
    return saved


def stale(saved: Mapping[str, Any], current: Mapping[str, Any]) -> list[str]:
    """What changed since `saved` was planned, one phrase each; empty when it may be applied as it is."""
    changed = []
    if saved["site"]["url"] != current["site"]["url"]:
        return [f"the plan is for {saved['site']['url']}, not {current['site']['url']}"]
    for name in ("catalogue", "templates"):
        if saved["digests"][name] != current["digests"][name]:
            changed.append(f"the {name} changed")
    if saved["digests"]["desired"] != current["digests"]["desired"] and len(changed) == 0:
        changed.append("the settings that shape the courses changed")
    before, now = saved["fingerprint"]["parts"], current["fingerprint"]["parts"]
    changed += [f"in Moodle: {part} changed" for part in sorted(set(before) | set(now)) if before.get(part) != now.get(part)]
    if not changed and _digest(_changes(saved)) != _digest(_changes(current)):
        changed.append("the plan's changes differ from what would be applied now")
    return changed


def _changes(doc: Mapping[str, Any]) -> list[Any]:
    return [doc["categories"], doc["users"], doc["competencies"], doc["runs"], doc["problems"]]
