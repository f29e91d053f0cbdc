"""Course templates: `course_templates/<slug>/template.toml` plus jinja2 texts, loaded, validated and rendered.

Import from here; the submodules are an implementation detail.
"""

from lms_sync.templates.loader import (
    MANIFEST_NAME,
    check_template,
    load_template,
    load_templates,
    template_folders,
    validate_templates,
)
from lms_sync.templates.model import (
    DEFAULT_LIKERT_SCALE,
    Activity,
    BlueprintRef,
    Capacity,
    CompetencyLinks,
    CourseTemplate,
    EventTemplate,
    Questionnaire,
    QuestionnaireItem,
    Section,
    SmallGroupPolicy,
    WelcomePost,
    slugify,
)
from lms_sync.templates.problems import TemplateError, TemplateProblem
from lms_sync.templates.rendering import (
    RunLike,
    SessionLike,
    TextRole,
    TrainerLike,
    date_de,
    render,
    render_pattern,
)
from lms_sync.templates.sample_run import SAMPLE_RUN
from lms_sync.templates.text_checks import TemplateText, template_texts

__all__ = [
    "DEFAULT_LIKERT_SCALE", "MANIFEST_NAME", "SAMPLE_RUN", "Activity", "BlueprintRef", "Capacity", "CompetencyLinks",
    "CourseTemplate", "EventTemplate", "Questionnaire", "QuestionnaireItem", "RunLike", "Section", "SessionLike",
    "SmallGroupPolicy", "TemplateError", "TemplateProblem", "TemplateText", "TextRole", "TrainerLike", "WelcomePost",
    "check_template", "date_de", "load_template", "load_templates", "render", "render_pattern", "slugify",
    "template_folders", "template_texts", "validate_templates",
]
