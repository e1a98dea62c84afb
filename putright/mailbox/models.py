"""Messages read from the complaints mailbox: each one stored once, by its place in the mailbox."""

from django.conf import settings
from django.db import models


class MessageState(models.TextChoices):
    JOINED = "joined", "Added to its case"
    WAITING = "waiting", "Waiting to be logged"
    LOGGED = "logged", "Logged as a new case"
    NOT_A_CASE = "not_a_case", "Not a case"


class InboundMessage(models.Model):
    """One email from the complaints mailbox.

    (`folder`, `uidvalidity`, `uid`) is the message's permanent address in an IMAP mailbox, and
    is unique here: a fetcher that stops at any moment and starts again stores each message once.
    The raw message is kept so nothing in it (attachments included) is lost before it is logged.
    """

    folder = models.CharField(max_length=200)
    uidvalidity = models.BigIntegerField()
    uid = models.BigIntegerField()
    message_id = models.CharField(max_length=500, blank=True, db_index=True)
    sender = models.CharField(max_length=300, blank=True)
    sender_email = models.CharField(max_length=254, blank=True)
    subject = models.CharField(max_length=500, blank=True)
    body = models.TextField(blank=True)
    received_at = models.DateTimeField(help_text="When the mail server received it (IMAP INTERNALDATE).")
    raw = models.BinaryField()
    state = models.CharField(max_length=20, choices=MessageState.choices)
    case = models.ForeignKey("cases.Case", null=True, blank=True, on_delete=models.PROTECT, related_name="inbound_messages")
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    handled_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    fetched_at = models.DateTimeField()
    reads_as = models.CharField(
        max_length=20, blank=True,
        help_text="What triage made of a waiting email when it arrived (a kind: complaint, service request, "
                  "compliment); blank if not worked out, and then read when the inbox is shown.",
    )

    class Meta:
        ordering = ["received_at", "id"]
        constraints = [models.UniqueConstraint(fields=["folder", "uidvalidity", "uid"], name="inbound_message_once")]
        indexes = [models.Index(fields=["received_at"], condition=models.Q(state="waiting"), name="inbound_waiting")]

    def __str__(self) -> str:
        return f"{self.sender}: {self.subject}"
