"""`putright check --deploy` says when the demo is on: its secret key is public."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_is_off(app_configs, **kwargs):
    if settings.PUTRIGHT_DEMO:
        return [
            Warning(
                "PUTRIGHT_DEMO is on: the demo's public secret key, cookies over plain HTTP and email "
                "printed to the console.",
                hint="Unset PUTRIGHT_DEMO and set SECRET_KEY (or SECRET_KEY_FILE): see docs/deploying.md.",
                id="putright.W001",
            )
        ]
    return []
