"""`lms-sync init`: writes a commented starter `lms-sync.toml` so a new admin edits values instead of guessing keys.

The starter text is a jinja2 template; it never contains a token, only where to put one.
"""

from __future__ import annotations

from pathlib import Path

import click

from lms_sync.cli.app import InputError, main
from lms_sync.cli.output import emit_json, json_option
from lms_sync.rendering import render_text


@main.command("init")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path), default=Path("lms-sync.toml"))
@click.option("--moodle-url", default="https://moodle.example.org", show_default=True, help="The Moodle site's address.")
@click.option("--force", is_flag=True, help="Overwrite an existing file.")
@json_option
def init_command(path: Path, moodle_url: str, force: bool, as_json: bool) -> None:
    """Write a commented starter config to PATH (default ./lms-sync.toml)."""
    if path.exists() and not force:
        raise InputError(f"{path} already exists; edit it, or pass --force to overwrite it")
    try:
        path.write_text(render_text("lms-sync.toml.j2", moodle_url=moodle_url), encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot write {path} ({exc.strerror}): create the folder {path.parent} first, "
                         "or give another path") from None
    if as_json:
        emit_json({"written": [str(path)], "next": "set moodle.url and moodle.token_file, then run `lms-sync check`"})
        return
    click.echo(f"wrote {path}: set moodle.url and put the token in the file named by moodle.token_file, "
               "then run `lms-sync check`")
