"""A small but complete course template for the blueprint tests: every activity type and every questionnaire kind.

`write_sample_template(folder, title=...)` writes it; the title goes into names so escaping can be tested.
"""

from __future__ import annotations

import json
from pathlib import Path

from lms_sync.templates import CourseTemplate, load_template

_MANIFEST = """
title = {title}
fullname_pattern = "{{{{ run.title }}}}"
shortname_pattern = "T-{{{{ run.id }}}}"
idnumber_pattern = "{{{{ run.id }}}}"
category_path = ["Workshops"]
summary_file = "summary.j2"

[blueprint]
idnumber = "blueprint-sample-v1"
shortname = "BP-SAMPLE-v1"
fullname = {fullname}

[[sections]]
name = "Willkommen"
summary_file = "text.j2"

[[sections]]
name = {section_name}
summary_file = "text.j2"

[[sections]]
name = "Evaluation"
summary_file = "text.j2"

[[activities]]
key = "intro_page"
type = "page"
name = "So arbeiten wir"
section = 0
purpose = "information"
intro_file = "text.j2"
content_file = "text.j2"

[[activities]]
key = "hint"
type = "label"
name = "Hinweis"
section = 1
purpose = "information"
intro_file = "text.j2"

[[activities]]
key = "casework"
type = "forum"
name = {activity_name}
section = 1
purpose = "learning-by-doing"
intro_file = "text.j2"
group_mode = "separate"

[[activities]]
key = "stakeholder_map"
type = "assign"
name = "Akteurslandkarte"
section = 1
purpose = "learning-by-doing"
intro_file = "text.j2"
submission_types = ["onlinetext", "file"]
grade_max = 100
due_before_session = 1

[questionnaire]
key = "evaluation"
name = "Evaluation"
section = 2
intro_file = "text.j2"
anonymous = {anonymous}

[[questionnaire.items]]
kind = "label"
label = "block_content"
question = {question}

[[questionnaire.items]]
kind = "likert"
label = "relevance"
question = {question}
required = true
category = "content"

[[questionnaire.items]]
kind = "likert"
label = "pace"
question = "Das Tempo war angemessen."
scale = ["viel zu langsam", "langsam", "genau richtig", "schnell", "viel zu schnell"]
category = "methods"

[[questionnaire.items]]
kind = "pagebreak"

[[questionnaire.items]]
kind = "multichoice"
label = "channel"
question = "Wie haben Sie vom Workshop erfahren?"
options = ["Newsletter", {option}, "Website"]
category = "organisation"

[[questionnaire.items]]
kind = "multichoice"
label = "formats"
question = "Welche Formate möchten Sie künftig nutzen?"
options = ["Präsenz", "Online"]
multiple = true
category = "organisation"

[[questionnaire.items]]
kind = "textfield"
label = "organisation"
question = "Für welche Organisation arbeiten Sie?"
category = "open"

[[questionnaire.items]]
kind = "textarea"
label = "open_remarks"
question = "Was möchten Sie uns noch mitteilen?"
category = "open"
"""

PLAIN = "Kommune und Zivilgesellschaft"
TRICKY = 'A & B <c> "quoted" \'single\' Ärger über Straße 🎉'


def write_sample_template(folder: Path, *, text: str = PLAIN, anonymous: bool = False) -> CourseTemplate:
    """Write the sample template into `folder` (its name is the slug) with `text` in names and questions."""
    folder.mkdir(parents=True, exist_ok=True)
    quoted = json.dumps(text, ensure_ascii=False)  # a JSON string is a valid TOML basic string
    (folder / "template.toml").write_text(
        _MANIFEST.format(title=quoted, fullname=json.dumps(f"Blueprint: {text}", ensure_ascii=False),
                         section_name=quoted, activity_name=quoted, question=quoted, option=quoted,
                         anonymous=str(anonymous).lower()),
        encoding="utf-8",
    )
    (folder / "summary.j2").write_text("<p>{{ run.title }}</p>\n", encoding="utf-8")
    (folder / "text.j2").write_text("<p>Vorlage {{ template.title }}</p>\n", encoding="utf-8")
    return load_template(folder)
