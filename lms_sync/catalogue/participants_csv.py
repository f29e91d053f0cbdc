"""Read a run's participants CSV the way people really export it: Excel's semicolons and BOM, German column names.

Each problem names the CSV file and the physical line; the caller decides what a problem means for the run.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError

from lms_sync.catalogue.model import CatalogueProblem, Participant, Sector
from lms_sync.catalogue.problems import describe_validation_error

COLUMN_ALIASES: dict[str, tuple[str, ...]] = {
    "email": ("email", "e-mail", "mail", "e-mail-adresse", "emailadresse", "email address", "mailadresse"),
    "firstname": ("firstname", "first name", "vorname", "given name"),
    "lastname": ("lastname", "last name", "nachname", "surname", "familienname"),
    "name": ("name", "full name", "vollständiger name", "teilnehmer", "teilnehmerin", "teilnehmende"),
    "organisation": ("organisation", "organization", "institution", "einrichtung", "träger", "behörde"),
    "sector": ("sektor", "sector", "bereich"),
    "consultation_opt_in": (
        "consultation", "consultation opt-in", "consultation_opt_in", "beratung", "kompetenzberatung",
    ),
}

REQUIRED_COLUMNS_HINT = (
    "the header row needs E-Mail, Vorname and Nachname (or one Name column) and Sektor; Organisation and "
    "Kompetenzberatung are optional (English names such as email, firstname, lastname, sector work too)"
)

SECTOR_ALIASES: dict[str, Sector] = {
    "verwaltung": Sector.ADMINISTRATION,
    "administration": Sector.ADMINISTRATION,
    "zivilgesellschaft": Sector.CIVIL_SOCIETY,
    "civil society": Sector.CIVIL_SOCIETY,
    "politik": Sector.POLITICS,
    "politics": Sector.POLITICS,
    "sonstige": Sector.OTHER,
    "sonstiges": Sector.OTHER,
    "other": Sector.OTHER,
}

YES_WORDS = frozenset({"ja", "j", "yes", "y", "x", "1", "true", "wahr"})
NO_WORDS = frozenset({"nein", "n", "no", "0", "false", "falsch", "", "-"})
NAME_PARTICLES = frozenset({"von", "van", "de", "der", "den", "zu", "vom", "zum", "zur", "di", "da", "del", "du", "la"})


@dataclass
class ParticipantRow:
    """A valid participant with the CSV line it came from, so later checks can point at it."""

    participant: Participant
    line: int


@dataclass
class ParticipantsFile:
    rows: list[ParticipantRow] = field(default_factory=list)
    problems: list[CatalogueProblem] = field(default_factory=list)


def _normalise_header(text: str) -> str:
    return re.sub(r"[\s_]+", " ", text.strip().lower())


_ALIAS_TO_FIELD = {_normalise_header(alias): name for name, aliases in COLUMN_ALIASES.items() for alias in aliases}


def _decode(path: Path, problems: list[CatalogueProblem]) -> str:
    data = path.read_bytes()
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        problems.append(CatalogueProblem(
            file=path, severity="warning",
            message="is not UTF-8; read it as Windows-1252 (Excel's 'CSV'); save it as 'CSV UTF-8' to be sure of umlauts",
        ))
        return data.decode("cp1252", errors="replace")


def _delimiter(header_line: str) -> str:
    # The header decides: German Excel writes ';', everything else ','; tabs come from copy-paste.
    counts = {delimiter: header_line.count(delimiter) for delimiter in (";", ",", "\t")}
    return max(counts, key=lambda delimiter: counts[delimiter])


def _rows_with_lines(text: str) -> Iterator[tuple[int, list[str]]]:
    """Rows with the physical line each starts on (quoted cells may span lines)."""
    first_line = text.split("\n", 1)[0]
    reader = csv.reader(text.splitlines(keepends=True), delimiter=_delimiter(first_line))
    start = 1
    for row in reader:
        yield start, row
        start = reader.line_num + 1


def split_full_name(full_name: str) -> tuple[str, str]:
    """("Anna Maria", "von Bülow") from "Anna Maria von Bülow" or "von Bülow, Anna Maria"."""
    if "," in full_name:
        last, first = (part.strip() for part in full_name.split(",", 1))
        return first, last
    words = full_name.split()
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in NAME_PARTICLES:
        cut -= 1
    return " ".join(words[:cut]), " ".join(words[cut:])


def parse_sector(value: str) -> Sector:
    sector = SECTOR_ALIASES.get(value.strip().lower())
    if sector is None:
        raise ValueError(
            f"sector {value!r} is unknown; write one of {', '.join(s.value for s in Sector)}"
        )
    return sector


def parse_yes_no(value: str) -> bool:
    word = value.strip().lower()
    if word in YES_WORDS:
        return True
    if word in NO_WORDS:
        return False
    raise ValueError(f"consultation {value!r} is not a yes/no value; write ja or nein (or leave it empty for nein)")


def _column_map(header: list[str]) -> dict[str, int]:
    columns: dict[str, int] = {}
    for index, title in enumerate(header):
        name = _ALIAS_TO_FIELD.get(_normalise_header(title))
        if name is not None:
            columns.setdefault(name, index)
    return columns


def _missing_columns(columns: dict[str, int]) -> list[str]:
    missing = [name for name in ("email", "sector") if name not in columns]
    if "name" not in columns and not {"firstname", "lastname"} <= columns.keys():
        missing.append("firstname+lastname (or name)")
    return missing


def _participant_from_cells(cells: dict[str, str]) -> Participant:
    firstname, lastname = cells.get("firstname", ""), cells.get("lastname", "")
    if not (firstname or lastname) and cells.get("name"):
        firstname, lastname = split_full_name(cells["name"])
        if not firstname:
            raise ValueError(f"name {cells['name']!r} needs a first and a last name, like 'Anna Schmidt'")
    return Participant(
        email=cells.get("email", ""),
        firstname=firstname,
        lastname=lastname,
        organisation=cells.get("organisation") or None,
        sector=parse_sector(cells.get("sector", "")),
        consultation_opt_in=parse_yes_no(cells.get("consultation_opt_in", "")),
    )


def read_participants_csv(path: Path) -> ParticipantsFile:
    """Every valid row as a `ParticipantRow`, every bad row or missing column as an error naming the line."""
    result = ParticipantsFile()
    text = _decode(path, result.problems)
    rows = _rows_with_lines(text)
    header = next(rows, None)
    if header is None:
        result.problems.append(
            CatalogueProblem(file=path, line=1, message="is empty; add a header row and one row per participant")
        )
        return result
    columns = _column_map(header[1])
    missing = _missing_columns(columns)
    if missing:
        result.problems.append(CatalogueProblem(
            file=path, line=header[0],
            message=f"missing required column(s) {', '.join(missing)}; {REQUIRED_COLUMNS_HINT}",
        ))
        return result
    for line, row in rows:
        if not any(cell.strip() for cell in row):
            continue
        cells = {name: row[index].strip() if index < len(row) else "" for name, index in columns.items()}
        try:
            result.rows.append(ParticipantRow(_participant_from_cells(cells), line))
        except ValidationError as exc:
            result.problems.append(CatalogueProblem(file=path, line=line, message=describe_validation_error(exc)))
        except ValueError as exc:
            result.problems.append(CatalogueProblem(file=path, line=line, message=str(exc)))
    return result
