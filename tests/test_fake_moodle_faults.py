"""Fault injection of the fake Moodle, seen through the real MoodleClient: what sync tests build on.

Timeouts after a write was applied, refused connections, 503 bursts, HTML pages, PHP warnings, crashes.
"""

from __future__ import annotations

import threading
import time

import httpx
import pytest
from pydantic import SecretStr

from lms_sync.moodle.client import MoodleClient
from lms_sync.moodle.errors import MoodleAuthError, MoodleProtocolError, MoodleUnreachable, WriteOutcomeUnknown
from tests.fake_moodle import FakeMoodle

_COURSE = {"fullname": "Kurs", "shortname": "K", "categoryid": 1}


def test_timeout_on_a_write_applies_it_and_leaves_the_outcome_unknown(
    fake_moodle: FakeMoodle, moodle_client: MoodleClient
) -> None:
    fake_moodle.inject("timeout", wsfunction="core_course_create_courses")

    with pytest.raises(WriteOutcomeUnknown):
        moodle_client.call("core_course_create_courses", courses=[_COURSE])

    assert [c.shortname for c in fake_moodle.site.courses.values()] == ["K"]
    assert fake_moodle.calls["core_course_create_courses"] == 1


def test_connect_error_happens_before_anything_is_applied(fake_moodle: FakeMoodle,
                                                          moodle_client: MoodleClient) -> None:
    fake_moodle.inject("connect_error", at_request=0)

    [created] = moodle_client.call("core_course_create_courses", courses=[_COURSE])

    assert created["shortname"] == "K"
    assert len(fake_moodle.site.courses) == 1
    assert [name for name, _ in fake_moodle.requests] == ["core_course_create_courses"] * 2


@pytest.mark.parametrize("kind", ["http503", "html", "html200", "exception"])
def test_a_transient_failure_of_a_read_is_retried(fake_moodle: FakeMoodle, moodle_client: MoodleClient,
                                                  kind: str) -> None:
    fake_moodle.inject(kind, wsfunction="core_webservice_get_site_info", times=2)

    info = moodle_client.call("core_webservice_get_site_info")

    assert info["username"] == "syncbot"
    assert len(fake_moodle.requests) == 3


def test_http503_names_a_retry_after(fake_moodle: FakeMoodle) -> None:
    fake_moodle.inject("http503")

    response = httpx.post(f"{fake_moodle.url}/webservice/rest/server.php", data={"wsfunction": "x"})

    assert response.status_code == 503 and response.headers["Retry-After"] == "1"


def test_php_warning_before_the_json_is_a_protocol_error(fake_moodle: FakeMoodle,
                                                         moodle_client: MoodleClient) -> None:
    fake_moodle.inject("php_warning")

    with pytest.raises(MoodleProtocolError):
        moodle_client.call("core_webservice_get_site_info")


def test_crash_fails_every_request_from_then_on_until_recovery(fake_moodle: FakeMoodle,
                                                               moodle_client: MoodleClient) -> None:
    moodle_client.retries = 0
    fake_moodle.crash_at(1)
    moodle_client.call("core_webservice_get_site_info")

    for _ in range(2):
        with pytest.raises(MoodleUnreachable):
            moodle_client.call("core_webservice_get_site_info")
    fake_moodle.recover()

    assert moodle_client.call("core_webservice_get_site_info")["userid"] == 3


def test_token_revoked_mid_run(fake_moodle: FakeMoodle, moodle_client: MoodleClient) -> None:
    moodle_client.call("core_webservice_get_site_info")
    fake_moodle.revoke_token()

    with pytest.raises(MoodleAuthError):
        moodle_client.call("core_course_get_courses_by_field", field="id", value="1")


def test_wrong_path_and_unknown_host(fake_moodle: FakeMoodle) -> None:
    assert httpx.post(f"{fake_moodle.url}/moodle/webservice/rest/server.php").status_code == 404
    with pytest.raises(httpx.ConnectError):
        httpx.post("https://elsewhere.test/webservice/rest/server.php")


def test_latency_is_real_time_and_overlaps_between_threads() -> None:
    fake = FakeMoodle()
    fake.latency = 0.1
    client = MoodleClient(fake.url, SecretStr(fake.token), transport=httpx.MockTransport(fake))
    started = time.perf_counter()
    threads = [threading.Thread(target=client.call, args=("core_webservice_get_site_info",)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    elapsed = time.perf_counter() - started
    assert 0.1 <= elapsed < 0.35
    assert fake.calls["core_webservice_get_site_info"] == 4
