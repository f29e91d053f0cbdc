"""Per-run settings push plans from the template: accounts in the catalogue's zone and language, activity dates.

Through `load_workspace` and `diff`, the path `plan` and `push` take.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from lms_sync.config import PushSettings, Settings
from lms_sync.push.observed import ObservedSite
from lms_sync.push.plan import diff
from lms_sync.workspace import load_workspace

REPO = Path(__file__).resolve().parents[1]
BERLIN = ZoneInfo("Europe/Berlin")


def _courses(zone: str = "Europe/Berlin"):
    settings = Settings()
    settings.catalogue.templates_dir = REPO / "course_templates"
    settings.catalogue.timezone = zone
    return load_workspace(settings, catalogue=REPO / "examples" / "catalogue").courses


def test_accounts_lms_sync_creates_get_the_catalogues_zone_and_the_templates_language():
    plan = diff(_courses("Europe/Vienna"), ObservedSite(), PushSettings(create_missing_users=True))
    assert plan.users
    assert {(c.fields["timezone"], c.fields["lang"]) for c in plan.users} == {("Europe/Vienna", "de")}


def test_dates_follow_the_templates_rules_for_the_first_example_run():
    course = next(c for c in _courses() if c.run_id == "kvz-2027-01")
    dates = {(d.activity, d.eventtype): datetime.fromtimestamp(d.timestamp, BERLIN) for d in course.dates}
    assert dates == {
        # sessions: 4 Mar 09:30, 5 Mar 09:00, 8 Apr 14:00–16:00 (online)
        ("Akteurslandkarte meiner Kommune", "due"): datetime(2027, 3, 3, 23, 59, tzinfo=BERLIN),
        ("Rollenspiel vorbereiten: Bürgerversammlung zum Quartiersplatz", "due"):
            datetime(2027, 3, 4, 23, 59, tzinfo=BERLIN),
        ("Lerntagebuch: Mein Transfer in den Arbeitsalltag", "due"): datetime(2027, 4, 22, 23, 59, tzinfo=BERLIN),
        ("Evaluation des Workshops", "open"): datetime(2027, 4, 8, 18, 0, tzinfo=BERLIN),
        ("Evaluation des Workshops", "close"): datetime(2027, 4, 22, 23, 59, tzinfo=BERLIN),
    }
