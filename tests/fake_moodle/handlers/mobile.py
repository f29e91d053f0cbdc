"""tool_mobile_call_external_functions: several calls in one request, as admin/tool/mobile/classes/external.php.

Each answer is `{"error": false, "data": "<json>"}` or `{"error": true, "exception": "<json>"}`; the batch stops at
the first error, and a function outside the token's service is refused with `accessexception`.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from tests.fake_moodle.errors import MoodleException, RecordMissing, access_exception

if TYPE_CHECKING:
    from tests.fake_moodle.server import FakeMoodle


def _exception_info(fake: FakeMoodle, error: MoodleException) -> str:
    # get_exception_info() without the class name; debuginfo only at DEVELOPER level, which the fake never is
    info = {"message": error.message, "errorcode": error.errorcode or "", "link": f"{fake.url}/",
            "moreinfourl": f"https://docs.moodle.org/en/error/moodle/{error.errorcode or ''}"}
    return json.dumps(info, ensure_ascii=False)


def call_external_functions(fake: FakeMoodle, params: dict[str, Any]) -> dict[str, Any]:
    responses = []
    for request in params["requests"]:
        try:
            arguments = json.loads(request["arguments"])
        except ValueError:
            arguments = {}
        try:
            if request["function"] not in fake.allowed_functions:
                raise access_exception(request["function"])
            data = fake.call_function(request["function"], arguments if isinstance(arguments, dict) else {})
        except RecordMissing as missing_record:
            error = missing_record.error(fake.version, fake.debug)
            responses.append({"error": True, "exception": _exception_info(fake, error)})
            break
        except MoodleException as error:
            responses.append({"error": True, "exception": _exception_info(fake, error)})
            break
        responses.append({"error": False, "data": json.dumps(data, ensure_ascii=False)})
    return {"responses": responses}


HANDLERS = {"tool_mobile_call_external_functions": call_external_functions}
