import pytest

from putright.notifications.testing import MailServer


@pytest.fixture
def mail_server(settings):
    """A real SMTP server on 127.0.0.1, with Django's SMTP backend pointed at it."""
    server = MailServer().start()
    server.configure(settings)
    settings.PUTRIGHT_SITE_URL = "https://complaints.example.org"
    yield server
    server.stop()
