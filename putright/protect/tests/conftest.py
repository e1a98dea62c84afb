from putright.portal.tests.conftest import mail_server  # noqa: F401  (a real SMTP server on 127.0.0.1)
