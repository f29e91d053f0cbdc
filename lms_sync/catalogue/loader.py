"""Load the catalogue of workshop runs from one TOML file or a folder of them, with the participants CSVs they name.

Every problem is reported with file and line; a run with an error is skipped, the others are returned.
"""

from __future__ import annotations

import difflib
import re
import tomllib
from collections import defaultdict
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pydantic import ValidationError

from lms_sync.catalogue.local_time import parse_catalogue_time
from lms_sync.catalogue.model import (
    Catalogue,
    CatalogueProblem,
    Person,
    Session,
    SourceLocation,
    WorkshopRun,
    check_slug,
)
from lms_sync.catalogue.participants_csv import (
    ParticipantRow,
    parse_sector,
    read_participants_csv,
)
from lms_sync.catalogue.plausible_dates import far_from_today
from lms_sync.catalogue.problems import ProblemLog, describe_validation_error
from lms_sync.catalogue.toml_lines import RunLines, TableLines, scan_run_lines
from lms_sync.catalogue.validation import (
    TrainerEntry,
    check_group_size,
    check_participants,
    check_template,
    check_trainers,
)

RUN_KEYS = ("id", "template", "title", "start", "end", "participants", "session", "trainer")
SESSION_KEYS = ("start", "end", "place", "online_url", "title")
TRAINER_KEYS = ("email", "firstname", "lastname", "organisation", "sector")


