"""MoodleClient behaviour at the protocol level: errors, non-JSON answers, retries, batching, the ledger, secrecy."""

from __future__ import annotations

import json
import logging
from urllib.parse import parse_qsl

import httpx
import pytest
from pydantic import SecretStr

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import (
    MoodleAuthError,
    MoodleError,
    MoodleInputError,
    MoodlePermissionError,
    MoodleProtocolError,
    MoodleUnreachable,
    WriteOutcomeUnknown,
)
from lms_sync.moodle.functions import BATCH_FUNCTION
from tests.contract import needs_shared, recordings

TOKEN = "0123456789abcdef0123456789abcdef"


class Script:
    """A transport handler answering from a list of responses (or exceptions), recording what was sent."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent: list[dict[str, str]] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.sent.append(dict(parse_qsl(request.content.decode(), keep_blank_values=True)))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, Exception):
            raise answer
        return answer


def json_response(payload, status=200, headers=None):
    return httpx.Response(status, json=payload, headers=headers)


def make_client(handler, **options):
    sleeps: list[float] = []
    client = MoodleClient("https://moodle.test", SecretStr(TOKEN), transport=httpx.MockTransport(handler),
                          sleep=sleeps.append, **options)
    return client, sleeps


def recorded(version, name):
    return next(r for r in recordings(version) if r.name == name)


@needs_shared
@pytest.mark.parametrize("version", ["4.5", "5.0"])
@pytest.mark.parametrize(
    "name, error_class",
    [
        ("002-core_webservice_get_site_info--error-invalid-token", MoodleAuthError),
        ("080-core_course_get_courses_by_field--error-function-not-in-service", MoodleAuthError),
        ("078-core_course_create_courses--error-missing-capability", MoodlePermissionError),
        ("007-core_course_get_courses_by_field--error-invalid-field", MoodleInputError),
        ("090-core_user_create_users--error-duplicate-username--debug-normal", MoodleInputError),
        ("038-enrol_manual_enrol_users--error-unknown-user", MoodleError),
        ("010-core_course_create_courses--error-duplicate-shortname", MoodleError),
    ],
)
def test_recorded_http_200_error_objects_become_typed_errors(version, name, error_class):
    recording = recorded(version, name)
    client, _ = make_client(Script(json_response(recording.response)))
    with pytest.raises(error_class) as caught:
        client.call(recording.wsfunction, **recording.params)
    text = str(caught.value)
    assert recording.wsfunction in text
    assert recording.response["message"][:40] in text
    assert caught.value.errorcode == recording.response.get("errorcode")


@needs_shared
def test_the_4_5_type_error_object_without_errorcode_is_an_input_error():
    recording = recorded("4.5", "038-enrol_manual_enrol_users--error-unknown-user")
    assert "errorcode" not in recording.response
    client, _ = make_client(Script(json_response(recording.response)))
    with pytest.raises(MoodleInputError, match="get_name_placeholders"):
        client.call("enrol_manual_enrol_users", repeat_safe=True, enrolments=[{"roleid": 5, "userid": 1, "courseid": 3}])


def test_request_carries_token_function_json_format_and_flattened_params():
    script = Script(json_response({"courses": [], "warnings": []}))
    client, _ = make_client(script)
    assert client.call("core_course_get_courses_by_field", field="idnumber", value="x") == {"courses": [], "warnings": []}
    assert script.sent[0] == {"wstoken": TOKEN, "wsfunction": "core_course_get_courses_by_field",
                              "moodlewsrestformat": "json", "field": "idnumber", "value": "x"}


def test_null_result_is_returned_as_none():
    client, _ = make_client(Script(httpx.Response(200, text="null")))
    assert client.call("enrol_manual_enrol_users", enrolments=[]) is None


@pytest.mark.parametrize(
    "response, fragment",
    [
        (httpx.Response(200, text="<!DOCTYPE html><html><title>Log in to the site</title></html>"), "HTML page"),
        (httpx.Response(404, text="<html>Not Found</html>"), "does not exist"),
        (httpx.Response(200, text="<b>Notice</b>: Undefined index in /var/www/x.php\n{\"courses\": []}"), "PHP warnings"),
    ],
)
def test_non_json_answers_are_protocol_errors_with_a_hint(response, fragment):
    client, _ = make_client(Script(response))
    with pytest.raises(MoodleProtocolError) as caught:
        client.call("core_webservice_get_site_info")
    assert fragment in str(caught.value)
    assert response.text[:20].split()[0] in str(caught.value)


def test_reads_are_retried_with_backoff_and_retry_after_is_honoured():
    script = Script(
        httpx.Response(503, text="busy", headers={"Retry-After": "7"}),
        httpx.ConnectError("refused"),
        httpx.Response(502, text="bad gateway"),
        json_response({"sitename": "x"}),
    )
    client, sleeps = make_client(script, retries=4, backoff=0.5)
    assert client.call("core_webservice_get_site_info") == {"sitename": "x"}
    assert len(script.sent) == 4
    assert sleeps[0] == 7
    assert 1.0 <= sleeps[1] <= 1.5 and 2.0 <= sleeps[2] <= 2.5  # exponential with jitter
    entry = client.ledger.snapshot()["core_webservice_get_site_info"]
    assert (entry.calls, entry.requests, entry.retries) == (1, 4, 3)


def test_retries_stop_after_the_configured_number_and_report_unreachable():
    client, sleeps = make_client(Script(httpx.ConnectTimeout("no route")), retries=2)
    with pytest.raises(MoodleUnreachable, match="cannot connect"):
        client.call("core_webservice_get_site_info")
    assert len(sleeps) == 2


def test_a_write_that_timed_out_after_sending_is_not_repeated_but_reported_unknown():
    script = Script(httpx.ReadTimeout("slow"), json_response([{"id": 4, "shortname": "X"}]))
    client, sleeps = make_client(script, retries=3)
    with pytest.raises(WriteOutcomeUnknown, match="may or may not"):
        client.call("core_course_create_courses", courses=[{"fullname": "X", "shortname": "X", "categoryid": 1}])
    assert len(script.sent) == 1 and sleeps == []


def test_a_write_is_repeated_when_the_caller_says_it_is_safe():
    script = Script(httpx.ReadTimeout("slow"), httpx.Response(200, text="null"))
    client, _ = make_client(script)
    enrolment = {"roleid": 5, "userid": 1, "courseid": 3}
    assert client.call("enrol_manual_enrol_users", repeat_safe=True, enrolments=[enrolment]) is None
    assert len(script.sent) == 2


def test_a_write_refused_up_front_is_repeated_even_when_not_marked_safe():
    script = Script(httpx.Response(503, text="maintenance"), json_response([{"id": 4, "shortname": "X"}]))
    client, _ = make_client(script)
    assert client.call("core_course_create_courses", courses=[]) == [{"id": 4, "shortname": "X"}]


def test_array_calls_are_split_under_the_form_field_limit():
    script = Script(httpx.Response(200, text="null"))
    client, _ = make_client(script, max_form_fields=100)
    enrolments = [{"roleid": 5, "userid": i, "courseid": 3} for i in range(100)]
    client.call_chunked("enrol_manual_enrol_users", "enrolments", enrolments, repeat_safe=True)
    assert all(len(body) <= 100 for body in script.sent)
    sent_users = [v for body in script.sent for k, v in body.items() if k.endswith("[userid]")]
    assert sent_users == [str(i) for i in range(100)]
    assert len(script.sent) == 4  # 97 usable fields / 3 per enrolment = 32 per request


def _batch_handler(functions):
    def handler(request: httpx.Request) -> httpx.Response:
        body = parse_qsl(request.content.decode())
        fields = dict(body)
        if fields["wsfunction"] == "core_webservice_get_site_info":
            return json_response({"functions": [{"name": n, "version": "1"} for n in functions]})
        if fields["wsfunction"] == BATCH_FUNCTION:
            responses = []
            index = 0
            while f"requests[{index}][function]" in fields:
                args = json.loads(fields[f"requests[{index}][arguments]"])
                if args.get("courseid") == 999:
                    responses.append({"error": True, "exception": json.dumps(
                        {"errorcode": "invalidrecord", "message": "Can't find data record in database."})})
                    break
                responses.append({"error": False, "data": json.dumps({"echo": args["courseid"]})})
                index += 1
            return json_response({"responses": responses})
        return json_response({"echo": int(fields["courseid"])})
    return handler


def test_read_many_uses_the_mobile_batch_function_and_resumes_after_an_inner_error():
    client, _ = make_client(_batch_handler({BATCH_FUNCTION, "core_course_get_contents"}))
    calls = [("core_course_get_contents", {"courseid": c}) for c in (1, 2, 999, 4)]
    results = client.read_many(calls)
    assert results[:2] == [{"echo": 1}, {"echo": 2}] and results[3] == {"echo": 4}
    assert isinstance(results[2], MoodleError) and "Can't find data record" in str(results[2])
    assert client.ledger.snapshot()[BATCH_FUNCTION].calls == 2  # stopped at the error, resumed after it


def test_read_many_falls_back_to_single_calls_without_the_batch_function():
    client, _ = make_client(_batch_handler({"core_course_get_contents"}))
    results = client.read_many([("core_course_get_contents", {"courseid": c}) for c in (1, 2, 3)])
    assert results == [{"echo": 1}, {"echo": 2}, {"echo": 3}]
    assert BATCH_FUNCTION not in client.ledger.snapshot()


def test_the_token_never_appears_in_errors_reprs_or_logs(caplog):
    leaky = Script(
        httpx.ConnectError(f"failed for wstoken={TOKEN}"),
        json_response({"exception": "moodle_exception", "errorcode": "x", "message": f"bad {TOKEN}",
                       "debuginfo": f"token {TOKEN}"}),
    )
    client, _ = make_client(leaky, retries=1)
    caplog.set_level(logging.DEBUG, logger="lms_sync")
    import io

    from lms_sync.logs import configure_logging
    stream = io.StringIO()
    configure_logging(verbose=True, log_file=None, as_json=False, stream=stream)
    with pytest.raises(MoodleError) as caught:
        client.call("core_webservice_get_site_info")
    logging.getLogger("lms_sync.test").error("context %s", TOKEN, exc_info=caught.value)
    assert TOKEN not in str(caught.value) and TOKEN not in repr(client)
    assert TOKEN not in stream.getvalue()
    assert "retrying core_webservice_get_site_info" in stream.getvalue()
