"""Headers on every answer (security finding, Low).

- `Cache-Control: no-store` on everything but static files: pages and downloads carry
  residents' personal data, and must not stay in a shared computer's browser cache or a proxy.
- `Permissions-Policy`: PutRight uses no camera, microphone, location, payment or USB.
The Content-Security-Policy itself comes from django-csp (settings.CONTENT_SECURITY_POLICY).
"""

from __future__ import annotations

from django.conf import settings

PERMISSIONS_POLICY = (
    "accelerometer=(), autoplay=(), camera=(), display-capture=(), geolocation=(), gyroscope=(), "
    "magnetometer=(), microphone=(), midi=(), payment=(), usb=(), interest-cohort=()"
)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if not request.path.startswith(settings.STATIC_URL):
            response["Cache-Control"] = "no-store"
            response.headers.pop("Expires", None)
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
