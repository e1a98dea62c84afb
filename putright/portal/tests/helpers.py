"""Shared helpers for the portal tests: walk the complaint journey with the test client."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

ANSWERS = {
    "what-happened": {"what_happened": "The kitchen ceiling has leaked for six weeks and nobody came."},
    "put-right": {"put_right": "Fix the leak and repaint the ceiling."},
    "when": {"when_0": "2", "when_1": "11", "when_2": "2026"},
    "someone-else": {"for_someone_else": "no"},
    "your-details": {"name": "Rita Patel", "email": "rita@example.org", "phone": "", "address": "1 High Street", "postcode": "ab1 2cd"},
    "contact": {"preferred_channel": "email"},
    "support": {"preferred_format": "large_print", "support": "I am partially sighted: please phone before visiting."},
}


def post_step(client, slug: str, data: dict, **extra):
    return client.post(f"/complain/{slug}/", data, **extra)


def walk_journey(client, answers: dict | None = None, files=()):
    """Answer every question; return the response of the attachments page."""
    answers = {**ANSWERS, **(answers or {})}
    for slug in ("what-happened", "put-right", "when", "someone-else"):
        response = post_step(client, slug, answers[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    if answers["someone-else"]["for_someone_else"] == "yes":
        response = post_step(client, "their-details", answers["their-details"])
        assert response.status_code == 302, response.content.decode()[:2000]
    for slug in ("your-details", "contact", "support"):
        response = post_step(client, slug, answers[slug])
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    data = {"action": "continue"}
    if files:
        data["files"] = list(files)
    response = post_step(client, "attachments", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def photo(name="leak.jpg", size=1000, content_type="image/jpeg"):
    # Real magic bytes: uploads are checked by their content (putright/protect/uploads.py).
    magic = b"\x89PNG\r\n\x1a\n" if content_type == "image/png" else b"\xff\xd8\xff\xe0"
    return SimpleUploadedFile(name, magic + b"x" * (size - len(magic)), content_type=content_type)
