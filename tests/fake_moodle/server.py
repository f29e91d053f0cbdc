"""`FakeMoodle`: an in-memory Moodle site behind `webservice/rest/server.php`, callable as an httpx handler.

It decodes the PHP-style form body, authenticates the token, checks the service, validates parameters against
Moodle's descriptions, runs the handler in a transaction, cleans the result, and answers JSON or XML.
"""

from __future__ import annotations

import json
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any, Literal
from urllib.parse import parse_qsl, urlsplit

import httpx

from lms_sync.moodle.encoding import unflatten_form
from tests.fake_moodle.builders import SiteBuilders
from tests.fake_moodle.course_access import AddedWarning, refusal, with_warnings
from tests.fake_moodle.errors import MoodleException, RecordMissing, access_exception, missing, moodle_exception
from tests.fake_moodle.faults import (
    DEFAULT_INJECTED_ERROR,
    MAINTENANCE_PAGE,
    NOT_FOUND_PAGE,
    PHP_WARNING,
    Fault,
    FaultPlan,
)
from tests.fake_moodle.handlers import handlers_for
from tests.fake_moodle.operations import CutOff
from tests.fake_moodle.seed import seed_contract_site
from tests.fake_moodle.signatures import clean_returnvalue, signatures, validate_parameters
from tests.fake_moodle.state import Site
from tests.fake_moodle.xml_format import xml_exception, xml_result

ENDPOINT = "/webservice/rest/server.php"
Version = Literal["4.5", "5.0"]
MOODLE_VERSIONS: tuple[Version, ...] = ("4.5", "5.0")
RELEASES = {"4.5": ("4.5 (Build: 20241007)", "2024100700"), "5.0": ("5.0.6+ (Build: 20260403)", "2025041406.11")}
SYNCBOT_ID = 3

