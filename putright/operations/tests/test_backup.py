"""`putright backup` then `putright restore` into an emptied install: every row and every
uploaded file back, byte for byte (SQLite here, PostgreSQL when scripts/test runs it there)."""

from __future__ import annotations

import io
import json
import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from putright.cases import actions
from putright.cases.models import Attachment, Case, Correspondence
from putright.letters import actions as letter_actions
from putright.letters.models import Letter, LetterKind
from putright.letters.tests import factories as lf

pytestmark = pytest.mark.django_db(transaction=True)


def _everything() -> str:
    """Every row, but the revisions of the tables web processes keep (putright.performance.revisions):
    a restore draws them again, so that no process shows what it kept from before it."""
    out = io.StringIO()
    call_command("dumpdata", "--all", "--indent", "0", "--exclude", "contenttypes", "--exclude", "auth.permission",
                 "--exclude", "performance.revision", stdout=out)
    return out.getvalue()


def _revisions() -> dict:
    from putright.performance.models import Revision

    return dict(Revision.objects.values_list("name", "token"))


def _files() -> dict[str, bytes]:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


@pytest.fixture
def records(handler, other_handler, resident, today):
    letter = lf.draft(LetterKind.STAGE1_RESPONSE, handler=handler, stage2_handler=other_handler, resident=resident)
    letter_actions.issue_letter(letter, handler, today=lf.TODAY)
    actions.add_correspondence(
        letter.case, direction="in", occurred_on=lf.TODAY, subject="Photos of the damp", actor=handler,
        files=[actions.NewFile("damp.jpg", "image/jpeg", bytes(range(256)) * 40), actions.NewFile("note.txt", "text/plain", "£ café".encode())],
        today=lf.TODAY,
    )
    assert Attachment.objects.count() == 3 and Letter.objects.exclude(pdf="").exists()


def test_a_backup_restores_into_an_empty_install_byte_for_byte(records, tmp_path):
    rows, files = _everything(), _files()
    assert len(files) == 3 and '"model": "cases.case"' in rows

    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    assert {m["path"] for m in manifest["media"]} == set(files)
    assert manifest["migrations"]["operations"] == ["0001_initial", "0002_sessions_with_their_user"]

    # An empty install: no rows, no files.
    call_command("flush", interactive=False, verbosity=0)
    shutil.rmtree(settings.MEDIA_ROOT)
    assert not Case.objects.exists()

    kept = _revisions()
    out = io.StringIO()
    call_command("restore", str(tmp_path / "backup"), stdout=out)
    assert "3 uploaded file(s)" in out.getvalue()
    assert _everything() == rows
    assert kept and all(_revisions()[name] != token for name, token in kept.items())  # every process reads again
    assert _files() == files
    assert Correspondence.objects.filter(subject="Photos of the damp").get().attachments.count() == 2

    # A second restore over the data is refused unless asked for.
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(tmp_path / "backup"))
    call_command("restore", str(tmp_path / "backup"), "--force", stdout=io.StringIO())
    assert _everything() == rows


def test_a_damaged_backup_is_refused_before_anything_changes(records, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    manifest = json.loads((tmp_path / "backup" / "manifest.json").read_text())
    damaged = tmp_path / "backup" / "media" / manifest["media"][0]["path"]
    damaged.write_bytes(damaged.read_bytes() + b"x")
    rows = _everything()
    with pytest.raises(CommandError, match="does not match its checksum"):
        call_command("restore", str(tmp_path / "backup"), "--force")
    assert _everything() == rows


def test_a_backup_needs_a_new_folder(records, tmp_path):
    (tmp_path / "old").mkdir()
    (tmp_path / "old" / "something").write_text("x")
    with pytest.raises(CommandError, match="is not empty"):
        call_command("backup", str(tmp_path / "old"))


def test_a_backup_from_a_newer_putright_is_refused(records, tmp_path):
    call_command("backup", str(tmp_path / "backup"), stdout=io.StringIO())
    path = tmp_path / "backup" / "manifest.json"
    manifest = json.loads(path.read_text())
    manifest["migrations"]["cases"].append("9999_from_the_future")
    path.write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="made by a newer PutRight"):
        call_command("restore", str(tmp_path / "backup"), "--force")
