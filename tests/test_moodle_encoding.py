"""PHP-style form encoding checked against the exact bodies Moodle 4.5 and 5.0 accepted in the recordings."""

from __future__ import annotations

import pytest

from lms_sync.moodle.encoding import count_fields, flatten_params, unflatten_form
from tests.contract import VERSIONS, needs_shared, recordings

pytestmark = needs_shared

ALL = [r for version in VERSIONS for r in recordings(version)]


@pytest.mark.parametrize("recording", ALL, ids=lambda r: f"{r.version}/{r.name}")
def test_encoding_matches_the_recorded_body(recording):
    assert flatten_params(recording.params) == recording.param_fields


def test_nested_lists_booleans_and_none():
    params = {
        "courses": [{"fullname": "A & B", "visible": True, "idnumber": None,
                     "courseformatoptions": [{"name": "hiddensections", "value": 0}]}],
        "options": {"includenotenrolledcourses": False},
        "values": [],
    }
    assert flatten_params(params) == [
        ("courses[0][fullname]", "A & B"),
        ("courses[0][visible]", "1"),
        ("courses[0][courseformatoptions][0][name]", "hiddensections"),
        ("courses[0][courseformatoptions][0][value]", "0"),
        ("options[includenotenrolledcourses]", "0"),
    ]
    assert count_fields(params) == 5


def test_unflatten_is_the_inverse_for_lists_of_structures():
    fields = flatten_params({"enrolments": [{"userid": 5, "courseid": 3}, {"userid": 6, "courseid": 3}],
                             "field": "email"})
    assert unflatten_form(fields) == {
        "enrolments": [{"userid": "5", "courseid": "3"}, {"userid": "6", "courseid": "3"}],
        "field": "email",
    }
