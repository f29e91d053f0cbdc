"""Reads the Moodle token from `moodle.token_file` the way admins write such files: any editor, any Windows tool.

The token is the first line that is neither empty nor a `#` comment, trimmed; UTF-8 (BOM or not) and UTF-16 are read.
"""

from __future__ import annotations

import codecs
import logging
import re
import stat
from pathlib import Path

from lms_sync.redaction import RedactedError, register_secret

log = logging.getLogger("lms_sync.config")
_LOOKS_LIKE_TOKEN = re.compile(r"[A-Za-z0-9_-]{16,}")


class TokenFileProblem(RedactedError):
    """The token file cannot be read or holds no token; the message names the file and the fix."""


def _decode(data: bytes, path: Path) -> str:
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif len(data) >= 2 and data[1:2] == b"\x00" and data[0:1] != b"\x00":
        encoding = "utf-16-le"
    else:
        encoding = "utf-8-sig"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        raise TokenFileProblem(f"moodle.token_file: {path} is not UTF-8 or UTF-16 text; save it as UTF-8") from None


def _warn_if_readable_by_others(path: Path) -> None:
    mode = stat.S_IMODE(path.stat().st_mode)
    if mode & 0o077:
        log.warning("moodle.token_file %s can be read by other users (mode %o): run `chmod 600 %s`", path, mode, path)


def read_token_file(path: Path) -> str:
    """The token in `path`; a `TokenFileProblem` names the file and the fix when there is none."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        if _LOOKS_LIKE_TOKEN.fullmatch(path.name) and not path.exists():
            register_secret(path.name)
            raise TokenFileProblem(
                f"moodle.token_file names no file ({path.name}), and the name looks like a token: put the token "
                "into a file readable by this user only and give that file's path"
            ) from None
        raise TokenFileProblem(
            f"moodle.token_file: cannot read {path} ({exc.strerror}); "
            "create it with the web-service token on its first line, readable by this user only"
        ) from None
    text = _decode(data, path)
    register_secret(text)
    lines = (line.strip().lstrip("\ufeff").strip() for line in text.splitlines())
    token = next((line for line in lines if line and not line.startswith("#")), "")
    if not token:
        raise TokenFileProblem(f"moodle.token_file: {path} holds no token (it is empty or has only # comments); "
                               "put the web-service token on its first line")
    register_secret(token)
    _warn_if_readable_by_others(path)
    return token
