"""`MoodleClient`: the one door to Moodle's REST web services — encoding, timeouts, retries, error mapping, ledger.

It knows nothing about workshops; `lms_sync.moodle.api` and the services above it give the calls their meaning.
"""

from __future__ import annotations

import json
import logging
import random
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from email.utils import parsedate_to_datetime
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx
from pydantic import SecretStr
from tenacity import RetryCallState, Retrying, retry_if_exception, stop_after_attempt, stop_before_delay
from tenacity.stop import stop_base

from lms_sync.config import ConfigError, Settings
from lms_sync.moodle.deadline import deadline, enforce_deadlines
from lms_sync.moodle.encoding import count_fields, flatten_params
from lms_sync.moodle.errors import (
    MoodleError,
    MoodleProtocolError,
    MoodleTransientError,
    MoodleUnreachable,
    WriteOutcomeUnknown,
    error_from_response,
    is_error_object,
)
from lms_sync.moodle.functions import BATCH_FUNCTION, SITE_INFO, is_read_function
from lms_sync.moodle.ledger import CallLedger
from lms_sync.redaction import redact, register_secret, register_url_password

ENDPOINT = "/webservice/rest/server.php"
_FORM = {"Content-Type": "application/x-www-form-urlencoded"}
_RETRY_STATUSES = {429, 502, 503, 504}
_REFUSED_STATUSES = {429, 503}  # the server refused before doing anything: safe to repeat even a write
log = logging.getLogger("lms_sync.moodle")
T = TypeVar("T")
R = TypeVar("R")


class _Retryable(Exception):
    """Internal: one attempt failed in a way that a repeat may fix."""

    def __init__(self, error: MoodleError, retry_after: float | None = None, refusals: int = 0) -> None:
        super().__init__(str(error))
        self.error = error
        self.retry_after = retry_after
        self.refusals = refusals
        """how many tries of this call in a row found the connection refused"""


class _SecondRefusal(stop_base):
    """A refused connection is tried once more (a restarting web server), not `retries` times: nothing listens."""

    def __call__(self, state: RetryCallState) -> bool:
        exc = state.outcome.exception() if state.outcome else None
        return isinstance(exc, _Retryable) and exc.refusals >= 2


def _retry_after_seconds(response: httpx.Response) -> float | None:
    value = response.headers.get("Retry-After")
    if not value:
        return None
    if value.strip().isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError):
        return None


