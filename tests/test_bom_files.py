"""A UTF-8 byte-order mark (Windows Notepad, Excel) is accepted in every TOML file users edit: the settings, course
templates, the competency framework and the catalogue."""

from __future__ import annotations

import codecs
import shutil
from pathlib import Path

from lms_sync.config import load_settings
from lms_sync.templates.loader import validate_templates

REPO = Path(__file__).resolve().parents[1]


def with_bom(path: Path) -> None:
    path.write_bytes(codecs.BOM_UTF8 + path.read_bytes())


def test_settings_with_a_bom_load(tmp_path):
    config = tmp_path / "lms-sync.toml"
    config.write_text('[moodle]\nurl = "https://moodle.example.org"\n', encoding="utf-8")
    with_bom(config)
    assert load_settings(config, environ={}).moodle.url == "https://moodle.example.org"


def test_templates_and_the_competency_framework_with_a_bom_validate(tmp_path):
    templates = shutil.copytree(REPO / "course_templates", tmp_path / "course_templates")
    for manifest in [*templates.glob("*/template.toml"), *templates.glob("competencies/*.toml")]:
        with_bom(manifest)
    assert validate_templates(templates) == []
