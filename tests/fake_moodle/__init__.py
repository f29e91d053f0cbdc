"""A stateful, in-memory fake Moodle speaking the REST web-service protocol, true to the recorded contract.

`FakeMoodle(version)` is an httpx handler; `FakeMoodle.contract_site(version)` seeds the recorded site's data.
"""

from tests.fake_moodle.builders import rated_presentation
from tests.fake_moodle.seed import NO_CAPABILITY_TOKEN
from tests.fake_moodle.server import MOODLE_VERSIONS, FakeMoodle

__all__ = ["MOODLE_VERSIONS", "NO_CAPABILITY_TOKEN", "FakeMoodle", "rated_presentation"]
