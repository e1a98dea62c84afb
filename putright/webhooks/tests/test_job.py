from putright.mailbox.apps import fetch_mail
from putright.operations import jobs


def test_the_worker_runs_the_mailbox_and_the_webhooks(settings, db):
    assert jobs.REGISTRY["mailbox_fetch"].func is fetch_mail
    assert jobs.REGISTRY["webhooks_send"].func()["queued"] == 0
    settings.PUTRIGHT_MAILBOX_HOST = ""
    assert fetch_mail() == {"not_configured": 1}  # a landlord without a mailbox set up: no errors every minute
