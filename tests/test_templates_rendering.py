"""Rendering template texts: run data is escaped in HTML files, plain in one-line patterns, and strict everywhere."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from jinja2 import UndefinedError

from lms_sync.templates import SAMPLE_RUN, date_de, load_template, render, render_pattern
from tests.templates_helpers import BUNDLED_ROOT, BUNDLED_SLUG

TEMPLATE = load_template(BUNDLED_ROOT / BUNDLED_SLUG)
HOSTILE_RUN = dataclasses.replace(SAMPLE_RUN, title='<script>alert("x")</script> Kommune & Verwaltung')


def test_run_data_is_html_escaped_in_files() -> None:
    summary = render(TEMPLATE, TEMPLATE.summary_file, run=HOSTILE_RUN)
    welcome = render(TEMPLATE, TEMPLATE.welcome_post.message_file, run=HOSTILE_RUN)
    for html in (summary, welcome):
        assert "<script>" not in html
    assert "&lt;script&gt;" in welcome and "Kommune &amp; Verwaltung" in welcome


def test_trainer_names_are_escaped_too() -> None:
    trainer = dataclasses.replace(SAMPLE_RUN.trainers[0], name="Anna <b>Fett</b> & Co")
    run = dataclasses.replace(SAMPLE_RUN, trainers=(trainer,))
    assert "Anna &lt;b&gt;Fett&lt;/b&gt; &amp; Co" in render(TEMPLATE, TEMPLATE.summary_file, run=run)


def test_patterns_are_plain_one_line_text() -> None:
    assert render_pattern(TEMPLATE, TEMPLATE.shortname_pattern, run=SAMPLE_RUN) == "KVZ-2026-03-berlin"
    fullname = render_pattern(TEMPLATE, TEMPLATE.fullname_pattern, run=HOSTILE_RUN)
    assert fullname == '<script>alert("x")</script> Kommune & Verwaltung (27.03.2026)'
    assert render_pattern(TEMPLATE, "  Kleingruppe\n {{ n }} ", n=3) == "Kleingruppe 3"


def test_event_text_follows_the_session_kind() -> None:
    on_site, online = SAMPLE_RUN.sessions
    on_site_text = render(TEMPLATE, "termin.j2", run=SAMPLE_RUN, session=on_site, session_number=1)
    online_text = render(TEMPLATE, "termin.j2", run=SAMPLE_RUN, session=online, session_number=2)
    assert "Haus der Demokratie" in on_site_text and "Termin 1 von 2" in on_site_text
    assert 'href="https://meet.example.org/kvz-2026-03"' in online_text and "Haus der Demokratie" not in online_text
    assert "Freitag, 27. März 2026, 09:30–16:30 Uhr" in on_site_text


def test_unknown_variables_fail_instead_of_rendering_empty() -> None:
    with pytest.raises(UndefinedError):
        render(TEMPLATE, TEMPLATE.summary_file)
    with pytest.raises(UndefinedError):
        render_pattern(TEMPLATE, "{{ run.nummer }}", run=SAMPLE_RUN)


def test_blueprint_texts_render_without_a_run() -> None:
    page = render(TEMPLATE, "aktivitaeten/lernen_durch_handeln_inhalt.j2")
    assert "8 bis 12 Personen" in page and "Konflikte bearbeiten" in page


def test_german_dates_do_not_depend_on_the_locale() -> None:
    assert date_de(SAMPLE_RUN.sessions[1].start) == "Montag, 30. März 2026"


def test_rendering_reads_the_template_folder(tmp_path: Path) -> None:
    (tmp_path / "t.j2").write_text("Hallo {{ name }}!\n", encoding="utf-8")
    template = TEMPLATE.model_copy(update={"path": tmp_path})
    assert render(template, "t.j2", name="Ä & Ö") == "Hallo Ä &amp; Ö!"
