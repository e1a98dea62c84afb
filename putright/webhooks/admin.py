"""Webhooks in Settings (administrators): who is registered, which are paused, every attempt."""

from django.contrib import admin, messages

from putright.webhooks import actions
from putright.webhooks.models import Attempt, Delivery, Webhook


@admin.register(Webhook)
class WebhookAdmin(admin.ModelAdmin):
    list_display = ["name", "url", "events", "paused", "consecutive_failures"]
    fields = ["name", "url", "events"]
    readonly_fields = []

    @admin.display(description="Paused", boolean=False)
    def paused(self, hook):
        return f"Paused {hook.paused_at:%d %b %Y %H:%M}: {hook.paused_reason}" if hook.paused_at else "No"

    def save_model(self, request, obj, form, change):
        if change:
            obj.url = actions.check_url(obj.url)
            obj.events = actions.check_events(obj.events)
            return super().save_model(request, obj, form, change)
        hook, secret = actions.register(name=obj.name, url=obj.url, events=obj.events, actor=request.user)
        obj.pk = hook.pk
        messages.warning(request, f"The signing secret for {hook.name}, shown once: {secret}")


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Delivery)
class DeliveryAdmin(ReadOnly):
    list_display = ["id", "webhook", "event", "state", "attempts", "next_attempt_at", "delivered_at"]
    list_filter = ["webhook", "state"]


@admin.register(Attempt)
class AttemptAdmin(ReadOnly):
    list_display = ["delivery", "at", "status", "error", "duration_ms"]
    list_filter = ["status"]
