"""Settings: which hazards Awaab's Law covers, and from when (edited); hazard reports (read only:
they change only through putright.hazards.actions)."""

from django.contrib import admin

from .models import HazardEvent, HazardKind, HazardReport


@admin.register(HazardKind)
class HazardKindAdmin(admin.ModelAdmin):
    list_display = ("name", "emergency_from", "significant_from", "active")
    list_filter = ("active",)
    search_fields = ("name",)

    def has_delete_permission(self, request, obj=None):
        return False  # reports refer to them; set "active" off instead


class ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(HazardReport)
class HazardReportAdmin(ReadOnly):
    list_display = ("__str__", "case", "category", "aware_at", "next_due_on", "closed_on")
    list_filter = ("category", "kind")


@admin.register(HazardEvent)
class HazardEventAdmin(ReadOnly):
    list_display = ("report", "at", "kind", "actor_label")
