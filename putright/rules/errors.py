"""The one error the rules raise when a change is not allowed."""

from __future__ import annotations


class RuleViolation(Exception):
    """A change the Code (or basic sense) does not allow.

    ``provision`` is the Code paragraph that forbids it (e.g. ``"6.13"``), when one does;
    ``field`` names the form field to attach the message to, so views can show it in place.
    """

    def __init__(self, message: str, *, provision: str | None = None, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.provision = provision
        self.field = field

    def __str__(self) -> str:
        return self.message + (f" (Code {self.provision})" if self.provision else "")

    def __repr__(self) -> str:
        return (
            f"RuleViolation({self.message!r}, provision={self.provision!r}, field={self.field!r})"
        )
