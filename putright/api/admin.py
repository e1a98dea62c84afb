"""API keys and their uses, read only: keys are made and revoked with `putright api-key`."""

from django.contrib import admin

from putright.api.models import ApiKey, ApiKeyUse


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ApiKey)
class ApiKeyAdmin(ReadOnly):
    list_display = ["name", "role", "prefix", "created_at", "last_used_at", "revoked_at"]
    exclude = ["key_hash"]


@admin.register(ApiKeyUse)
class ApiKeyUseAdmin(ReadOnly):
    list_display = ["at", "key", "method", "path", "status"]
    list_filter = ["key", "status"]
    date_hierarchy = "at"