class _RunReader:
    """Reads the `[[run]]` tables of one TOML file into `WorkshopRun`s, logging what is wrong where."""

    def __init__(
        self,
        file: Path,
        zone: ZoneInfo,
        template_capacity: Mapping[str, tuple[int, int]] | None,
        strict: bool,
    ) -> None:
        self.file = file
        self.zone = zone
        self.template_capacity = template_capacity
        self.strict = strict
        self.log = ProblemLog(file)
        self.today = datetime.now(zone)
        self._far_date_noted = False

    def read(self, raw: Any, lines: RunLines) -> WorkshopRun | None:
        run_id = raw.get("id") if isinstance(raw, dict) else None
        self.log.start_run(run_id if isinstance(run_id, str) else None)
        self._far_date_noted = False  # one warning per run: a whole run dated years ago would repeat it per session
        if not isinstance(raw, dict):
            self.log.error(lines.header, "each run must be a [[run]] table")
            return None
        self._check_keys(raw, RUN_KEYS, lines, "[[run]]")
        self._check_slug_key(raw, "id", lines)
        self._check_slug_key(raw, "template", lines)
        sessions = [
            session
            for index, entry in enumerate(self._table_list(raw, "session", lines))
            if (session := self._session(entry, lines.sub_table("session", index))) is not None
        ]
        sessions.sort(key=lambda session: session.start)
        trainers = [
            trainer
            for index, entry in enumerate(self._table_list(raw, "trainer", lines))
            if (trainer := self._trainer(entry, lines.sub_table("trainer", index))) is not None
        ]
        if "trainer" not in raw:
            self.log.warning(lines.header, "the run has no trainer; add a [[run.trainer]] table with email, firstname, lastname")
        check_trainers(trainers, self.log)
        csv_path, rows = self._participants(raw, lines)
        if csv_path is not None:
            check_participants(rows, csv_path, trainers, self.log)
        start, end = self._run_span(raw, lines, sessions)
        self._check_template_and_size(raw, lines, len(rows))
        if self.log.current_run_failed or start is None or end is None:
            return None
        try:
            return WorkshopRun(
                id=raw["id"],
                template=raw["template"],
                title=raw.get("title"),
                start=start,
                end=end,
                sessions=sessions,
                trainers=[entry.trainer for entry in trainers],
                participants=[row.participant for row in rows],
                participants_csv=csv_path,
                source=SourceLocation(file=self.file, line=lines.header),
            )
        except ValidationError as exc:
            self.log.error(self._line_of_error(exc, lines, fallback="end"), describe_validation_error(exc))
            return None

    def _check_keys(self, raw: dict[str, Any], known: tuple[str, ...], table: TableLines, where: str) -> bool:
        """Log each unknown key with a suggestion; True when all keys are known."""
        unknown = [key for key in raw if key not in known]
        for key in unknown:
            close = difflib.get_close_matches(key, known, n=1)
            hint = f" (did you mean {close[0]!r}?)" if close else ""
            self.log.error(table.of(key), f"unknown key {key!r} in {where}{hint}; known keys: {', '.join(known)}")
        return not unknown

    def _check_slug_key(self, raw: dict[str, Any], key: str, lines: RunLines) -> None:
        value = raw.get(key)
        if value is None:
            example = "kvz-2027-01" if key == "id" else "kommune-zivilgesellschaft"
            self.log.error(lines.header, f"the run has no {key}; add {key} = \"{example}\"")
            return
        try:
            check_slug(value if isinstance(value, str) else repr(value), key)
        except ValueError as exc:
            self.log.error(lines.of(key), str(exc))

    def _table_list(self, raw: dict[str, Any], key: str, lines: RunLines) -> list[Any]:
        value = raw.get(key, [])
        if isinstance(value, list):
            return value
        self.log.error(lines.of(key), f"{key} must be written as [[run.{key}]] tables (double brackets), one per {key}")
        return []

    def _time(self, raw: dict[str, Any], key: str, table: TableLines) -> datetime | None:
        if key not in raw:
            self.log.error(table.header, f"missing {key}; add {key} = \"2027-03-04 09:30\" (local time, {self.zone.key})")
            return None
        try:
            result = parse_catalogue_time(raw[key], self.zone)
        except (ValueError, TypeError) as exc:
            self.log.error(table.of(key), f"{key}: {exc}")
            return None
        if result.ambiguity_note:
            self.log.warning(table.of(key), f"{key}: {result.ambiguity_note}")
        far = far_from_today(result.value, self.today)
        if far is not None and far[0] == "error":
            self.log.error(table.of(key), f"{key}: {far[1]}")
            return None
        if far is not None and not self._far_date_noted:
            self._far_date_noted = True
            self.log.warning(table.of(key), f"{key}: {far[1]}")
        return result.value

    def _session(self, raw: Any, table: TableLines) -> Session | None:
        if not isinstance(raw, dict):
            self.log.error(table.header, "each session must be a [[run.session]] table with start and end")
            return None
        keys_known = self._check_keys(raw, SESSION_KEYS, table, "[[run.session]]")
        start, end = self._time(raw, "start", table), self._time(raw, "end", table)
        if start is None or end is None:
            return None
        if keys_known and not raw.get("place") and not raw.get("online_url"):
            self.log.warning(table.header, "the session has neither place nor online_url; add where it takes place")
        fields = {key: raw[key] for key in ("place", "online_url", "title") if key in raw}
        try:
            return Session(start=start, end=end, **fields)
        except ValidationError as exc:
            self.log.error(self._line_of_error(exc, table, fallback="end"), describe_validation_error(exc))
            return None

    def _trainer(self, raw: Any, table: TableLines) -> TrainerEntry | None:
        if not isinstance(raw, dict):
            self.log.error(table.header, "each trainer must be a [[run.trainer]] table with email, firstname, lastname")
            return None
        self._check_keys(raw, TRAINER_KEYS, table, "[[run.trainer]]")
        fields = {key: raw[key] for key in TRAINER_KEYS if key in raw}
        try:
            if isinstance(fields.get("sector"), str):
                fields["sector"] = parse_sector(fields["sector"])
            return TrainerEntry(Person(**fields), table.header)
        except ValidationError as exc:
            self.log.error(self._line_of_error(exc, table, fallback="email"), describe_validation_error(exc))
        except ValueError as exc:
            self.log.error(table.of("sector"), str(exc))
        return None

    def _participants(self, raw: dict[str, Any], lines: RunLines) -> tuple[Path | None, list[ParticipantRow]]:
        relative = raw.get("participants")
        if relative is None:
            return None, []
        if not isinstance(relative, str):
            self.log.error(lines.of("participants"), "participants must be a path to a CSV file, in quotes")
            return None, []
        csv_path = self.file.parent / relative
        if not csv_path.is_file():
            self.log.error(
                lines.of("participants"),
                f"participants file {relative!r} not found (looked for {csv_path}); "
                "the path is relative to this TOML file",
            )
            return None, []
        participants_file = read_participants_csv(csv_path)
        self.log.adopt(participants_file.problems)
        return csv_path, participants_file.rows

    def _check_template_and_size(self, raw: dict[str, Any], lines: RunLines, count: int) -> None:
        template = raw.get("template")
        if self.template_capacity is None or not isinstance(template, str):
            return
        check_template(template, lines.of("template"), self.template_capacity, self.log)
        # A run that already failed is skipped anyway, and its head count may be off because of rejected rows.
        if template in self.template_capacity and not self.log.current_run_failed:
            line = lines.of("participants")
            check_group_size(count, self.template_capacity[template], line, self.log, strict=self.strict)

    def _run_span(
        self, raw: dict[str, Any], lines: RunLines, sessions: list[Session]
    ) -> tuple[datetime | None, datetime | None]:
        """The run's own start/end when given, else those of its first and last session."""
        if not sessions and ("start" not in raw or "end" not in raw):
            if raw.get("session"):
                return None, None  # the sessions were declared and their errors are already logged
            self.log.error(
                lines.header,
                "the run has no sessions and no start/end; add [[run.session]] tables with start and end",
            )
            return None, None
        start = self._time(raw, "start", lines) if "start" in raw else sessions[0].start
        end = self._time(raw, "end", lines) if "end" in raw else max(session.end for session in sessions)
        return start, end

    @staticmethod
    def _line_of_error(error: ValidationError, table: TableLines, *, fallback: str) -> int:
        location = error.errors()[0]["loc"]
        return table.of(str(location[0])) if location else table.of(fallback)


