"""`putright triage FILE`: JSON Lines in, one suggestion a line out; bad lines named, nothing half-done."""

import io
import json
import sys

import pytest
from django.core.management import CommandError, call_command


def run(*args, stdin=None):
    out = io.StringIO()
    if stdin is not None:
        old, sys.stdin = sys.stdin, io.StringIO(stdin)
    try:
        call_command("triage", *args, stdout=out)
    finally:
        if stdin is not None:
            sys.stdin = old
    return [json.loads(line) for line in out.getvalue().splitlines()]


def test_it_answers_each_line_of_a_file_with_the_named_keys(tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text(
        '{"id": "a1", "text": "Reported the leak three times and nobody has come"}\n\n'
        '{"id": 2, "text": "Can I have a copy of my rent statement please"}\n', encoding="utf-8",
    )
    rows = run(str(path))
    assert [r["id"] for r in rows] == ["a1", 2]
    assert list(rows[0]) == ["id", "kind", "also_service_request", "theme", "confidence", "why"]
    assert rows[0]["kind"] == "complaint" and rows[0]["theme"] == "repairs"
    assert "nobody has come" in rows[0]["why"]
    assert rows[1]["kind"] == "service_request" and rows[1]["theme"] == "rent_and_charges"


def test_a_dash_reads_standard_input():
    rows = run("-", stdin='{"id": "x", "text": "Thank you, the caretaker is a star"}\n')
    assert rows == [{"id": "x", "kind": "compliment", "also_service_request": False, "theme": "estate_services",
                     "confidence": rows[0]["confidence"], "why": rows[0]["why"]}]
    assert "Thank you" in rows[0]["why"]


def test_bad_lines_are_each_named_and_nothing_is_answered():
    bad = '{"id": 1, "text": "fine"}\nnot json\n["a"]\n{"id": 1, "text": "again"}\n{"text": "no id"}\n{"id": 3, "text": null}\n'
    with pytest.raises(CommandError) as error:
        run("-", stdin=bad)
    message = str(error.value)
    assert message.startswith("5 bad line(s), nothing triaged")
    for expected in ("line 2: not JSON", "line 3: expected an object", "line 4: id 1 is also on line 1", "line 5: missing 'id'",
                     'line 6: "text" must be a string'):
        assert expected in message


def test_a_missing_file_says_so(tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        run(str(tmp_path / "nope.jsonl"))
