"""`lms-sync check`: one call that tells whether the site, the token and its service are ready for lms-sync.

Exit 0 when every command can run, 3 when functions are missing or the site/token does not answer.
"""

from __future__ import annotations

import json

import click

from lms_sync.check import SUPPORTED_RELEASES, check_site
from lms_sync.cli.app import AppContext, main, pass_app
from lms_sync.cli.output import json_option
from lms_sync.exit_codes import ExitCode
from lms_sync.moodle.functions import all_required_functions
from lms_sync.rendering import render_text
from lms_sync.workspace import WorkspaceError, load_workspace

CHECK_SECONDS = 12.0
"""the longest `check` waits for the site, retries included: it must answer soon, also against a dead server"""


def _run_courses(app: AppContext) -> list[str]:
    """The catalogue's course idnumbers if it loads, else none: check works without any catalogue."""
    try:
        return [course.idnumber for course in load_workspace(app.settings).courses]
    except WorkspaceError:
        return []


@main.command("check")
@json_option
@pass_app
def check_command(app: AppContext, as_json: bool) -> None:
    """Check the Moodle site, the token's user and the functions its service allows."""
    client = app.moodle()
    client.limit_time(CHECK_SECONDS)
    report = check_site(client, app.settings.catalogue.timezone, _run_courses(app), app.settings.push.teacher_role_id)
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        click.echo(render_text("check.txt.j2", report=report, supported=SUPPORTED_RELEASES,
                               total=len(all_required_functions())), nl=False)
    if not report.ok:
        raise SystemExit(int(ExitCode.MOODLE_UNAVAILABLE))