class FakeMoodle(SiteBuilders):
    """One fake Moodle site. Use as `httpx.MockTransport(fake)` or `httpx_mock.add_callback(fake, is_reusable=True)`."""

    def __init__(
        self,
        version: Version = "5.0",
        *,
        url: str = "https://moodle.test",
        token: str = "fake-token-0123456789abcdef",
        debug: bool = False,
    ) -> None:
        if version not in RELEASES:
            raise ValueError(f"unsupported Moodle version {version!r}: use '4.5' or '5.0'")
        self.version: Version = version
        self.url = url.rstrip("/")
        self.token = token
        self.debug = debug
        self.sitename = "BIP Moodle Lab"
        self.allow_accounts_same_email = False  # Moodle's $CFG->allowaccountssameemail (builders may still share)
        self.site = Site()
        self.signatures = signatures(version)
        self.handlers = handlers_for(version)
        self.allowed_functions: set[str] = set(self.handlers)
        self.tokens: dict[str, int] = {token: SYNCBOT_ID}
        self.admins: set[int] = {SYNCBOT_ID}
        self.current_user = SYNCBOT_ID
        self.latency = 0.0
        self.calls: Counter[str] = Counter()
        self.requests: list[tuple[str, dict[str, Any]]] = []
        self._faults = FaultPlan()
        self.denied_courses: dict[int, str] = {}
        """course id -> the capability the web-service user lacks there ("": it cannot enter the course at all)"""
        self.added_warnings: list[AddedWarning] = []
        self.cut_off_units: int | None = None
        """during a cut_off fault: what the import restores before the server dies (-1: the default cut)"""
        self._request_index = 0
        self._lock = threading.RLock()
        self._seed_site_defaults()

    @classmethod
    def contract_site(cls, version: Version = "5.0", *, debug: bool = False, **options: Any) -> FakeMoodle:
        """A fake seeded with the recorded site's data (see seed.py), ids as in the recordings."""
        fake = cls(version, debug=debug, **options)
        seed_contract_site(fake)
        return fake

    # -- observability and control ------------------------------------------------------------------------------

    def write_calls(self) -> int:
        """How many calls (batched inner calls included) went to functions Moodle declares as writes."""
        return sum(count for name, count in self.calls.items() if self.is_write(name))

    def is_write(self, wsfunction: str) -> bool:
        description = self.signatures.get(wsfunction)
        return description is not None and description.get("type") == "write"

    def reset_counters(self) -> None:
        with self._lock:
            self.calls.clear()
            self.requests.clear()

    def revoke_token(self, token: str | None = None) -> None:
        self.tokens.pop(token or self.token, None)

    def add_token(self, token: str, userid: int) -> None:
        self.tokens[token] = userid

    def inject(self, kind: str, *, at_request: int | None = None, wsfunction: str | None = None, times: int = 1,
               error: dict[str, Any] | None = None, units: int | None = None) -> None:
        """Make matching requests fail. `at_request` counts from 0 at the fake's creation (see `request_count`).

        Kinds: timeout (applied, then httpx.ReadTimeout), connect_error (not applied), http503 (Retry-After),
        html (maintenance page, HTTP 503), html200 (same page, HTTP 200), php_warning (applied; PHP notice before
        the JSON), exception (an HTTP-200 error object instead of running the call; `error` overrides it),
        cut_off (the web server dies during the call, then the connection drops: an import has restored its first
        `units` activities and questionnaire items, in Moodle's order — by default all but the questionnaire's
        second half — as the real Moodle leaves it; any other call is not applied).
        """
        with self._lock:
            self._faults.add(Fault(kind, at_request, wsfunction, times, error or DEFAULT_INJECTED_ERROR, units))

    def deny_course(self, course_id: int, capability: str = "") -> None:
        """The web-service user can no longer enter this course (as a manager whose moodle/course:view is prohibited
        there), or lacks `capability` there (only moodle/course:enrolreview is modelled): its reads fail or leave it
        out as the real Moodle's do (see course_access.py), admins' too."""
        self.denied_courses[course_id] = capability

    def add_warning(self, wsfunction: str, warning: dict[str, Any],
                    applies: Callable[[dict[str, Any]], bool] = lambda params: True) -> None:
        """Answer `wsfunction` (where `applies` to its parameters) with Moodle's `warning` added to its list."""
        self.added_warnings.append(AddedWarning(wsfunction, warning, applies))

    def crash_at(self, n: int) -> None:
        """The n-th request from now (0-based) and every later one fail with httpx.ConnectError until `recover()`."""
        with self._lock:
            self._faults.crash_from = self._request_index + n

    def recover(self) -> None:
        with self._lock:
            self._faults.crash_from = None

    @property
    def request_count(self) -> int:
        return self._request_index

    # -- HTTP -----------------------------------------------------------------------------------------------------

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if self.latency:
            time.sleep(self.latency)  # outside the lock: concurrent clients overlap their waits, as on a real site
        with self._lock:
            index = self._request_index
            self._request_index += 1
            if self._faults.crashed(index):
                raise httpx.ConnectError("[Errno 111] Connection refused (fake Moodle is down)", request=request)
            if request.url.host != urlsplit(self.url).hostname:
                raise httpx.ConnectError(f"[Errno -2] Name or service not known: {request.url.host}", request=request)
            if request.url.path != urlsplit(self.url).path + ENDPOINT:
                return httpx.Response(404, text=NOT_FOUND_PAGE, headers={"Content-Type": "text/html"})
            fields = parse_qsl(request.content.decode("utf-8"), keep_blank_values=True)
            fields += parse_qsl(request.url.query.decode("ascii") if isinstance(request.url.query, bytes)
                                else str(request.url.query), keep_blank_values=True)
            control = {name: value for name, value in fields if name in ("wstoken", "wsfunction", "moodlewsrestformat")}
            params = unflatten_form([(name, value) for name, value in fields if name not in control])
            wsfunction = control.get("wsfunction", "")
            self.requests.append((wsfunction, params))
            batch = params.get("requests") if wsfunction == "tool_mobile_call_external_functions" else None
            inner = [str(r.get("function")) for r in batch if isinstance(r, dict)] if isinstance(batch, list) else []
            fault = self._faults.take(index, frozenset({wsfunction, *inner}))  # a batch is hit by its inner calls' faults
            kind = fault.kind if fault else None
            if kind == "connect_error":
                raise httpx.ConnectError("[Errno 111] Connection refused (injected)", request=request)
            if kind == "http503":
                return httpx.Response(503, text="Service Unavailable", headers={"Retry-After": "1"})
            if kind in ("html", "html200"):
                return httpx.Response(503 if kind == "html" else 200, text=MAINTENANCE_PAGE,
                                      headers={"Content-Type": "text/html; charset=utf-8"})
            if fault is not None and kind == "exception":
                return httpx.Response(200, json=fault.error)
            if fault is not None and kind == "cut_off":
                self.cut_off_units = fault.units if fault.units is not None else -1
                try:
                    if wsfunction == "core_course_import_course":
                        self._answer(control.get("wstoken", ""), wsfunction, "json", params)
                except CutOff:
                    pass  # what it restored so far stays, as in Moodle's tables
                finally:
                    self.cut_off_units = None
                raise httpx.RemoteProtocolError("Server disconnected without sending a response (injected)",
                                                request=request)
            text, content_type = self._answer(control.get("wstoken", ""), wsfunction,
                                              control.get("moodlewsrestformat", "xml"), params)
            if kind == "timeout":
                raise httpx.ReadTimeout("timed out (injected, after the call was applied)", request=request)
            if kind == "php_warning":
                text = PHP_WARNING + text
            return httpx.Response(200, text=text, headers={"Content-Type": content_type})

    def _answer(self, token: str, wsfunction: str, restformat: str, params: dict[str, Any]) -> tuple[str, str]:
        as_json = restformat == "json"
        try:
            self.current_user = self._authenticate(token)
            description = self._describe(wsfunction)
            if wsfunction not in self.allowed_functions:
                raise access_exception(wsfunction)
            result = self.call_function(wsfunction, params)
        except RecordMissing as missing_record:
            return self._error(missing_record.error(self.version, self.debug), as_json)
        except MoodleException as error:
            return self._error(error, as_json)
        if as_json:
            return json.dumps(result, ensure_ascii=False), "application/json"
        return xml_result(result, description["returns"]), "application/xml; charset=utf-8"

    def _error(self, error: MoodleException, as_json: bool) -> tuple[str, str]:
        if as_json:
            return json.dumps(error.payload(self.debug), ensure_ascii=False), "application/json"
        return xml_exception(error, self.debug), "application/xml; charset=utf-8"

    def _authenticate(self, token: str) -> int:
        if token not in self.tokens:
            raise moodle_exception("invalidtoken", "Invalid token - token not found")
        return self.tokens[token]

    def _describe(self, wsfunction: str) -> dict[str, Any]:
        if wsfunction not in self.handlers:
            raise missing("external_functions", "SELECT * FROM {external_functions} WHERE name = ?", wsfunction)
        return self.signatures[wsfunction]

    # -- function calls (also used by the mobile batch function for its inner calls) ------------------------------

    def call_function(self, wsfunction: str, params: dict[str, Any]) -> Any:
        """Validate, run in a transaction (writes roll back on error), and clean the result like Moodle."""
        description = self._describe(wsfunction)
        self.calls[wsfunction] += 1
        arguments = validate_parameters(description["parameters"], params)
        if (refused := refusal(self, wsfunction, arguments)) is not None:
            raise refused
        saved = self.site.saved() if description.get("type") == "write" else None
        try:
            result = self.handlers[wsfunction](self, arguments)
        except (MoodleException, RecordMissing):
            if saved is not None:
                self.site.restore_saved(saved)
            raise
        return with_warnings(self, wsfunction, arguments, clean_returnvalue(description["returns"], result))

    def is_admin(self) -> bool:
        return self.current_user in self.admins

    def release(self) -> tuple[str, str]:
        return RELEASES[self.version]
