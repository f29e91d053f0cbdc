"""The error objects the fake answers with, as Moodle builds them (exception class, errorcode, message, debuginfo).

Handlers raise these; the server renders them as HTTP-200 JSON (or XML), with `debuginfo` only when debugging is on.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

T = TypeVar("T")

MOODLE_EXCEPTION = "core\\exception\\moodle_exception"
INVALID_PARAMETER = "core\\exception\\invalid_parameter_exception"
REQUIRED_CAPABILITY = "core\\exception\\required_capability_exception"
MISSING_RECORD = "dml_missing_record_exception"
ACCESS_EXCEPTION = "webservice_access_exception"


class MoodleException(Exception):
    """One Moodle error object. `errorcode` None reproduces PHP errors (TypeError) that carry no code."""

    def __init__(self, exception: str, errorcode: str | None, message: str, debuginfo: str | None = None) -> None:
        super().__init__(message)
        self.exception = exception
        self.errorcode = errorcode
        self.message = message
        self.debuginfo = debuginfo

    def payload(self, debug: bool) -> dict[str, Any]:
        body: dict[str, Any] = {"exception": self.exception}
        if self.errorcode is not None:
            body["errorcode"] = self.errorcode
        body["message"] = self.message
        if debug and self.debuginfo is not None:
            body["debuginfo"] = self.debuginfo
        return body


class InvalidParameter(MoodleException):
    """`invalidparameter`: the reason is only in debuginfo, as on a real site."""


def invalid_parameter(debuginfo: str) -> InvalidParameter:
    return InvalidParameter(INVALID_PARAMETER, "invalidparameter", "Invalid parameter value detected", debuginfo)


def moodle_exception(errorcode: str, message: str, debuginfo: str | None = None) -> MoodleException:
    return MoodleException(MOODLE_EXCEPTION, errorcode, message, debuginfo)


def no_permission(capability_name: str) -> MoodleException:
    return MoodleException(
        REQUIRED_CAPABILITY, "nopermissions",
        f"Sorry, but you do not currently have permissions to do that ({capability_name}).",
    )


_ACCESS_DEBUGINFO = """Access to the function {name}() is not allowed.
                     There could be multiple reasons for this:
                     1. The service linked to the user token does not contain the function.
                     2. The service is user-restricted and the user is not listed.
                     3. The service is IP-restricted and the user IP is not listed.
                     4. The service is time-restricted and the time has expired.
                     5. The token is time-restricted and the time has expired.
                     6. The service requires a specific capability which the user does not have.
                     7. The function is called with username/password (no user token is sent)
                     and none of the services has the function to allow the user.
                     These settings can be found in Administration > Site administration
                     > Server > Web services > External services and Manage tokens."""


def access_exception(wsfunction: str) -> MoodleException:
    return MoodleException(ACCESS_EXCEPTION, "accessexception", "Access control exception",
                           _ACCESS_DEBUGINFO.format(name=wsfunction))


@dataclass(frozen=True)
class RecordMissing(Exception):
    """A MUST_EXIST lookup failed. Its error object depends on the Moodle version and the debug level.

    `table` None means a joined query: Moodle cannot name a table and answers `invalidrecordunknown` everywhere.
    `errorcode`/`message` override the generic code (e.g. `invaliduser`) where Moodle uses its own.
    """

    table: str | None
    query: str
    values: tuple[Any, ...]
    errorcode: str | None = None
    message: str | None = None

    def error(self, version: str, debug: bool) -> MoodleException:
        debuginfo = f"{self.query}\n[array (\n" + "".join(
            f"  {index} => {value!r},\n" if isinstance(value, str) else f"  {index} => {value},\n"
            for index, value in enumerate(self.values)
        ) + ")]"
        generic = self.table is None or (version == "5.0" and not debug)
        if generic and not (self.errorcode and version == "4.5"):
            return MoodleException(MISSING_RECORD, "invalidrecordunknown", "Can't find data record in database.",
                                   debuginfo)
        if self.errorcode:
            return MoodleException(MISSING_RECORD, self.errorcode, self.message or self.errorcode, debuginfo)
        return MoodleException(MISSING_RECORD, "invalidrecord",
                               f"Can't find data record in database table {self.table}.", debuginfo)


def missing(table: str | None, query: str, *values: Any, errorcode: str | None = None,
            message: str | None = None) -> RecordMissing:
    return RecordMissing(table, query, values, errorcode, message)


def must_exist(records: Mapping[int, Any], table: str, recordid: int, kind: type[T]) -> T:
    """Moodle's `$DB->get_record(table, ['id' => id], '*', MUST_EXIST)`: the record, else dml_missing_record."""
    record = records.get(recordid)
    if not isinstance(record, kind):
        raise missing(table, f"SELECT * FROM {{{table}}} WHERE id = ?", recordid)
    return record
