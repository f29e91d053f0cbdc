"""PHP-style form encoding of web-service parameters, as Moodle's REST server expects them.

`courses[0][fullname]=…`, `values[1]=…`, single structures by key; booleans as 1/0; None left out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


def _flatten_into(prefix: str, value: Any, out: list[tuple[str, str]]) -> None:
    if value is None:
        return
    if isinstance(value, Mapping):
        for key, item in value.items():
            _flatten_into(f"{prefix}[{key}]", item, out)
    elif isinstance(value, Sequence) and not isinstance(value, (str, bytes)):
        for index, item in enumerate(value):
            _flatten_into(f"{prefix}[{index}]", item, out)
    else:
        out.append((prefix, _scalar(value)))


def flatten_params(params: Mapping[str, Any]) -> list[tuple[str, str]]:
    """The form fields for `params`, in order: nested mappings and lists become bracketed keys."""
    out: list[tuple[str, str]] = []
    for key, value in params.items():
        _flatten_into(key, value, out)
    return out


def count_fields(params: Mapping[str, Any]) -> int:
    """How many form fields `params` becomes (what PHP's max_input_vars counts)."""
    return len(flatten_params(params))


def unflatten_form(fields: Sequence[tuple[str, str]]) -> dict[str, Any]:
    """The inverse of `flatten_params` (numeric-keyed levels become lists): how Moodle reads a request body."""
    root: dict[str, Any] = {}
    for name, value in fields:
        head, _, rest = name.partition("[")
        keys = [head] + ([part.rstrip("]") for part in ("[" + rest).split("[")[1:]] if rest else [])
        node: dict[str, Any] = root
        for key in keys[:-1]:
            node = node.setdefault(key, {})
        node[keys[-1]] = value
    return {key: _listify(value) for key, value in root.items()}


def _listify(value: Any) -> Any:
    if not isinstance(value, dict):
        return value
    converted = {key: _listify(item) for key, item in value.items()}
    if converted and all(key.isdigit() for key in converted):
        return [converted[key] for key in sorted(converted, key=int)]
    return converted
