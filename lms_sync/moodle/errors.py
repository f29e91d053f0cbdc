"""The `MoodleError` hierarchy: Moodle's HTTP-200 error objects and transport failures, by what the caller can do.

Classification keys on errorcode only where Moodle's codes are stable; missing-record codes vary and are not used.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, TypeGuard

from lms_sync.redaction import redact


class MoodleError(Exception):
    """A web-service call failed. `str()` names the wsfunction and Moodle's message (never the token)."""

    def __init__(
        self,
        wsfunction: str,
        message: str,
        *,
        errorcode: str | None = None,
        exception: str | None = None,
        debuginfo: str | None = None,
        hint: str | None = None,
    ) -> None:
        self.wsfunction = wsfunction
        self.message = redact(message)
        self.errorcode = errorcode
        self.exception = exception
        self.debuginfo = redact(debuginfo) if debuginfo else None
        self.hint = redact(hint) if hint else None
        super().__init__(str(self))

    def __str__(self) -> str:
        text = f"{self.wsfunction}: {self.message}"
        if self.errorcode and self.errorcode != self.message:
            text += f" [{self.errorcode}]"
        if self.debuginfo:
            text += f" ({self.debuginfo.strip().splitlines()[0][:200]})"
        if self.hint:
            text += f" — {self.hint}"
        return text


class MoodleAuthError(MoodleError):
    """The token is invalid or the function is not in the token's service (`invalidtoken`, `accessexception`)."""


class MoodlePermissionError(MoodleError):
    """The token's user lacks a capability (`nopermissions`, `required_capability_exception`)."""


class MoodleInputError(MoodleError):
    """Moodle refused the parameters (`invalidparameter` and friends); repeating the same call cannot help."""


class MoodleTransientError(MoodleError):
    """A failure that may pass: maintenance mode, a 5xx, a dropped connection. Safe reads are retried."""


class MoodleUnreachable(MoodleTransientError):
    """No usable answer from the site at all (DNS, refused connection, timeout, wrong URL) after retries."""


class MoodleProtocolError(MoodleError):
    """The answer was not Moodle's JSON (an HTML page, PHP warnings, a 404): the site or URL is misconfigured."""


class WriteOutcomeUnknown(MoodleError):
    """A write was sent but no answer came back: it may or may not have been applied. Never repeated blindly."""


SITE_WIDE: tuple[type[MoodleError], ...] = (MoodleAuthError, MoodleProtocolError, MoodleTransientError)
"""The token, the connection or the site itself failed: no other call would fare better, so a command stops there.

A missing capability (`MoodlePermissionError`) may be about one course only: each command says whether it stops.
"""

_AUTH_CODES = {"invalidtoken", "accessexception", "servicenotavailable", "usernotfullysetup", "wsaccessuserdeleted",
               "wsaccessusersuspended", "wsaccessusernologin", "invalidtimedtoken"}
_PERMISSION_CODES = {"nopermissions", "requireloginerror", "nopermission"}
_TRANSIENT_CODES = {"sitemaintenance", "dbconnectionfailed", "dmlreadexception", "dmlwriteexception"}


def error_from_response(wsfunction: str, payload: Mapping[str, Any]) -> MoodleError:
    """Map one of Moodle's error objects (`exception`, `errorcode`?, `message`, `debuginfo`?) to a `MoodleError`."""
    errorcode = payload.get("errorcode")
    exception = str(payload.get("exception", ""))
    message = str(payload.get("message") or errorcode or exception or "unknown error")
    cls: type[MoodleError] = MoodleError
    hint = None
    if errorcode in _TRANSIENT_CODES:
        cls = MoodleTransientError
    elif errorcode in _AUTH_CODES or exception.endswith("webservice_access_exception"):
        cls = MoodleAuthError
        hint = (
            "check the token, and that the function is in the token's external service (run `lms-sync check`)"
            if errorcode != "invalidtoken"
            else "the token is wrong, expired or revoked: create a new one under Site administration › Server › "
            "Web services › Manage tokens"
        )
    elif errorcode in _PERMISSION_CODES or exception.endswith("required_capability_exception"):
        cls = MoodlePermissionError
        hint = "give the web-service user's role the capability named above (see README: least-privilege setup)"
    elif errorcode == "invalidparameter" or exception.endswith("invalid_parameter_exception") or exception == "TypeError":
        cls = MoodleInputError
    elif errorcode == "errorcoursecontextnotvalid":
        hint = ("the web-service user cannot enter this course: give its role moodle/course:view there (or lift the "
                "override that prohibits it)")
    elif errorcode == "errorinvalidparam" and '"lang"' in message:
        cls = MoodleInputError
        hint = ("Moodle has no language pack for the course's language: install it (Site administration › Language "
                "› Language packs) or remove `language` from the course template")
    return cls(
        wsfunction,
        message,
        errorcode=str(errorcode) if errorcode is not None else None,
        exception=exception or None,
        debuginfo=payload.get("debuginfo"),
        hint=hint,
    )


def is_error_object(payload: Any) -> TypeGuard[Mapping[str, Any]]:
    return isinstance(payload, dict) and "exception" in payload and "message" in payload