class MoodleClient:
    """Calls Moodle web services: `call(wsfunction, **params)`; array calls split to respect max_input_vars."""

    def __init__(
        self,
        url: str,
        token: SecretStr,
        *,
        transport: httpx.BaseTransport | None = None,
        connect_timeout: float = 10.0,
        read_timeout: float = 60.0,
        request_deadline: float = 120.0,
        retry_budget: float = 300.0,
        retries: int = 4,
        backoff: float = 0.5,
        max_backoff: float = 30.0,
        concurrency: int = 6,
        max_form_fields: int = 4000,
        batch_reads: bool = True,
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if not url:
            raise ConfigError("moodle.url is not set: put the site address in lms-sync.toml or LMS_SYNC_MOODLE_URL")
        if not token.get_secret_value():
            raise ConfigError(
                "no Moodle token: set moodle.token_file (recommended) or LMS_SYNC_MOODLE_TOKEN"
            )
        register_secret(token.get_secret_value())
        register_url_password(url)
        self.url = url.rstrip("/")
        self._token = token
        self._http = httpx.Client(
            base_url=self.url,
            transport=transport,
            timeout=httpx.Timeout(read_timeout, connect=connect_timeout),
            headers={"User-Agent": "lms-sync", "Accept": "application/json"},
        )
        if transport is None:
            enforce_deadlines(self._http)
        self.request_deadline = request_deadline
        self.retry_budget = retry_budget
        self.retries = retries
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.concurrency = concurrency
        self.max_form_fields = max_form_fields
        self.batch_reads = batch_reads
        self._sleep = sleep
        self._clock = clock
        self._site_info: dict[str, Any] | None = None
        self._site_info_lock = threading.Lock()
        self.ledger = CallLedger()

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> MoodleClient:
        moodle = settings.moodle
        token = moodle.resolved_token()
        if token is None:
            raise ConfigError(
                "no Moodle token: set moodle.token_file (recommended) or LMS_SYNC_MOODLE_TOKEN; "
                "see `lms-sync init` for a starter config"
            )
        options: dict[str, Any] = dict(
            connect_timeout=moodle.connect_timeout_seconds,
            read_timeout=moodle.read_timeout_seconds,
            request_deadline=moodle.request_deadline_seconds,
            retry_budget=moodle.retry_budget_seconds,
            retries=moodle.retries,
            backoff=moodle.backoff_seconds,
            max_backoff=moodle.max_backoff_seconds,
            concurrency=moodle.concurrency,
            max_form_fields=moodle.max_form_fields,
            batch_reads=moodle.batch_reads,
        )
        options.update(overrides)
        return cls(moodle.url, token, **options)

    def __repr__(self) -> str:
        return f"MoodleClient(url={self.url!r}, token='**********')"

    def close(self) -> None:
        self._http.close()

    def limit_time(self, seconds: float) -> None:
        """Let no call take longer than `seconds` in all, retries included (for `check`, which must answer soon)."""
        self.request_deadline = min(self.request_deadline, seconds)
        self.retry_budget = min(self.retry_budget, seconds)

    def __enter__(self) -> MoodleClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- single calls -------------------------------------------------------------------------------------------

    def call(self, wsfunction: str, *, repeat_safe: bool | None = None, **params: Any) -> Any:
        """Call one web-service function and return its decoded JSON result.

        Raises a `MoodleError` subclass for Moodle's HTTP-200 error objects, non-JSON answers and transport failures.
        Reads are retried on transient failures; writes only when `repeat_safe` is true (or the server refused them
        before doing anything, HTTP 429/503). A write that may have happened is reported as `WriteOutcomeUnknown`.
        """
        repeatable = is_read_function(wsfunction) if repeat_safe is None else repeat_safe
        fields = [
            ("wstoken", self._token.get_secret_value()),
            ("wsfunction", wsfunction),
            ("moodlewsrestformat", "json"),
            *flatten_params(params),
        ]

        def may_retry(exc: BaseException) -> bool:
            return isinstance(exc, _Retryable) and (repeatable or isinstance(exc.error, _SafeToRepeat))

        retrying = Retrying(
            stop=stop_after_attempt(self.retries + 1) | stop_before_delay(self.retry_budget) | _SecondRefusal(),
            retry=retry_if_exception(may_retry),
            wait=self._wait,
            sleep=self._sleep,
            before_sleep=lambda state: self._note_retry(wsfunction, state),
            reraise=True,
        )
        started = self._clock()
        try:
            result = retrying(self._attempt, wsfunction, fields, time.monotonic() + self.retry_budget, [0])
        except _Retryable as exc:
            self.ledger.record(wsfunction, self._clock() - started, failed=True)
            raise (exc.error if repeatable or isinstance(exc.error, _SafeToRepeat) else self._unknown(exc.error)) from None
        except MoodleError:
            self.ledger.record(wsfunction, self._clock() - started, failed=True)
            raise
        self.ledger.record(wsfunction, self._clock() - started)
        return result

    @staticmethod
    def _unknown(error: MoodleError) -> MoodleError:
        return WriteOutcomeUnknown(
            error.wsfunction,
            f"no reliable answer ({error.message}); the write may or may not have been applied",
            hint="run the same command again: it re-reads Moodle and only does what is still missing",
        )

    def _wait(self, state: RetryCallState) -> float:
        exc = state.outcome.exception() if state.outcome else None
        retry_after = exc.retry_after if isinstance(exc, _Retryable) else None
        if retry_after is not None:
            return min(retry_after, self.max_backoff)
        exponential = self.backoff * (2 ** (state.attempt_number - 1))
        return min(self.max_backoff, exponential + random.uniform(0, self.backoff))

    def _note_retry(self, wsfunction: str, state: RetryCallState) -> None:
        self.ledger.record_retry(wsfunction)
        exc = state.outcome.exception() if state.outcome else None
        log.warning("retrying %s (attempt %d): %s", wsfunction, state.attempt_number + 1, exc)

    def _attempt(self, wsfunction: str, fields: list[tuple[str, str]], budget_ends: float, refusals: list[int]) -> Any:
        self.ledger.record_request(wsfunction)
        seconds = max(0.5, min(self.request_deadline, budget_ends - time.monotonic()))
        try:
            with deadline(seconds):
                response = self._http.post(ENDPOINT, content=urlencode(fields), headers=_FORM)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            refusals[0] = refusals[0] + 1 if "refused" in str(exc).lower() else 0
            raise _Retryable(_SafeToRepeat(wsfunction, f"cannot connect to {self.url}: {redact(str(exc)) or type(exc).__name__}",
                                           hint="check moodle.url and that the site is up"),
                             refusals=refusals[0]) from None
        except httpx.TimeoutException as exc:
            waited = str(exc) if "deadline" in str(exc) else f"no answer within the timeout ({type(exc).__name__})"
            raise _Retryable(MoodleUnreachable(wsfunction, f"{self.url}: {waited}",
                                               hint="the site is slow or down; raise moodle.read_timeout_seconds and "
                                                    "moodle.request_deadline_seconds if it is merely slow")) from None
        except httpx.TransportError as exc:
            raise _Retryable(MoodleUnreachable(wsfunction, f"connection failed: {redact(str(exc)) or type(exc).__name__}",
                                               hint="check moodle.url and the network")) from None
        return self._decode(wsfunction, response)

    def _decode(self, wsfunction: str, response: httpx.Response) -> Any:
        status = response.status_code
        if status in _RETRY_STATUSES:
            cls = _SafeToRepeat if status in _REFUSED_STATUSES else MoodleUnreachable
            raise _Retryable(cls(wsfunction, f"HTTP {status} from {self.url}",
                                 hint="the site is overloaded or in maintenance; try again later"),
                             retry_after=_retry_after_seconds(response))
        if 300 <= status < 400:
            target = redact(response.headers.get("Location", "elsewhere"))
            raise MoodleProtocolError(wsfunction, f"HTTP {status} from {self.url}: the site redirects to {target}",
                                      hint="set moodle.url to the address Moodle really answers at (https://, "
                                           "the site's wwwroot)")
        text = response.text
        if not text.strip() and status < 400:
            raise MoodleProtocolError(wsfunction, f"HTTP {status} with an empty answer from {self.url}",
                                      hint="is moodle.url the Moodle site itself, and its web services enabled? "
                                           "(a proxy or a PHP fatal error answers empty)")
        try:
            payload = json.loads(text)
        except ValueError:
            raise self._not_json(wsfunction, response) from None
        if status >= 400:
            raise self._not_json(wsfunction, response)
        if is_read_function(wsfunction) and not isinstance(payload, (dict, list)):
            raise MoodleProtocolError(wsfunction, f"the answer is {text.strip()[:20]!r}, not the object or list a "
                                                  "read returns", hint="the site's web services answered "
                                                                       "nonsense: check moodle.url and the site's logs")
        if is_error_object(payload):
            error = error_from_response(wsfunction, payload)
            if isinstance(error, MoodleTransientError):
                raise _Retryable(error)
            raise error
        return payload

    def _not_json(self, wsfunction: str, response: httpx.Response) -> MoodleError | _Retryable:
        start = " ".join(redact(response.text).split())[:200]  # masked before it is cut, so no part of a secret is left
        lowered = response.text.lower()
        if response.status_code == 404:
            hint = (f"{self.url}{ENDPOINT} does not exist: moodle.url must be the site's base address, "
                    "and the REST protocol must be enabled (Site administration › Server › Web services › Manage protocols)")
        elif "maintenance" in lowered:
            return _Retryable(_SafeToRepeat(wsfunction, f"the site is in maintenance mode: {start}",
                                            hint="run again when maintenance is over"))
        elif "<html" in lowered or "<!doctype" in lowered:
            hint = ("an HTML page came back instead of JSON: is moodle.url the Moodle site itself "
                    "(not a login or proxy page), and is the REST protocol enabled?")
        else:
            hint = "the answer is not Moodle's JSON (PHP warnings before the JSON?): set the site's debug display off"
        return MoodleProtocolError(wsfunction, f"HTTP {response.status_code}, not JSON: {start!r}", hint=hint)

    # -- array calls --------------------------------------------------------------------------------------------

    def chunks(self, list_key: str, items: Sequence[Mapping[str, Any]] | Sequence[Any],
               **common: Any) -> Iterator[list[Any]]:
        """Split `items` into consecutive chunks whose request stays under `max_form_fields` form fields."""
        budget = self.max_form_fields - 3 - count_fields(common)
        chunk: list[Any] = []
        used = 0
        for item in items:
            cost = max(1, count_fields({list_key: [item]}))
            if cost > budget:
                raise ValueError(f"one {list_key} entry needs {cost} form fields, over moodle.max_form_fields")
            if chunk and used + cost > budget:
                yield chunk
                chunk, used = [], 0
            chunk.append(item)
            used += cost
        if chunk:
            yield chunk

    def call_chunked(self, wsfunction: str, list_key: str, items: Sequence[Any], *,
                     repeat_safe: bool | None = None, **common: Any) -> list[Any]:
        """Call an array function once per chunk of `items`; returns the results of each call, in order."""
        return [
            self.call(wsfunction, repeat_safe=repeat_safe, **common, **{list_key: chunk})
            for chunk in self.chunks(list_key, items, **common)
        ]

    # -- independent reads --------------------------------------------------------------------------------------

    def map_concurrently(self, function: Callable[[T], R], items: Iterable[T]) -> list[R]:
        """`[function(item) for item in items]`, with up to `concurrency` calls in flight; order kept."""
        items = list(items)
        if len(items) <= 1 or self.concurrency == 1:
            return [function(item) for item in items]
        with ThreadPoolExecutor(max_workers=min(self.concurrency, len(items))) as pool:
            return list(pool.map(function, items))

    def site_info(self) -> dict[str, Any]:
        """`core_webservice_get_site_info`, asked once per client."""
        with self._site_info_lock:
            if self._site_info is None:
                self._site_info = self.call(SITE_INFO)
            return self._site_info

    def site_functions(self) -> frozenset[str]:
        """The functions the token's service allows."""
        return frozenset(f["name"] for f in self.site_info().get("functions", []))

    def batches_reads(self) -> bool:
        """Whether `read_many` sends many reads in one request (`tool_mobile_call_external_functions`)."""
        return self.batch_reads and BATCH_FUNCTION in self.site_functions()

    def read_many(self, calls: Sequence[tuple[str, Mapping[str, Any]]]) -> list[Any]:
        """Run independent read calls, returning each result or the `MoodleError` it raised, in order.

        Uses `tool_mobile_call_external_functions` (several calls per HTTP request) where the service allows it,
        else single calls run concurrently.
        """
        return self.call_many(calls, repeat_safe=True)

    def call_many(self, calls: Sequence[tuple[str, Mapping[str, Any]]], *, repeat_safe: bool) -> list[Any]:
        """Run independent calls (reads, or writes), returning each result or the `MoodleError` it raised, in order.

        Batched like `read_many` where the service allows it: Moodle runs a batch's calls one after another and stops
        at the first error, so the calls after it are sent again. Without the batch function: concurrent single
        calls when `repeat_safe`, else one after another. Writes that are not `repeat_safe` are never repeated: a
        batch whose answer is lost raises `WriteOutcomeUnknown` (a single call's is returned as its result).
        """
        if not calls:
            return []
        if self.batches_reads():
            return self._call_many_batched(calls, repeat_safe)
        if repeat_safe:
            return self.map_concurrently(lambda call: self._capture(call[0], call[1], repeat_safe), calls)
        return [self._capture(name, params, repeat_safe) for name, params in calls]

    def _capture(self, wsfunction: str, params: Mapping[str, Any], repeat_safe: bool) -> Any:
        try:
            return self.call(wsfunction, repeat_safe=repeat_safe, **params)
        except MoodleError as exc:
            return exc

    def _call_many_batched(self, calls: Sequence[tuple[str, Mapping[str, Any]]], repeat_safe: bool) -> list[Any]:
        requests = [{"function": name, "arguments": json.dumps(params, ensure_ascii=False)} for name, params in calls]
        results: list[Any] = []
        pending = list(range(len(calls)))
        while pending:
            chunk = next(self.chunks("requests", [requests[i] for i in pending]))
            answer = self.call(BATCH_FUNCTION, repeat_safe=repeat_safe, requests=chunk)
            responses = answer.get("responses", []) if isinstance(answer, dict) else []
            if not responses:
                raise MoodleProtocolError(BATCH_FUNCTION, "empty answer to a batch of calls")
            for response in responses:
                index = pending.pop(0)
                results.append(self._unwrap(calls[index][0], response))
        return results

    def _unwrap(self, wsfunction: str, response: Mapping[str, Any]) -> Any:
        self.ledger.record_inner(wsfunction)
        if response.get("error"):
            try:
                exception = json.loads(response.get("exception") or "{}")
            except ValueError:
                exception = {}
            exception.setdefault("message", exception.get("errorcode", "error in batched call"))
            exception.setdefault("exception", "moodle_exception")
            return error_from_response(wsfunction, exception)
        data = response.get("data")
        return json.loads(data) if isinstance(data, str) and data else data


class _SafeToRepeat(MoodleUnreachable):
    """The request never ran: no connection, or the server refused it up front (HTTP 429/503, maintenance)."""
