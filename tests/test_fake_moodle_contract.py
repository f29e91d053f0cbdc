"""The fake Moodle agrees with the real one: every recorded request, replayed in order against the seeded fake,
gets an answer of the same outcome, error identity, and keys and JSON value types (recursively, JSON-in-strings too).

The recordings live in ../shared/moodle-contract/ (see tests/contract.py); the seed mirrors the recorded site.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from tests.contract import Recording, needs_shared, recordings
from tests.fake_moodle import MOODLE_VERSIONS, NO_CAPABILITY_TOKEN, FakeMoodle

pytestmark = needs_shared

# Recordings the fake does not replay, with the reason. Asserted below, so the list cannot grow unnoticed.
EXCLUDED: dict[str, str] = {}
# Recordings made as the user with only webservice/rest:use (README: 078, 079, 096).
AS_USER_WITHOUT_CAPABILITIES = ("078-", "079-", "096-")


def _prepare(fake: FakeMoodle, recording: Recording) -> str:
    """Put the fake in the situation the recording describes; returns the token to send."""
    fake.debug = "--debug-normal" in recording.name
    fake.allowed_functions = set(fake.handlers)
    if "function-not-in-service" in recording.name:
        fake.allowed_functions.discard(recording.wsfunction)
    if "subsection-module-enabled" in recording.name:
        fake.enable_module("subsection")  # 4.5 file 103: an administrator enabled mod_subsection first
    if "invalid-token" in recording.name:
        return "not-a-valid-token"
    if recording.name.startswith(AS_USER_WITHOUT_CAPABILITIES):
        return NO_CAPABILITY_TOKEN
    return fake.token


def _send(fake: FakeMoodle, recording: Recording, token: str) -> httpx.Response:
    fields = [("wstoken", token) if name == "wstoken" else (name, value) for name, value in recording.body_fields]
    with httpx.Client(transport=httpx.MockTransport(fake), base_url=fake.url) as client:
        return client.post("/webservice/rest/server.php", content=urlencode(fields),
                           headers={"Content-Type": "application/x-www-form-urlencoded"})


def _xml_value(element: ElementTree.Element) -> Any:
    """Moodle's REST XML as JSON-like data: SINGLE → dict, MULTIPLE → list, VALUE → str or None."""
    if element.tag == "SINGLE":
        return {key.get("name"): _xml_value(key[0]) if len(key) else None for key in element}
    if element.tag == "MULTIPLE":
        return [_xml_value(child) for child in element]
    if element.tag == "VALUE":
        return None if element.get("null") == "null" else (element.text or "")
    if element.tag == "EXCEPTION":
        return {"exception": element.get("class"), **{child.tag.lower(): child.text for child in element}}
    return _xml_value(element[0]) if len(element) else None


def _decoded(value: Any) -> Any:
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def shape_differences(recorded: Any, actual: Any, path: str = "$") -> list[str]:
    """Where `actual` differs from `recorded` in keys or value types (null in the recording accepts anything)."""
    recorded, actual = _decoded(recorded), _decoded(actual)
    if recorded is None:
        return []
    if _kind(recorded) != _kind(actual):
        return [f"{path}: recorded {_kind(recorded)}, fake {_kind(actual)} ({str(actual)[:80]!r})"]
    if isinstance(recorded, dict):
        problems = []
        if set(recorded) != set(actual):
            missing, extra = sorted(set(recorded) - set(actual)), sorted(set(actual) - set(recorded))
            problems.append(f"{path}: keys missing {missing}, unexpected {extra}")
        for key in set(recorded) & set(actual):
            problems += shape_differences(recorded[key], actual[key], f"{path}.{key}")
        return problems
    if isinstance(recorded, list):
        if bool(recorded) != bool(actual):
            return [f"{path}: recorded {len(recorded)} entries, fake {len(actual)}"]
        problems = []
        for index, item in enumerate(actual):
            if all(shape_differences(candidate, item) for candidate in recorded):
                problems += [f"{path}[{index}] matches no recorded entry: "
                             + "; ".join(shape_differences(recorded[0], item, f"{path}[{index}]"))]
        for index, item in enumerate(recorded):
            if all(shape_differences(item, candidate) for candidate in actual):
                problems.append(f"{path}: no fake entry has the shape of recorded entry {index}")
        return problems
    return []


def _error_differences(recorded: dict[str, Any], actual: Any) -> list[str]:
    if not isinstance(actual, dict) or "exception" not in actual:
        return [f"recorded an exception {recorded.get('errorcode')!r}, fake answered {str(actual)[:120]}"]
    return [
        f"{key}: recorded {recorded.get(key)!r}, fake {actual.get(key)!r}"
        for key in ("exception", "errorcode")
        if recorded.get(key) != actual.get(key)
    ] + (["debuginfo presence differs"] if ("debuginfo" in recorded) != ("debuginfo" in actual) else [])


def compare(recording: Recording, response: httpx.Response) -> list[str]:
    if recording.format == "json":
        recorded, actual = recording.response, response.json()
    else:
        recorded = _xml_value(ElementTree.fromstring(recording.response.encode("utf-8")))
        actual = _xml_value(ElementTree.fromstring(response.content))
    if recording.outcome == "exception":
        return _error_differences(recorded, actual)
    if isinstance(actual, dict) and "exception" in actual and not (isinstance(recorded, dict) and "exception" in recorded):
        return [f"recorded ok, fake raised {actual.get('errorcode')!r}: {actual.get('message')}"]
    return shape_differences(recorded, actual)


@pytest.mark.parametrize("version", MOODLE_VERSIONS)
def test_every_recorded_call_gets_an_answer_of_the_same_shape(version: str) -> None:
    fake = FakeMoodle.contract_site(version)  # type: ignore[arg-type]
    replayed, problems = 0, []
    for recording in recordings(version):
        if recording.name in EXCLUDED:
            continue
        token = _prepare(fake, recording)
        problems += [f"{recording.name}: {problem}" for problem in compare(recording, _send(fake, recording, token))]
        replayed += 1

    assert not problems, "\n".join(problems)
    assert replayed == len(recordings(version)) - len(EXCLUDED)


def test_the_exclusions_are_exactly_the_documented_ones() -> None:
    assert EXCLUDED == {}


def test_the_comparison_notices_a_changed_type_and_a_missing_key() -> None:
    recorded = {"courses": [{"id": 3, "fullname": "x", "visible": 1}], "warnings": []}

    assert shape_differences(recorded, {"courses": [{"id": "3", "fullname": "x", "visible": 1}], "warnings": []})
    assert shape_differences(recorded, {"courses": [{"id": 3, "fullname": "x"}], "warnings": []})
    assert not shape_differences(recorded, {"courses": [{"id": 4, "fullname": "y", "visible": 0}], "warnings": []})
