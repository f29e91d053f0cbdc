"""A copy of the bundled templates and example catalogue whose every site-wide name is this test's own.

Run ids, the blueprint, the top category and the competency framework get a unique tag, so tests share one site.
"""

from __future__ import annotations

import re
import shutil
import uuid
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner, Result

from lms_sync.cli import main
from tests.live.site import LiveMoodle

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "kommune-zivilgesellschaft"
LEVELS = "noch nicht,in Ansätzen,weitgehend,sicher"


@dataclass
class Workspace:
    root: Path
    tag: str
    config: Path

    @property
    def template_dir(self) -> Path:
        return self.root / "course_templates" / TEMPLATE

    @property
    def catalogue(self) -> Path:
        return self.root / "catalogue"

    @property
    def top_category(self) -> str:
        return f"Workshops {self.tag}"

    @property
    def blueprint_idnumber(self) -> str:
        return f"blueprint-kommune-zivilgesellschaft-v1-{self.tag}"

    @property
    def blueprint_shortname(self) -> str:
        return f"BP-KVZ-{self.tag}"

    @property
    def framework_idnumber(self) -> str:
        return f"bip-kompetenzen-beteiligung-{self.tag}"

    def run_id(self, number: int) -> str:
        return f"kvz-{self.tag}-{number:02d}"

    def course_idnumber(self, number: int) -> str:
        return f"lms-sync-{self.run_id(number)}"

    def cli(self, *args: str) -> Result:
        return CliRunner().invoke(main, ["--config", str(self.config), *args], catch_exceptions=False)

    def set_template(self, old: str, new: str) -> None:
        _replace(self.template_dir / "template.toml", [(old, new)])

    def set_config(self, text: str) -> None:
        with self.config.open("a", encoding="utf-8") as config:
            config.write(text)


def _replace(path: Path, pairs: list[tuple[str, str]]) -> None:
    text = path.read_text(encoding="utf-8")
    for old, new in pairs:
        assert old in text, f"{path}: {old!r} not found"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def make_workspace(root: Path, tag: str, site: LiveMoodle, *, runs: tuple[int, ...] = (1, 2, 3)) -> Workspace:
    """Templates, catalogue (only `runs` of the example's three) and lms-sync.toml under `root`."""
    shutil.copytree(REPO / "course_templates", root / "course_templates")
    shutil.copytree(REPO / "examples" / "catalogue", root / "catalogue")
    ws = Workspace(root, tag, root / "lms-sync.toml")
    _replace(ws.template_dir / "template.toml", [
        ('idnumber = "blueprint-kommune-zivilgesellschaft-v1"', f'idnumber = "{ws.blueprint_idnumber}"'),
        ('shortname = "BP-KVZ-v1"', f'shortname = "{ws.blueprint_shortname}"'),
        ('category_path = ["Workshops",', f'category_path = ["{ws.top_category}",'),
        ('framework = "bip-kompetenzen-beteiligung"', f'framework = "{ws.framework_idnumber}"'),
    ])
    _replace(root / "course_templates" / "competencies" / "bip-kompetenzen-beteiligung.toml", [
        ('idnumber = "bip-kompetenzen-beteiligung"', f'idnumber = "{ws.framework_idnumber}"'),
        ('shortname = "BIP Kompetenzen Beteiligung"', f'shortname = "BIP Kompetenzen Beteiligung {tag}"'),
    ])
    for toml in ws.catalogue.glob("*.toml"):
        _replace(toml, [('id = "kvz-2027-', f'id = "kvz-{tag}-')])
    fullname = _template_value(ws.template_dir / "template.toml", "fullname")
    ws.set_template(f'fullname = "{fullname}"', f'fullname = "{fullname} {tag}"')
    _keep_runs(ws, runs)
    ws.config.write_text(
        f'[moodle]\nurl = "{site.url}"\ntoken_file = "{site.token_file}"\n\n'
        f'[records]\nurl = "sqlite:///{root / "records.db"}"\n\n'
        f'[catalogue]\npath = "{ws.catalogue}"\ntemplates_dir = "{root / "course_templates"}"\n\n'
        "[push]\ncreate_missing_users = true\n",
        encoding="utf-8",
    )
    return ws


def _template_value(path: Path, key: str) -> str:
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith(f"{key} = "):
            return line.split("=", 1)[1].strip().strip('"')
    raise AssertionError(f"{path}: no {key}")


def _keep_runs(ws: Workspace, runs: tuple[int, ...]) -> None:
    """Drop the example's runs not in `runs` (each catalogue file holds whole [[run]] blocks)."""
    for toml in ws.catalogue.glob("*.toml"):
        blocks = toml.read_text(encoding="utf-8").split("\n[[run]]\n")
        kept = [blocks[0]] + [b for b in blocks[1:] if any(f'id = "{ws.run_id(n)}"' in b for n in runs)]
        toml.write_text("\n[[run]]\n".join(kept), encoding="utf-8")


def make_scale(site: LiveMoodle, tag: str) -> int:
    """A site-wide scale with the framework's four levels (as an admin makes it under Grades › Scales)."""
    return int(site.php(f"""
        return $DB->insert_record('scale', ['courseid' => 0, 'userid' => 2, 'name' => 'Kompetenzstufen {tag}',
            'scale' => '{LEVELS}', 'description' => '', 'descriptionformat' => 1, 'timemodified' => time()]);
    """))


def make_top_category(site: LiveMoodle, name: str) -> int:
    """A top-level category without idnumber, as institutes' sites already have."""
    [created] = site.ws("core_course_create_categories", categories=[{"name": name, "parent": 0}])
    return int(created["id"])


def restore_blueprint(ws: Workspace, site: LiveMoodle) -> int:
    """`blueprint build`, then Moodle's own admin/cli/restore_backup.php into Miscellaneous; the new course's id."""
    mbz = ws.root / "blueprint.mbz"
    built = ws.cli("blueprint", "build", str(ws.template_dir), "-o", str(mbz))
    assert built.exit_code == 0, built.output
    restored = site.admin_cli("restore_backup.php", f"--file={mbz}", "--categoryid=1")
    assert restored.returncode == 0, restored.stdout + restored.stderr
    found = re.search(r"Restored course ID: (\d+)", restored.stdout)
    assert found, restored.stdout
    return int(found.group(1))


def install_language(site: LiveMoodle, lang: str, name: str) -> None:
    """The smallest language pack Moodle accepts (its langconfig.php in the data root), as an admin would add one."""
    site.php(f"""
        check_dir_exists("$CFG->dataroot/lang/{lang}");
        file_put_contents("$CFG->dataroot/lang/{lang}/langconfig.php",
            "<?php\\n\\$string['thislanguage'] = '{name}';\\n\\$string['parentlanguage'] = '';\\n");
        get_string_manager()->reset_caches();
        return true;
    """)


def ready_workspace(root: Path, site: LiveMoodle, *, runs: tuple[int, ...] = (1,)) -> Workspace:
    """A workspace whose runs push can build at once: the German pack, a competency scale, the blueprint restored
    and adopted."""
    ws = make_workspace(root, uuid.uuid4().hex[:8], site, runs=runs)
    install_language(site, "de", "Deutsch")
    ws.set_config(f"competency_scale_id = {make_scale(site, ws.tag)}\n")
    restore_blueprint(ws, site)
    adopted = ws.cli("blueprint", "adopt", str(ws.template_dir))
    assert adopted.exit_code == 0, adopted.output
    return ws
