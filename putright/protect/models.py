"""What the throttles count: one row per counted event (a failed sign-in, a code asked for, a
complaint sent, the bytes of an upload), keyed by a keyed hash of the address or account so the
table holds no addresses or usernames. Rows older than a day are removed (`run_once`)."""

from django.db import models


class Hit(models.Model):
    scope = models.CharField(max_length=40)
    key = models.CharField(max_length=64)
    at = models.DateTimeField()
    amount = models.BigIntegerField(default=1)

    class Meta:
        indexes = [models.Index(fields=["scope", "key", "at"])]

    def __str__(self) -> str:
        return f"{self.scope} {self.key[:8]}… at {self.at:%Y-%m-%d %H:%M}"
