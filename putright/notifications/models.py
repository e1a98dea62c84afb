"""The outbox: every email PutRight sends, written in the same transaction as the change that
caused it, and delivered (and retried) by `putright send_outbox`."""

from __future__ import annotations

from django.db import models
from django.db.models import Q

from putright.cases.models import Case, CaseEvent

#: Where a private link goes in a queued message. The link itself (a token) is minted when the
#: message is delivered, so the database never holds a usable token, only its hash.
LINK_PLACEHOLDER = "PUTRIGHT-PRIVATE-LINK"


class Outbox(models.Model):
    kind = models.CharField(max_length=40, help_text="Which message: receipt, acknowledgement, ...")
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    case = models.ForeignKey(Case, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    event = models.ForeignKey(CaseEvent, null=True, blank=True, on_delete=models.SET_NULL, related_name="emails")
    link_for = models.EmailField(
        blank=True, help_text="Mint a private portal link for this address when the message is delivered."
    )
    # "Once a day" and similar: a second row with the same key is refused by the database.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When to try (next). Null once sent, or once given up after MAX_ATTEMPTS.
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveIntegerField(default=0)
    last_error = models.TextField(blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "email"
        verbose_name_plural = "outbox"
        indexes = [
            models.Index(fields=["next_attempt_at"], condition=Q(next_attempt_at__isnull=False), name="outbox_due"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} to {self.to}"

    @property
    def status(self) -> str:
        if self.sent_at:
            return "sent"
        if self.next_attempt_at is None:
            return "failed"
        return "retrying" if self.attempts else "queued"
