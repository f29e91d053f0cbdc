"""The catalogue of workshop runs: which runs exist, when and where they meet, who trains and who takes part.

`load_catalogue(path)` reads TOML files and participants CSVs into a `Catalogue` of valid runs plus a list of problems.
"""

from lms_sync.catalogue.loader import load_catalogue
from lms_sync.catalogue.local_time import NonexistentLocalTime, localize, to_unix
from lms_sync.catalogue.model import (
    Catalogue,
    CatalogueProblem,
    Participant,
    Person,
    Sector,
    Session,
    SourceLocation,
    WorkshopRun,
)

__all__ = [
    "Catalogue",
    "CatalogueProblem",
    "NonexistentLocalTime",
    "Participant",
    "Person",
    "Sector",
    "Session",
    "SourceLocation",
    "WorkshopRun",
    "load_catalogue",
    "localize",
    "to_unix",
]
