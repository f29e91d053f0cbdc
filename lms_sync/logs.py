"""Logging setup for every command: levels on stderr, an optional log file, optional JSON lines.

Every handler carries the redacting filter, so no token reaches a log line.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import TextIO

from lms_sync.redaction import RedactingFilter


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            entry["traceback"] = record.exc_text
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(*, verbose: bool, log_file: Path | None, as_json: bool, stream: TextIO) -> None:
    """Send lms-sync's logs to `stream` (WARNING, or DEBUG with `verbose`) and optionally to `log_file`."""
    logger = logging.getLogger("lms_sync")
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = True
    formatter: logging.Formatter = (
        JsonLineFormatter() if as_json else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handlers: list[logging.Handler] = [logging.StreamHandler(stream)]
    handlers[0].setLevel(logging.DEBUG if verbose else logging.WARNING)
    if log_file is not None:
        handlers.append(logging.FileHandler(log_file, encoding="utf-8"))
    for handler in handlers:
        handler.setFormatter(formatter)
        handler.addFilter(RedactingFilter())
        logger.addHandler(handler)
