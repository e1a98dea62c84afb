"""The complaints mailbox over OAuth (XOAUTH2), as Exchange Online and Google Workspace need:
a real Dovecot whose oauth2 passdb checks each bearer token at a real OpenID provider
(oidc-provider on 127.0.0.1, tests/oidc_provider.py), with access tokens the provider issued."""

from __future__ import annotations

import imaplib
import shutil
import tempfile
from pathlib import Path

import pytest

from putright.mailbox.fetch import connect, run_once
from putright.mailbox.models import InboundMessage
from putright.mailbox.tests.dovecot import Dovecot
from putright.mailbox.tests.mail import email
from tests import oidc_provider

REDIRECT = "http://mailbox-consent.example/done"


@pytest.fixture(scope="module")
def provider():
    started = oidc_provider.start([], other_clients=[{
        "client_id": "putright-mailbox", "client_secret": oidc_provider.CLIENT_SECRET, "redirect_uris": [REDIRECT],
    }])
    yield started
    started.stop()


@pytest.fixture
def oauth_dovecot(provider, settings, tmp_path):
    root = Path(tempfile.mkdtemp(prefix="putright-dovecot-"))  # the mail user must reach it
    server = Dovecot(root, oauth2_userinfo_url=f"{provider.issuer}/me").start()
    token_file = tmp_path / "mailbox-token"
    settings.PUTRIGHT_MAILBOX_HOST = "127.0.0.1"
    settings.PUTRIGHT_MAILBOX_PORT = server.port
    settings.PUTRIGHT_MAILBOX_SSL = False
    settings.PUTRIGHT_MAILBOX_USER = server.user
    settings.PUTRIGHT_MAILBOX_PASSWORD = ""  # no password: the token only
    settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN = ""
    settings.PUTRIGHT_MAILBOX_OAUTH_TOKEN_FILE = str(token_file)
    settings.PUTRIGHT_MAILBOX_FOLDER = "INBOX"
    server.token_file = token_file
    yield server
    server.stop()
    shutil.rmtree(root, ignore_errors=True)


def access_token(provider, username: str) -> str:
    return oidc_provider.tokens_for(provider.issuer, "putright-mailbox", REDIRECT, username)["access_token"]


@pytest.mark.django_db
def test_the_mailbox_is_read_with_an_access_token_from_the_file(oauth_dovecot, provider):
    oauth_dovecot.append(email("Mould in the bedroom", "There is black mould in my bedroom again."), when="2026-11-21 18:05")
    oauth_dovecot.token_file.write_text(access_token(provider, "complaints") + "\n")
    assert run_once() == {"joined": 0, "waiting": 1, "skipped": 0}
    assert InboundMessage.objects.get().subject == "Mould in the bedroom"
    # A renewed token in the file is used at the next connection (read afresh each time).
    oauth_dovecot.token_file.write_text(access_token(provider, "complaints"))
    connect().logout()


@pytest.mark.django_db
def test_a_token_the_provider_does_not_know_or_for_someone_else_is_refused(oauth_dovecot, provider):
    oauth_dovecot.append(email("Mould in the bedroom", "Black mould again."))
    for token in ("not-a-token-the-provider-issued", access_token(provider, "ben")):
        oauth_dovecot.token_file.write_text(token)
        with pytest.raises(imaplib.IMAP4.error):
            run_once()
    assert not InboundMessage.objects.exists()  # nothing read, nothing lost: still on the server
    oauth_dovecot.token_file.write_text(access_token(provider, "complaints"))
    assert run_once()["waiting"] == 1
