"""The questionnaire in the built backup: every item survives as a mod_feedback item and reads back as the template's.

Items are parsed from the archive's feedback.xml, never compared as strings.
"""

from __future__ import annotations

import io
import tarfile
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.blueprint import build_blueprint, describe, shape_of
from lms_sync.cli import main
from lms_sync.templates import CourseTemplate
from tests.blueprint_sample_template import TRICKY, write_sample_template


def _feedback(template: CourseTemplate) -> ET.Element:
    with tarfile.open(fileobj=io.BytesIO(build_blueprint(template, 0).data), mode="r:gz") as tar:
        name = next(n for n in tar.getnames() if n.endswith("/feedback.xml"))
        return ET.fromstring(tar.extractfile(name).read()).find("feedback")  # type: ignore[union-attr]


@pytest.mark.parametrize("text", ["Kommune", TRICKY], ids=["plain", "special-characters"])
def test_items_round_trip_to_the_template_items(tmp_path: Path, text: str) -> None:
    template = write_sample_template(tmp_path / "sample", text=text)
    items = _feedback(template).find("items")
    read_back = [describe(item.findtext("typ"), item.findtext("name"), item.findtext("label"),
                          item.findtext("presentation"), item.findtext("required") == "1") for item in items]
    assert template.questionnaire is not None
    assert read_back == [shape_of(item) for item in template.questionnaire.items]
    assert [item.findtext("position") for item in items] == [str(n) for n in range(1, len(items) + 1)]


def test_items_use_moodles_presentation_formats(tmp_path: Path) -> None:
    items = {item.findtext("label") or item.findtext("typ"): item
             for item in _feedback(write_sample_template(tmp_path / "sample")).find("items")}
    assert items["pace"].findtext("typ") == "multichoicerated"
    assert items["pace"].findtext("presentation") == (
        "r>>>>>1####viel zu langsam|2####langsam|3####genau richtig|4####schnell|5####viel zu schnell")
    assert items["relevance"].findtext("presentation").startswith("r>>>>>1####trifft gar nicht zu|2####")
    assert items["channel"].findtext("presentation") == "r>>>>>Newsletter|Kommune und Zivilgesellschaft|Website"
    assert items["formats"].findtext("presentation") == "c>>>>>Präsenz|Online"
    assert items["open_remarks"].findtext("presentation") == "60|5"
    assert items["organisation"].findtext("presentation") == "30|255"
    assert (items["pagebreak"].findtext("presentation"), items["pagebreak"].findtext("hasvalue")) == ("", "0")
    assert (items["block_content"].findtext("typ"), items["block_content"].findtext("hasvalue")) == ("label", "0")
    assert [items[label].findtext("required") for label in ("relevance", "pace")] == ["1", "0"]


@pytest.mark.parametrize(("anonymous", "stored"), [(True, "1"), (False, "2")])
def test_anonymity_uses_moodles_values(tmp_path: Path, anonymous: bool, stored: str) -> None:
    assert _feedback(write_sample_template(tmp_path / "sample", anonymous=anonymous)).findtext("anonymous") == stored


def test_an_option_containing_moodles_separator_is_a_clear_input_error(tmp_path: Path) -> None:
    write_sample_template(tmp_path / "sample", text="ja | nein")
    result = CliRunner().invoke(main, ["blueprint", "build", str(tmp_path / "sample"), "-o", str(tmp_path / "x.mbz")])
    assert result.exit_code == 2
    assert "template.toml" in result.output and "'|'" in result.output
    assert not (tmp_path / "x.mbz").exists()
