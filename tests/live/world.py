"""A small world of its own for a push test on a shared site: a copy of the bundled template, one run, few people.

The template copy has its own category path, blueprint idnumber (tag) and capacity (from 2); each run its own id
and e-mail addresses.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from click.testing import CliRunner

from lms_sync.cli import main
from tests.live.site import LiveMoodle

REPO = Path(__file__).resolve().parents[2]
TEMPLATE = "kommune-zivilgesellschaft"
SECTORS = ("Verwaltung", "Zivilgesellschaft")


@dataclass(frozen=True)
class Templates:
    """The template copy: `dir` holds it as `TEMPLATE`; its blueprint has `blueprint_idnumber`."""

    dir: Path
    tag: str

    @property
    def blueprint_idnumber(self) -> str:
        return f"blueprint-live-{self.tag}"


def copy_template(root: Path, tag: str) -> Templates:
    """The bundled template under root/templates, made unique by `tag`, in the site's language and without
    competencies (the site-wide framework is another test's business)."""
    target = root / "templates" / TEMPLATE
    shutil.copytree(REPO / "course_templates" / TEMPLATE, target)
    manifest = target / "template.toml"
    text = manifest.read_text(encoding="utf-8")
    text = text.replace('language = "de"', 'language = "en"')  # the live site has English only
    text = re.sub(r"^min = \d+$", "min = 2", text, count=1, flags=re.M)  # [capacity]: small runs keep CI short
    text = re.sub(r"^category_path = .*$", f'category_path = ["Live {tag}", "Kommune"]', text, flags=re.M)
    text = text.replace('idnumber = "blueprint-kommune-zivilgesellschaft-v1"', f'idnumber = "blueprint-live-{tag}"')
    text = text.replace('shortname = "BP-KVZ-v1"', f'shortname = "BP-LIVE-{tag}"')
    manifest.write_text(text[:text.index("[competencies]")], encoding="utf-8")
    return Templates(root / "templates", tag)


def write_catalogue(root: Path, run_id: str, participants: int = 5) -> Path:
    """root/catalogue: one run `run_id` of two sessions, one trainer and `participants` people (mixed sectors)."""
    catalogue = root / "catalogue"
    (catalogue / "participants").mkdir(parents=True)
    (catalogue / "runs.toml").write_text(
        f'[[run]]\nid = "{run_id}"\ntemplate = "{TEMPLATE}"\ntitle = "Live {run_id}"\n'
        f'participants = "participants/{run_id}.csv"\n\n'
        '[[run.session]]\ntitle = "Tag 1"\nstart = "2027-10-28 09:30"\nend = "2027-10-28 16:30"\nplace = "Raum 1"\n\n'
        '[[run.session]]\ntitle = "Tag 2"\nstart = "2027-10-29 09:00"\nend = "2027-10-29 15:30"\nplace = "Raum 1"\n\n'
        f'[[run.trainer]]\nemail = "trainer-{run_id}@example.org"\nfirstname = "Tina"\nlastname = "Trainer"\n'
        'organisation = "BIP"\n', encoding="utf-8")
    rows = [f'"Person{n}, Vorname{n}",p{n}-{run_id}@example.org,Org {n},{SECTORS[n % 2]},'
            for n in range(1, participants + 1)]
    (catalogue / "participants" / f"{run_id}.csv").write_text(
        "Name,E-Mail,Institution,Sektor,Beratung\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return catalogue


def write_config(folder: Path, url: str, token_file: Path, catalogue: Path, templates: Templates) -> Path:
    """folder/lms-sync.toml: the site, the catalogue and templates, records in folder; push creates missing accounts."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "lms-sync.toml"
    config.write_text(
        f'[moodle]\nurl = "{url}"\ntoken_file = "{token_file}"\nretries = 0\n\n'
        f'[catalogue]\npath = "{catalogue}"\ntemplates_dir = "{templates.dir}"\n\n'
        f'[records]\nurl = "sqlite:///{folder / "records.db"}"\n\n'
        '[push]\ncreate_missing_users = true\n', encoding="utf-8")
    return config


def restore_blueprint(live: LiveMoodle, templates: Templates) -> int:
    """Build the blueprint .mbz, restore it with Moodle's own restore_backup.php, adopt it; the new course's id."""
    mbz = templates.dir.parent / "blueprint.mbz"
    built = CliRunner().invoke(main, ["blueprint", "build", str(templates.dir / TEMPLATE), "-o", str(mbz)])
    assert built.exit_code == 0, built.output
    restored = live.admin_cli("restore_backup.php", f"--file={mbz}", "--categoryid=1")
    found = re.search(r"Restored course ID: (\d+)", restored.stdout)
    assert found, restored.stdout + restored.stderr
    course_id = int(found.group(1))
    # The real restore empties a foreign backup's idnumber; until lms-sync adopts the course itself, we do it.
    live.ws("core_course_update_courses", courses=[{"id": course_id, "idnumber": templates.blueprint_idnumber}])
    return course_id
