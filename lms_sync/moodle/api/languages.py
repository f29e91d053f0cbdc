"""Languages: whether the site has the language pack a course's `lang` needs (Moodle refuses the course otherwise).

There is no list of installed packs on 4.5; asked for a language's own name, Moodle refuses a language it has no pack for.
"""

from __future__ import annotations

from typing import Any

from lms_sync.moodle.api.calls import Call
from lms_sync.moodle.errors import MoodleInputError

LANGUAGE_NAME = "core_get_string"


def language_name(lang: str) -> Call:
    return LANGUAGE_NAME, {"stringid": "thislanguage", "component": "langconfig", "lang": lang}


def has_no_pack(answer: Any) -> bool:
    """PARAM_LANG turns a language without a pack into '', which Moodle answers with invalidparameter."""
    return isinstance(answer, MoodleInputError)
