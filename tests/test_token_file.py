"""The token file as admins write it: PowerShell's UTF-16, Notepad's BOM, a comment line, trailing blanks; an empty
file and a file others can read are said so, naming the file."""

from __future__ import annotations

import codecs

import pytest
from pydantic import SecretStr

from lms_sync.config import ConfigError, MoodleSettings

TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize("content", [
    TOKEN.encode("utf-16"),                                     # PowerShell 5: Out-File / > (UTF-16 LE with BOM)
    (TOKEN + "\r\n").encode("utf-16-le"),                       # UTF-16 without BOM
    codecs.BOM_UTF8 + TOKEN.encode() + b"\r\n",                  # Notepad's UTF-8 with BOM
    f"# lms-sync token, created 2026-11-02\n\n  {TOKEN}  \nold-token\n".encode(),
])
def test_the_token_is_the_first_non_comment_line_trimmed_in_any_common_encoding(tmp_path, content):
    path = tmp_path / "token"
    path.write_bytes(content)
    path.chmod(0o600)
    assert MoodleSettings(token_file=path).resolved_token() == SecretStr(TOKEN)


def test_a_token_from_the_environment_is_trimmed():
    assert MoodleSettings(token=f" {TOKEN}\n").resolved_token() == SecretStr(TOKEN)


@pytest.mark.parametrize("content", [b"", b"\n\n", b"# put the token here\n"])
def test_an_empty_token_file_names_the_file_and_what_to_put_there(tmp_path, content):
    path = tmp_path / "token"
    path.write_bytes(content)
    with pytest.raises(ConfigError, match=rf"{path} holds no token .* put the web-service token on its first line"):
        MoodleSettings(token_file=path).resolved_token()


def test_a_token_file_others_can_read_is_warned_about(tmp_path, caplog):
    path = tmp_path / "token"
    path.write_text(TOKEN, encoding="utf-8")
    path.chmod(0o644)
    MoodleSettings(token_file=path).resolved_token()
    assert f"can be read by other users (mode 644): run `chmod 600 {path}`" in caplog.text
    caplog.clear()
    path.chmod(0o600)
    MoodleSettings(token_file=path).resolved_token()
    assert "other users" not in caplog.text
