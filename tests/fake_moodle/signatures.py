"""Moodle's own parameter and return descriptions, and its generic validation of both (external_api semantics).

Recorded functions come from signatures/moodle-<version>.json (the contract's _signatures.json without prose);
functions the recordings do not cover are described in `extra_signatures.py` from Moodle's source.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any

from tests.fake_moodle.errors import InvalidParameter, invalid_parameter
from tests.fake_moodle.extra_signatures import extra_signatures
from tests.fake_moodle.handlers import competency_ratings

_HERE = Path(__file__).parent / "signatures"
REQUIRED, DEFAULT, OPTIONAL = 1, 0, 2

# PARAM_* types whose cleaning can change a value; a changed value is what Moodle rejects as invalid.
_PATTERNS = {
    "int": re.compile(r"-?\d+"),
    "alpha": re.compile(r"[a-zA-Z]*"),
    "alphaext": re.compile(r"[a-zA-Z/_-]*"),
    "alphanum": re.compile(r"[a-zA-Z0-9]*"),
    "alphanumext": re.compile(r"[a-zA-Z0-9_-]*"),
    "plugin": re.compile(r"[a-z][a-z0-9_]*|"),
    "component": re.compile(r"[a-z][a-z0-9_]*|"),
    "area": re.compile(r"[a-z][a-z0-9_]*|"),
    "safedir": re.compile(r"[a-zA-Z0-9_-]*"),
    "username": re.compile(r"[a-z0-9_.@-]*"),
    "float": re.compile(r"-?\d+(\.\d+)?"),
    # clean_param() turns a capability it does not know into ''; the fake knows them by their shape
    # (`moodle/course:view`, `mod/feedback:complete`), and '' itself is valid.
    "capability": re.compile(r"[a-z][a-z0-9_]*/[a-z][a-z0-9_]*:[a-z][a-z0-9_]*|"),
}
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


@cache
def signatures(version: str) -> dict[str, dict[str, Any]]:
    """Every function description the fake knows for `version`: wsfunction -> {type, parameters, returns}."""
    recorded = json.loads((_HERE / f"moodle-{version}.json").read_text(encoding="utf-8"))
    other = json.loads((_HERE / f"moodle-{'5.0' if version == '4.5' else '4.5'}.json").read_text(encoding="utf-8"))
    merged = dict(recorded)
    # 5.0 still has the deprecated quick-create function; its description is 4.5's.
    if version == "5.0":
        merged["core_courseformat_create_module"] = other["core_courseformat_create_module"]
    for name, description in {**extra_signatures(merged), **competency_ratings.signatures(merged)}.items():
        merged.setdefault(name, description)
    return merged


def _type_error(value: Any, expected: str) -> Exception:
    return invalid_parameter(
        f'Invalid external api parameter: the value is "{value}", the server was expecting "{expected}" type'
    )


def _validate_value(description: dict[str, Any], value: Any) -> Any:
    expected = description["type"]
    if isinstance(value, (dict, list)):
        raise invalid_parameter("Scalar type expected, array or object received.")
    if expected == "bool":
        if isinstance(value, bool) or value in (0, 1, "0", "1"):
            return bool(int(value))
        raise _type_error(value, expected)
    text = str(value)
    if expected == "email":
        if text and not _EMAIL.fullmatch(text):
            raise _type_error(value, expected)
        return text
    pattern = _PATTERNS.get(expected)
    if pattern is not None and not pattern.fullmatch(text):
        raise _type_error(value, expected)
    if expected == "int":
        return int(text)
    if expected == "float":
        return float(text)
    return text


def validate_parameters(description: dict[str, Any] | None, params: Any) -> Any:
    """Moodle's external_api::validate_parameters: required keys, defaults, types; unexpected keys are refused."""
    if description is None:
        return None
    if "object" in description:
        if not isinstance(params, dict):
            raise invalid_parameter("Only arrays accepted. The bad value is: '" + str(params) + "'")
        remaining = dict(params)
        result: dict[str, Any] = {}
        for key, sub in description["object"].items():
            if key not in remaining:
                if sub.get("required") == REQUIRED:
                    raise invalid_parameter(f"Missing required key in single structure: {key}")
                if sub.get("required") == DEFAULT:
                    result[key] = _default(sub)
                continue
            value = remaining.pop(key)
            try:
                result[key] = validate_parameters(sub, value)
            except InvalidParameter as exc:
                raise invalid_parameter(f"{key} => Invalid parameter value detected: {exc.debuginfo}") from None
        if remaining:
            raise invalid_parameter(f"Unexpected keys ({', '.join(remaining)}) detected in parameter array.")
        return result
    if "list_of" in description:
        if params == "" or params == {}:
            return []
        if not isinstance(params, list):
            raise invalid_parameter("Only arrays accepted. The bad value is: '" + str(params) + "'")
        return [validate_parameters(description["list_of"], item) for item in params]
    return _validate_value(description, params)


def _default(description: dict[str, Any]) -> Any:
    if "default" in description:
        default = description["default"]
        if "type" in description and default is not None:
            return clean_returnvalue(description, default)
        return default
    if "list_of" in description:
        return []
    if "object" in description:
        return {}
    return None


def clean_returnvalue(description: dict[str, Any] | None, value: Any) -> Any:
    """Moodle's external_api::clean_returnvalue: cast scalars, drop undeclared keys, apply defaults.

    A missing required key is a bug in the fake (Moodle itself would answer invalidresponse), so it raises.
    """
    if description is None:
        return None
    if "object" in description:
        if value == []:
            value = {}
        if not isinstance(value, dict):
            raise AssertionError(f"fake returned {value!r} where Moodle returns a single structure")
        result: dict[str, Any] = {}
        for key, sub in description["object"].items():
            if key not in value:
                if sub.get("required") == REQUIRED:
                    raise AssertionError(f"fake response lacks required key {key!r}")
                if sub.get("required") == DEFAULT and "type" in sub:
                    result[key] = _default(sub)
                continue
            result[key] = clean_returnvalue(sub, value[key])
        return result or []  # an empty PHP array is encoded as a JSON list
    if "list_of" in description:
        if not isinstance(value, (list, tuple)):
            raise AssertionError(f"fake returned {value!r} where Moodle returns a list")
        return [clean_returnvalue(description["list_of"], item) for item in value]
    if value is None:
        return None
    expected = description["type"]
    if expected == "raw":
        return value  # PARAM_RAW is returned untouched: PHP ints and booleans stay what they are
    if expected == "int":
        return int(value)
    if expected == "bool":
        return bool(value)
    if expected == "float":
        return float(value)
    return str(value)
