import shutil
import tempfile
from pathlib import Path

import pytest

from putright.mailbox.tests.dovecot import Dovecot


@pytest.fixture
def dovecot(settings):
    # Not under pytest's tmp_path: Dovecot's mail user must be able to reach the folder.
    root = Path(tempfile.mkdtemp(prefix="putright-dovecot-"))
    server = Dovecot(root).start()
    settings.PUTRIGHT_MAILBOX_HOST = "127.0.0.1"
    settings.PUTRIGHT_MAILBOX_PORT = server.port
    settings.PUTRIGHT_MAILBOX_SSL = False
    settings.PUTRIGHT_MAILBOX_USER = server.user
    settings.PUTRIGHT_MAILBOX_PASSWORD = server.password
    settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN = ""
    settings.PUTRIGHT_MAILBOX_FOLDER = "INBOX"
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)
