"""`lms-sync blueprint build` through the command line: the file, its name, reproducibility and input errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from lms_sync.cli import main
from tests.blueprint_sample_template import write_sample_template


@pytest.fixture
def template_dir(tmp_path: Path) -> Path:
    write_sample_template(tmp_path / "templates" / "sample")
    return tmp_path / "templates" / "sample"


def test_build_writes_the_backup_and_says_how_to_restore_it(tmp_path: Path, template_dir: Path) -> None:
    out = tmp_path / "bp.mbz"
    result = CliRunner().invoke(main, ["blueprint", "build", str(template_dir), "-o", str(out), "--timestamp", "0"])
    assert result.exit_code == 0, result.output
    assert out.read_bytes()[:2] == b"\x1f\x8b"
    assert "admin/cli/restore_backup.php" in result.output and "5 activities, 8 questionnaire items" in result.output


def test_build_by_slug_uses_moodles_file_name_and_is_reproducible(tmp_path: Path, template_dir: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "lms-sync.toml").write_text('[catalogue]\ntemplates_dir = "templates"\n', encoding="utf-8")
    runner = CliRunner()
    first = runner.invoke(main, ["blueprint", "build", "sample", "--timestamp", "1767225600"])
    assert first.exit_code == 0, first.output
    written = tmp_path / "backup-moodle2-course-2-bp-sample-v1-20260101-0000.mbz"
    data = written.read_bytes()
    assert runner.invoke(main, ["blueprint", "build", "sample", "--timestamp", "1767225600"]).exit_code == 0
    assert written.read_bytes() == data


def test_unknown_template_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["blueprint", "build", "nope"])
    assert result.exit_code == 2
    assert "no template 'nope'" in result.output


def test_invalid_template_lists_its_problems(template_dir: Path) -> None:
    manifest = template_dir / "template.toml"
    manifest.write_text(manifest.read_text(encoding="utf-8").replace('type = "label"', 'type = "quiz"'),
                        encoding="utf-8")
    result = CliRunner().invoke(main, ["blueprint", "build", str(template_dir)])
    assert result.exit_code == 2
    assert "template.toml:" in result.output and "Traceback" not in result.output
