"""The desired state of one workshop run in Moodle, rendered from its course template and catalogue entry.

Everything is keyed by stable identities (idnumbers, emails, event names) so a re-run finds what an earlier one made.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from lms_sync.catalogue import Participant, Person, Session, WorkshopRun, to_unix
from lms_sync.competencies.framework import CompetencyFramework
from lms_sync.config import DEFAULT_TIMEZONE, PushSettings
from lms_sync.templates import CourseTemplate, render, render_pattern
from lms_sync.templates.activity_dates import run_dates


@dataclass(frozen=True)
class TrainerView:
    name: str
    email: str


@dataclass(frozen=True)
class RunView:
    """A `WorkshopRun` as course templates see it (`run.title` falls back to the template's title)."""

    id: str
    title: str
    start: datetime
    end: datetime
    sessions: Sequence[Session]
    trainers: Sequence[TrainerView]
    participant_count: int

    @classmethod
    def of(cls, run: WorkshopRun, template: CourseTemplate) -> RunView:
        return cls(
            id=run.id,
            title=run.title or template.title,
            start=run.start,
            end=run.end,
            sessions=run.sessions,
            trainers=[TrainerView(name=t.fullname, email=t.email) for t in run.trainers],
            participant_count=run.participant_count,
        )


@dataclass(frozen=True)
class DesiredCategory:
    idnumber: str
    name: str
    parent_idnumber: str | None


@dataclass(frozen=True)
class DesiredEvent:
    name: str
    description: str
    timestart: int
    timeduration: int


@dataclass(frozen=True)
class DesiredDate:
    """A date of an imported activity, as its calendar event (`modname`, `eventtype`) should carry it."""

    activity: str
    """the activity's name in the course"""
    modname: str
    eventtype: str
    timestamp: int


@dataclass(frozen=True)
class DesiredPost:
    subject: str
    message: str


@dataclass(frozen=True)
class DesiredCompetency:
    idnumber: str
    shortname: str
    description: str
    """HTML, as Moodle stores it"""
    parent: str | None
    """the idnumber of the competency it belongs to"""


@dataclass(frozen=True)
class DesiredFramework:
    """A competency framework file as Moodle should hold it, on the Moodle scale push uses for it."""

    idnumber: str
    shortname: str
    description: str
    scale_id: int
    scale_configuration: str
    levels: tuple[str, ...]
    """the items the Moodle scale must have, in order"""
    source: str
    """the file, for messages"""
    competencies: tuple[DesiredCompetency, ...]
    """parents before their children"""


def desired_framework(framework: CompetencyFramework, push: PushSettings) -> DesiredFramework:
    """The framework on `push.competency_scale_id` when set (the site's id for the scale), else the file's."""
    scale_id = push.competency_scale_id or framework.scale.moodle_scale_id
    return DesiredFramework(
        idnumber=framework.idnumber, shortname=framework.shortname, description=framework.description_html(),
        scale_id=scale_id, scale_configuration=framework.scale.moodle_configuration(scale_id),
        levels=tuple(framework.scale.levels), source=str(framework.path or framework.idnumber),
        competencies=tuple(DesiredCompetency(node.idnumber, node.shortname, node.description_html(), node.parent)
                           for node in framework.parents_first()))


@dataclass(frozen=True)
class DesiredCourse:
    run_id: str
    template: str
    idnumber: str
    shortname: str
    fullname: str
    summary: str
    startdate: int
    enddate: int
    format: str
    lang: str
    categories: tuple[DesiredCategory, ...]
    blueprint_idnumber: str
    section_names: tuple[str, ...]
    trainers: tuple[Person, ...]
    participants: tuple[Participant, ...]
    group_names: tuple[str, ...]
    group_size: tuple[int, int]
    mix_by_sector: bool
    events: tuple[DesiredEvent, ...]
    welcome: DesiredPost | None
    competency_framework: str | None = None
    """the idnumber of the framework the template links competencies of"""
    competencies: tuple[str, ...] = field(default=())
    framework: DesiredFramework | None = None
    """that framework's file (None when the competencies folder has none: the plan names the problem)"""
    timezone: str = DEFAULT_TIMEZONE.key
    """the catalogue's: accounts lms-sync creates get it, and activity dates are days in it"""
    dates: tuple[DesiredDate, ...] = field(default=())
    news_forum_name: str | None = None
    group_modes: tuple[tuple[str, int], ...] = field(default=())
    """(activity name, Moodle group mode) for the activities that work with groups: the template's group work in
    separate (1) or visible (2) groups, every other forum and assignment for everyone (0)"""
    named_evaluation: str | None = None
    """the questionnaire's name when its answers are named (None: no questionnaire, or an anonymous one)"""

    @property
    def linked_framework(self) -> DesiredFramework | None:
        """The framework whose competencies the course is linked to (None: it links none, or the file is missing)."""
        return self.framework if self.competencies else None

    @property
    def category_idnumber(self) -> str:
        return self.categories[-1].idnumber

    @property
    def group_idnumber_prefix(self) -> str:
        return f"{self.idnumber}-kg"

    def group_idnumber(self, number: int) -> str:
        return f"{self.group_idnumber_prefix}{number}"


def category_idnumbers_in_moodle(template: CourseTemplate, prefix: str) -> list[str]:
    """The idnumbers the template's categories have in Moodle: the one naming `plan`, `push` and `templates show` use."""
    return [f"{prefix}cat-{idnumber}" for idnumber in template.category_idnumbers]


def _categories(template: CourseTemplate, prefix: str) -> tuple[DesiredCategory, ...]:
    result: list[DesiredCategory] = []
    for name, idnumber in zip(template.category_path, category_idnumbers_in_moodle(template, prefix), strict=True):
        result.append(DesiredCategory(
            idnumber=idnumber,
            name=name,
            parent_idnumber=result[-1].idnumber if result else None,
        ))
    return tuple(result)


GROUP_MODES = {None: 0, "separate": 1, "visible": 2}
_GROUP_AWARE = ("assign", "forum")
"""activity types whose group mode means something (a page or label has none)"""


def group_count(participants: int, size_min: int, size_max: int) -> int:
    """How many Kleingruppen: as few as keep every group at most `size_max`, none for a run too small to split."""
    if participants < 2 * size_min:
        return 0
    return max(2, -(-participants // size_max))


def desired_course(template: CourseTemplate, run: WorkshopRun, push: PushSettings,
                   zone: ZoneInfo = DEFAULT_TIMEZONE,
                   frameworks: Mapping[str, DesiredFramework] | None = None) -> DesiredCourse:
    """Render everything lms-sync will create or keep in Moodle for `run` (dates in the catalogue's `zone`;
    `frameworks` by idnumber, from `desired_framework`)."""
    view = RunView.of(run, template)
    policy = template.small_groups
    groups = group_count(run.participant_count, policy.size_min, policy.size_max)
    events = tuple(
        DesiredEvent(
            name=render_pattern(template, event.name_pattern, run=view, session=session, session_number=number),
            description=render(template, event.description_file, run=view, session=session, session_number=number),
            timestart=to_unix(session.start),
            timeduration=to_unix(session.end) - to_unix(session.start),
        )
        for event in template.events
        for number, session in enumerate(run.sessions, start=1)
    )
    welcome = template.welcome_post
    names = {a.key: a.name for a in template.activities}
    if template.questionnaire is not None:
        names[template.questionnaire.key] = template.questionnaire.name
    return DesiredCourse(
        run_id=run.id,
        template=template.slug,
        idnumber=push.idnumber_prefix + render_pattern(template, template.idnumber_pattern, run=view),
        shortname=render_pattern(template, template.shortname_pattern, run=view),
        fullname=render_pattern(template, template.fullname_pattern, run=view),
        summary=render(template, template.summary_file, run=view),
        startdate=to_unix(run.start),
        enddate=to_unix(run.end),
        format=template.format,
        lang=template.language,
        categories=_categories(template, push.idnumber_prefix),
        blueprint_idnumber=template.blueprint.idnumber,
        section_names=tuple(section.name for section in template.sections),
        trainers=tuple(run.trainers),
        participants=tuple(run.participants),
        group_names=tuple(render_pattern(template, policy.name_pattern, run=view, n=n) for n in range(1, groups + 1)),
        group_size=(policy.size_min, policy.size_max),
        mix_by_sector=policy.mix_by == "sector",
        events=events,
        welcome=DesiredPost(
            subject=render_pattern(template, welcome.subject_pattern, run=view),
            message=render(template, welcome.message_file, run=view),
        ) if welcome else None,
        competency_framework=template.competencies.framework if template.competencies else None,
        competencies=tuple(dict.fromkeys(template.competencies.course)) if template.competencies else (),
        framework=(frameworks or {}).get(template.competencies.framework) if template.competencies else None,
        timezone=zone.key,
        dates=tuple(DesiredDate(activity=names[d.key], modname=d.modname, eventtype=d.eventtype,
                                timestamp=to_unix(d.moment)) for d in run_dates(template, run.sessions, zone)),
        news_forum_name=template.news_forum_name,
        group_modes=tuple((a.name, GROUP_MODES[a.group_mode]) for a in template.activities if a.type in _GROUP_AWARE),
        named_evaluation=template.questionnaire.name
        if template.questionnaire is not None and not template.questionnaire.anonymous else None,
    )
