"""Names with &, <, quotes, umlauts and emoji come out of the backup as well-formed XML holding exactly that text."""

from __future__ import annotations

import io
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

from lms_sync.blueprint import build_blueprint
from tests.blueprint_sample_template import TRICKY, write_sample_template


def test_every_file_is_well_formed_and_keeps_the_exact_text(tmp_path: Path) -> None:
    template = write_sample_template(tmp_path / "sample", text=TRICKY)
    with tarfile.open(fileobj=io.BytesIO(build_blueprint(template, 0).data), mode="r:gz") as tar:
        files = {m.name: tar.extractfile(m).read() for m in tar.getmembers() if m.name.endswith(".xml")}  # type: ignore[union-attr]
    parsed = {name: ET.fromstring(data) for name, data in files.items()}
    course = parsed["course/course.xml"]
    assert course.findtext("fullname") == f"Blueprint: {TRICKY}"
    section_names = [root.findtext("name") for name, root in parsed.items() if name.endswith("/section.xml")]
    assert TRICKY in section_names
    forum = next(root for name, root in parsed.items() if name.endswith("/forum.xml"))
    assert forum.findtext("forum/name") == TRICKY
    titles = [node.text for node in parsed["moodle_backup.xml"].iter("title")]
    assert titles.count(TRICKY) == 2  # the section and the forum
    items = {item.findtext("label"): item for item in parsed[next(n for n in parsed if n.endswith("/feedback.xml"))]
             .iter("item")}
    assert items["relevance"].findtext("name") == TRICKY
    assert TRICKY in items["channel"].findtext("presentation")


def test_html_texts_are_stored_as_html_with_the_template_title_escaped_once(tmp_path: Path) -> None:
    template = write_sample_template(tmp_path / "sample", text=TRICKY)
    with tarfile.open(fileobj=io.BytesIO(build_blueprint(template, 0).data), mode="r:gz") as tar:
        page = next(m for m in tar.getmembers() if m.name.endswith("/page.xml"))
        root = ET.fromstring(tar.extractfile(page).read())  # type: ignore[union-attr]
    assert root.findtext("page/content") == (
        "<p>Vorlage A &amp; B &lt;c&gt; &#34;quoted&#34; &#39;single&#39; Ärger über Straße 🎉</p>")


def test_control_characters_xml_cannot_carry_are_dropped(tmp_path: Path) -> None:
    template = write_sample_template(tmp_path / "sample", text="Bell\x07 and tab\tok")
    with tarfile.open(fileobj=io.BytesIO(build_blueprint(template, 0).data), mode="r:gz") as tar:
        course = ET.fromstring(tar.extractfile("course/course.xml").read())  # type: ignore[union-attr]
    assert course.findtext("fullname") == "Blueprint: Bell and tab\tok"
