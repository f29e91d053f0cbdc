"""The live Moodle that ../shared/moodle/up.sh starts, as tests see it: web services, PHP and its own CLI tools.

Assertions go through here, never through lms-sync's own client: Moodle's answers and tables are the truth.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import textwrap
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import httpx

from lms_sync.moodle.encoding import flatten_params

SHARED_MOODLE = Path(__file__).resolve().parents[3] / "shared" / "moodle"
ENV_URL = "LMS_SYNC_LIVE_MOODLE_URL"


class MoodleSaysNo(Exception):
    """Moodle answered a web-service call with an error object."""

    def __init__(self, answer: dict[str, Any]) -> None:
        super().__init__(f"{answer.get('errorcode')}: {answer.get('message')}")
        self.answer = answer


@dataclass
class LiveMoodle:
    """One running site: its URL, the admin token (syncbot), the minimal token, its code folder and web-server PID."""

    url: str
    token_file: Path
    min_token_file: Path
    code_dir: Path
    pid: int
    _http: httpx.Client = field(default_factory=lambda: httpx.Client(timeout=120), repr=False)

    @classmethod
    def from_environment(cls) -> LiveMoodle | None:
        if not os.environ.get(ENV_URL):
            return None
        return cls(
            url=os.environ[ENV_URL].rstrip("/"),
            token_file=Path(os.environ["LMS_SYNC_LIVE_MOODLE_TOKEN_FILE"]),
            min_token_file=Path(os.environ["LMS_SYNC_LIVE_MOODLE_MIN_TOKEN_FILE"]),
            code_dir=Path(os.environ["LMS_SYNC_LIVE_MOODLE_DIR"]),
            pid=int(os.environ["LMS_SYNC_LIVE_MOODLE_PID"]),
        )

    @property
    def token(self) -> str:
        return self.token_file.read_text(encoding="utf-8").strip()

    def ws(self, wsfunction: str, token: str | None = None, **params: Any) -> Any:
        """Call a web-service function as syncbot (or with `token`); raise MoodleSaysNo on an error object."""
        fields = [("wstoken", token or self.token), ("wsfunction", wsfunction), ("moodlewsrestformat", "json")]
        response = self._http.post(f"{self.url}/webservice/rest/server.php", content=urlencode(fields + flatten_params(params)),
                                   headers={"Content-Type": "application/x-www-form-urlencoded"})
        response.raise_for_status()
        answer = response.json()
        if isinstance(answer, dict) and "exception" in answer:
            raise MoodleSaysNo(answer)
        return answer

    def php(self, body: str) -> Any:
        """Run PHP as a Moodle CLI script (config loaded, `$DB`, `$CFG` at hand); `body` returns a JSON-able value."""
        script = "<?php\ndefine('CLI_SCRIPT', true);\n" f"require({json.dumps(str(self.code_dir / 'config.php'))});\n"
        script += "$lmssyncresult = (function() {\nglobal $DB, $CFG, $USER;\n" + textwrap.dedent(body) + "\n})();\n"
        script += "echo \"\\n@@LMS-SYNC-RESULT@@\" . json_encode($lmssyncresult);\n"
        completed = subprocess.run(["php"], input=script, capture_output=True, text=True, timeout=600, check=False)
        marker = "@@LMS-SYNC-RESULT@@"
        if completed.returncode != 0 or marker not in completed.stdout:
            raise AssertionError(f"PHP failed ({completed.returncode}):\n{completed.stdout[-3000:]}\n{completed.stderr[-3000:]}")
        return json.loads(completed.stdout.rsplit(marker, 1)[1])

    def records(self, sql: str, params: dict[str, Any] | None = None) -> list[dict[str, Any]]:
        """Rows of a read-only SQL query on Moodle's own database (`{table}` names, `:named` parameters)."""
        body = f"return array_values(array_map(fn($r) => (array)$r, $DB->get_records_sql({json.dumps(sql)}, " \
               f"json_decode({json.dumps(json.dumps(params or {}))}, true))));"
        return list(self.php(body))

    def count(self, table: str, where: str = "1=1", params: dict[str, Any] | None = None) -> int:
        """How many rows of Moodle's table `table` (without prefix) match `where`."""
        body = f"return $DB->count_records_select({json.dumps(table)}, {json.dumps(where)}, " \
               f"json_decode({json.dumps(json.dumps(params or {}))}, true));"
        return int(self.php(body))

    def admin_cli(self, script: str, *args: str) -> subprocess.CompletedProcess[str]:
        """Run one of Moodle's own admin/cli scripts as an admin would."""
        return subprocess.run(["php", str(self.code_dir / "admin" / "cli" / script), *args],
                              capture_output=True, text=True, timeout=900, check=False)

    def stop_web_server(self) -> None:
        """Kill the web server (its process group, workers included), as a crash of the site would."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.pid, sig)
            deadline = time.monotonic() + 10
            while time.monotonic() < deadline and self._answers():
                time.sleep(0.1)
            if not self._answers():
                return
        # A stale LMS_SYNC_LIVE_MOODLE_PID (or MOODLE_LAB_* not exported for restart.sh) would make a crash test pass
        # or fail for the wrong reason.
        raise AssertionError(f"the web server still answers after killing process group {self.pid}")

    def restart_web_server(self) -> None:
        """Start the web server again on the same site (../shared/moodle/restart.sh) and wait until it answers."""
        # restart.sh finds its site by MOODLE_LAB_HOME/PORT, defaulting to the first site's: name this one, or a test on a
        # second site would stop the first (a CI run saw 'Terminated: 15' as an answer when that happened).
        site = {"MOODLE_LAB_HOME": str(self.code_dir.parent), "MOODLE_LAB_PORT": str(urlsplit(self.url).port or 80)}
        out = subprocess.run(["bash", str(SHARED_MOODLE / "restart.sh")], capture_output=True, text=True,
                             timeout=60, check=True, env=os.environ | site).stdout
        self.pid = int(out.strip().rsplit("=", 1)[1])
        os.environ["LMS_SYNC_LIVE_MOODLE_PID"] = str(self.pid)
        deadline = time.monotonic() + 30
        while not self._answers():
            if time.monotonic() > deadline:
                raise AssertionError("the restarted Moodle does not answer")
            time.sleep(0.2)

    def _answers(self) -> bool:
        try:
            self.ws("core_webservice_get_site_info")
        except (httpx.HTTPError, MoodleSaysNo, ValueError):  # ValueError: a dying server's empty or cut-off answer
            return False
        return True
