"""What an area module hands to `MoodleClient`: a read (`Call`), a single write (`Write`), an array write.

Reads are plain `(wsfunction, params)` pairs so that `MoodleClient.read_many` can batch them across areas; an array
write carries the reader of its answer, so callers get ids and warnings typed (`send_array`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

from lms_sync.moodle.api.warnings import concerning, incomplete, warnings_in
from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import SITE_WIDE, MoodleError

Call = tuple[str, dict[str, Any]]
Answer = TypeVar("Answer")


@dataclass(frozen=True)
class Write:
    """One call of a write function that has no array form."""

    wsfunction: str
    params: Mapping[str, Any] = field(default_factory=dict)
    repeat_safe: bool = False
    """Moodle does nothing the second time (renames, updates to the same value): a lost answer may be retried"""


@dataclass(frozen=True)
class ArrayWrite(Generic[Answer]):
    """A write function taking a list (`courses[]`, `enrolments[]`): callers send many items per request."""

    wsfunction: str
    list_key: str
    answer: Callable[[Any], Answer]
    """reads Moodle's answer to one request (of any number of items) into what callers use"""
    repeat_safe: bool = False


def no_answer(answer: Any) -> None:
    """The answer of a write that answers nothing (null) or nothing lms-sync uses."""


def created_ids(answer: Any) -> list[int]:
    """The ids of what an array create made, in the order its items were sent (Moodle answers `[{"id": …}, …]`)."""
    return [int(record["id"]) for record in answer]


def checked(result: Any) -> Any:
    """A `read_many` result, or its error raised."""
    if isinstance(result, MoodleError):
        raise result
    return result


class ReadFailed(Exception):
    """A read Moodle refused, short of a site-wide failure, or answered incompletely (`warnings`): `str()` is one line
    naming the read and Moodle's message and code. It fails what the read is about (a course), not the command."""


def read_failure(result: Any, what: str, *, course_id: int | None = None) -> str | None:
    """Why a `read_many` result cannot be used, in one line naming `what`; None when it can.

    Site-wide errors (`SITE_WIDE`) are raised as they are. Any other Moodle error fails the read, and so does an answer
    carrying Moodle's `warnings` (Moodle left something out; read as it is, it would say "nothing there"). With
    `course_id` (one course's share of a many-course answer) only the warnings about that course or about none count.
    """
    if isinstance(result, SITE_WIDE):
        raise result
    if isinstance(result, MoodleError):
        return f"{what}: {result}"
    found = warnings_in(result)
    if course_id is not None:
        found = concerning(found, course_id)
    return incomplete(what, found) if found else None


def complete(result: Any, what: str) -> Any:
    """The result of a read, or `ReadFailed` saying why it cannot be used (site-wide errors raised as they are)."""
    if (why := read_failure(result, what)) is not None:
        raise ReadFailed(why)
    return result


def ask(client: MoodleClient, call: Call) -> Any:
    """One read, now."""
    wsfunction, params = call
    return client.call(wsfunction, **params)


def send(client: MoodleClient, write: Write) -> Any:
    """One write, now."""
    return client.call(write.wsfunction, repeat_safe=write.repeat_safe, **write.params)


def send_array(client: MoodleClient, write: ArrayWrite[Answer], items: Sequence[Any]) -> Answer:
    """One request of an array write with `items` (records, or ids for `groupids`), now; its answer read (a refusal
    raises)."""
    return write.answer(client.call(write.wsfunction, repeat_safe=write.repeat_safe, **{write.list_key: list(items)}))


def send_many(client: MoodleClient, writes: Sequence[Write]) -> list[Any]:
    """Independent writes in as few requests as the service allows (`MoodleClient.call_many`): each result or the
    `MoodleError` it raised. Repeated after a lost answer only if every one of them is repeat-safe."""
    return client.call_many([(w.wsfunction, dict(w.params)) for w in writes],
                            repeat_safe=all(w.repeat_safe for w in writes))
