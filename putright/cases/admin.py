"""Django admin: reference data is edited here; cases are read only.

Cases change only through `putright.cases.actions` (one service path, Code 5.12), so the admin
shows them but never saves them.
"""

from django.contrib import admin

from putright.cases.models import (
    Case,
    CaseEvent,
    ClosureDay,
    HomesOwned,
    LandlordSettings,
    ServiceArea,
    Stage,
    Theme,
)


@admin.register(LandlordSettings)
class LandlordSettingsAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return not LandlordSettings.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ServiceArea, Theme)
class NamedAdmin(admin.ModelAdmin):
    list_display = ("name", "active")
    list_filter = ("active",)
    search_fields = ("name",)


@admin.register(ClosureDay)
class ClosureDayAdmin(admin.ModelAdmin):
    list_display = ("day", "label")
    date_hierarchy = "day"


@admin.register(HomesOwned)
class HomesOwnedAdmin(admin.ModelAdmin):
    list_display = ("__str__", "lcra", "lcho")


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class StageInline(admin.TabularInline):
    model = Stage
    fields = ("number", "requested_on", "handler", "acknowledge_by", "acknowledged_on", "respond_by", "responded_on", "decision")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class EventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "summary", "actor", "actor_label")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Case)
class CaseAdmin(ReadOnlyAdmin):
    list_display = ("reference", "kind", "state", "received_on", "next_deadline_by", "handler", "service_area")
    list_filter = ("kind", "state", "is_open", "service_area", "tenure", "imported")
    search_fields = ("reference", "resident__name", "description")
    date_hierarchy = "received_on"
    list_select_related = ("handler", "service_area")
    inlines = [StageInline, EventInline]
    show_full_result_count = False