def _catalogue_files(path: Path) -> tuple[list[Path], list[CatalogueProblem]]:
    if path.is_dir():
        files = sorted(path.glob("*.toml"))
        if files:
            return files, []
        return [], [CatalogueProblem(file=path, message="the folder holds no *.toml catalogue files; add one")]
    if path.is_file():
        return [path], []
    return [], [CatalogueProblem(
        file=path, message="catalogue not found; give a TOML file or a folder of them with --catalogue or in the config",
    )]


def _parse_toml(file: Path) -> tuple[dict[str, Any] | None, str, CatalogueProblem | None]:
    try:
        text = file.read_text(encoding="utf-8-sig")
        return tomllib.loads(text), text, None
    except UnicodeDecodeError:
        return None, "", CatalogueProblem(file=file, message="is not UTF-8 text; save it as UTF-8")
    except tomllib.TOMLDecodeError as exc:
        position = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        return None, "", CatalogueProblem(
            file=file,
            line=int(position.group(1)) if position else None,
            message=f"is not valid TOML: {exc}; fix the syntax (quotes around text, [[run]] headers)",
        )


def _read_file(
    file: Path, zone: ZoneInfo, template_capacity: Mapping[str, tuple[int, int]] | None, strict: bool
) -> tuple[list[WorkshopRun], list[tuple[str, SourceLocation]], list[CatalogueProblem]]:
    """Runs that passed, (id, location) of every run table that names an id, and the problems."""
    data, text, problem = _parse_toml(file)
    if data is None:
        return [], [], [problem] if problem else []
    reader = _RunReader(file, zone, template_capacity, strict)
    for key in data:
        if key != "run":
            reader.log.error(None, f"unknown top-level key {key!r}; a catalogue holds only [[run]] tables")
    entries = data.get("run", [])
    if not isinstance(entries, list):
        reader.log.error(None, "write each run as a [[run]] table (double brackets)")
        entries = []
    scanned = scan_run_lines(text)
    runs: list[WorkshopRun] = []
    declared_ids: list[tuple[str, SourceLocation]] = []
    for index, entry in enumerate(entries):
        lines = scanned[index] if index < len(scanned) else RunLines(header=1)
        if isinstance(entry, dict) and isinstance(entry.get("id"), str):
            declared_ids.append((entry["id"], SourceLocation(file=file, line=lines.of("id"))))
        run = reader.read(entry, lines)
        if run is not None:
            runs.append(run)
    return runs, declared_ids, reader.log.problems


def _duplicate_id_problems(declared_ids: list[tuple[str, SourceLocation]]) -> tuple[set[str], list[CatalogueProblem]]:
    locations_of: dict[str, list[SourceLocation]] = defaultdict(list)
    for run_id, location in declared_ids:
        locations_of[run_id].append(location)
    duplicates = {run_id for run_id, locations in locations_of.items() if len(locations) > 1}
    problems = [
        CatalogueProblem(
            file=location.file,
            line=location.line,
            run_id=run_id,
            message=(
                f"run id {run_id!r} is defined more than once (also at "
                f"{', '.join(str(other) for other in locations_of[run_id] if other != location)}); "
                "give each run its own id — all runs with this id are skipped"
            ),
        )
        for run_id in sorted(duplicates)
        for location in locations_of[run_id]
    ]
    return duplicates, problems


def load_catalogue(
    path: Path,
    *,
    timezone: str = "Europe/Berlin",
    template_capacity: Mapping[str, tuple[int, int]] | None = None,
    strict: bool = False,
) -> Catalogue:
    """Load every run in `path` (a TOML file, or all *.toml in a folder, sorted).

    `template_capacity` maps known template slugs to (min, max) participants; without it templates and group sizes
    are not checked. Local times are read in `timezone`. `strict` turns group-size warnings into errors.
    """
    zone = ZoneInfo(timezone)
    files, problems = _catalogue_files(Path(path))
    runs: list[WorkshopRun] = []
    declared_ids: list[tuple[str, SourceLocation]] = []
    for file in files:
        file_runs, file_ids, file_problems = _read_file(file, zone, template_capacity, strict)
        runs += file_runs
        declared_ids += file_ids
        problems += file_problems
    duplicates, duplicate_problems = _duplicate_id_problems(declared_ids)
    return Catalogue(
        runs=[run for run in runs if run.id not in duplicates],
        problems=problems + duplicate_problems,
    )

