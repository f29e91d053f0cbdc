"""Loads what push, plan and sync work from: the course templates and the catalogue, rendered into desired courses.

A broken template or catalogue entry only removes the runs it affects; each is reported as a problem.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo

from lms_sync.catalogue import WorkshopRun, load_catalogue
from lms_sync.competencies.framework import COMPETENCIES_FOLDER, CompetencyFramework, check_frameworks
from lms_sync.config import Settings
from lms_sync.push.desired import DesiredCourse, desired_course, desired_framework
from lms_sync.templates import CourseTemplate, TemplateError, check_template, template_folders


class WorkspaceError(Exception):
    """Nothing can be planned: no templates directory, no catalogue, or an unknown run was asked for."""


@dataclass
class Workspace:
    templates: dict[str, CourseTemplate]
    runs: list[WorkshopRun]
    courses: list[DesiredCourse]
    frameworks: dict[str, CompetencyFramework] = field(default_factory=dict)
    problems: list[str] = field(default_factory=list)
    """one line each: 'file:line: message' for catalogue and template problems that skipped a run"""
    warnings: list[str] = field(default_factory=list)
    failed_runs: set[str] = field(default_factory=set)

    def skipped(self) -> list[tuple[str | None, str]]:
        """(run id, "<problem> (run skipped)") for each problem, as sync and push report and journal it; the run is
        the one the problem line names ('[run ID]' at its end or 'run ID:' at its start), None for a whole file's."""
        return [(next((run_id for run_id in sorted(self.failed_runs)
                       if problem.endswith(f"[run {run_id}]") or problem.startswith(f"run {run_id}:")), None),
                 f"{problem} (run skipped)") for problem in self.problems]


def load_workspace(settings: Settings, *, catalogue: Path | None = None, templates_dir: Path | None = None,
                   run_ids: Sequence[str] = (), strict: bool = False) -> Workspace:
    """Templates, catalogue and the desired courses of the selected runs (all runs when `run_ids` is empty)."""
    templates_root = templates_dir or settings.catalogue.templates_dir
    try:
        folders = template_folders(templates_root)
    except TemplateError as error:
        raise WorkspaceError("; ".join(str(p) for p in error.problems)) from None
    templates: dict[str, CourseTemplate] = {}
    broken: dict[str, str] = {}
    for folder in folders:
        template, problems = check_template(folder)
        if template is not None and not problems:
            templates[template.slug] = template
        else:
            broken[folder.name] = "; ".join(str(p) for p in problems)
    capacity = {slug: (t.capacity.min, t.capacity.max) for slug, t in templates.items()}
    capacity |= {slug: (1, 10_000) for slug in broken}
    loaded = load_catalogue(catalogue or settings.catalogue.path, timezone=settings.catalogue.timezone,
                            template_capacity=capacity, strict=strict)
    runs = list(loaded.runs)
    unknown = [run_id for run_id in run_ids if loaded.run(run_id) is None
               and not any(p.run_id == run_id for p in loaded.errors)]
    if unknown:
        known = ", ".join(run.id for run in runs) or "none"
        raise WorkspaceError(f"unknown run(s) {', '.join(unknown)} in the catalogue (valid runs: {known})")
    if run_ids:
        runs = [run for run in runs if run.id in run_ids]
    frameworks, framework_problems = check_frameworks(templates_root / COMPETENCIES_FOLDER)
    workspace = Workspace(templates, runs, [], frameworks)
    workspace.problems = [f"{p} [run {p.run_id}]" if p.run_id else str(p) for p in loaded.errors
                          if not run_ids or p.run_id in (None, *run_ids)]
    workspace.failed_runs = {p.run_id for p in loaded.errors if p.run_id}
    workspace.warnings = [str(p) for p in loaded.warnings if not run_ids or p.run_id in (None, *run_ids)]
    workspace.warnings += [f"{p} (competencies are not pushed until this is fixed)" for p in framework_problems]
    desired = {idnumber: desired_framework(framework, settings.push) for idnumber, framework in frameworks.items()}
    for run in runs:
        if run.template in broken:
            workspace.problems.append(f"run {run.id}: template {run.template!r} is invalid: {broken[run.template]}")
            workspace.failed_runs.add(run.id)
            continue
        workspace.courses.append(desired_course(templates[run.template], run, settings.push,
                                                ZoneInfo(settings.catalogue.timezone), desired))
    return workspace
