"""Triage JSON Lines in and out: `{"id": ..., "text": ...}` a line in, one suggestion a line out.

Every line is checked before any is answered, so a file with a bad line gives its errors and no
half-answered output.
"""

import json
from collections.abc import Iterable

from putright.triage.engine import suggest


class BadLines(ValueError):
    def __init__(self, errors: list[str]):
        self.errors = errors
        super().__init__("\n".join(errors))


def read(lines: Iterable[str]) -> list[dict]:
    """The messages in these lines; BadLines lists every line that is not one, by its number."""
    messages, errors, seen = [], [], {}
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as error:
            errors.append(f"line {number}: not JSON ({error.msg} at character {error.colno})")
            continue
        if not isinstance(item, dict):
            errors.append(f"line {number}: expected an object like {{\"id\": ..., \"text\": ...}}, got {type(item).__name__}")
            continue
        missing = [key for key in ("id", "text") if key not in item]
        if missing:
            errors.append(f"line {number}: missing {' and '.join(repr(k) for k in missing)}")
            continue
        if not isinstance(item["id"], (str, int)) or isinstance(item["id"], bool):
            errors.append(f"line {number}: \"id\" must be a string or a whole number")
            continue
        if not isinstance(item["text"], str):
            errors.append(f"line {number}: \"text\" must be a string")
            continue
        key = json.dumps(item["id"])
        if key in seen:
            errors.append(f"line {number}: id {item['id']!r} is also on line {seen[key]}")
            continue
        seen[key] = number
        messages.append({"id": item["id"], "text": item["text"]})
    if errors:
        raise BadLines(errors)
    return messages


def answer(message: dict) -> str:
    return json.dumps({"id": message["id"], **suggest(message["text"]).as_dict()}, ensure_ascii=False)
