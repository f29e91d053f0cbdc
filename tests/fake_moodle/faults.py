"""Fault injection for the fake Moodle: which request fails, and how (timeout, 503, HTML, PHP warning, error object).

A `Fault` matches by request index and/or wsfunction (also a batch request that calls it inside) and fires `times`
times; `crash_at` fails everything from n on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

FaultKind = Literal["timeout", "connect_error", "http503", "html", "html200", "php_warning", "exception", "cut_off"]
KINDS: tuple[str, ...] = ("timeout", "connect_error", "http503", "html", "html200", "php_warning", "exception",
                          "cut_off")

MAINTENANCE_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>Site maintenance</title></head>\n"
    "<body><h1>Site maintenance</h1><p>This site is undergoing maintenance and is currently not available.</p>"
    "</body></html>"
)
NOT_FOUND_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
    "<body><h1>Not Found</h1><p>The requested URL was not found on this server.</p></body></html>"
)
PHP_WARNING = (
    "<br />\n<b>Warning</b>:  Undefined array key \"id\" in <b>/var/www/moodle/lib/weblib.php</b> on line "
    "<b>1234</b><br />\n"
)


@dataclass
class Fault:
    kind: str
    at_request: int | None
    wsfunction: str | None
    times: int
    error: dict[str, Any] | None = None
    units: int | None = None
    """cut_off: how many activities and questionnaire items an import restores before the server dies"""

    def matches(self, request_index: int, wsfunctions: frozenset[str]) -> bool:
        if self.times <= 0:
            return False
        if self.at_request is not None and self.at_request != request_index:
            return False
        return self.wsfunction is None or self.wsfunction in wsfunctions


class FaultPlan:
    """The pending faults; `take` consumes the first one that matches a request."""

    def __init__(self) -> None:
        self.pending: list[Fault] = []
        self.crash_from: int | None = None

    def add(self, fault: Fault) -> None:
        if fault.kind not in KINDS:
            raise ValueError(f"unknown fault kind {fault.kind!r}; use one of {', '.join(KINDS)}")
        self.pending.append(fault)

    def take(self, request_index: int, wsfunctions: frozenset[str]) -> Fault | None:
        """`wsfunctions`: the request's function and, for a batch, the functions it calls."""
        for fault in self.pending:
            if fault.matches(request_index, wsfunctions):
                fault.times -= 1
                return fault
        return None

    def crashed(self, request_index: int) -> bool:
        return self.crash_from is not None and request_index >= self.crash_from

# A realistic HTTP-200 failure of the server itself: nothing was applied, and a repeat may work.
DEFAULT_INJECTED_ERROR = {
    "exception": "dml_write_exception", "errorcode": "dmlwriteexception", "message": "Error writing to database",
}
