from django.contrib import admin

from putright.residents.models import Adjustment, Representative, Resident


class AdjustmentInline(admin.TabularInline):
    model = Adjustment
    extra = 0


class RepresentativeInline(admin.StackedInline):
    model = Representative
    extra = 0


@admin.register(Resident)
class ResidentAdmin(admin.ModelAdmin):
    list_display = ("name", "email", "phone", "postcode", "tenure", "preferred_channel")
    list_filter = ("tenure", "preferred_channel", "preferred_format")
    search_fields = ("name", "email", "postcode", "tenancy_reference", "uprn")
    inlines = [AdjustmentInline, RepresentativeInline]


from putright.residents.models import Restriction, ResidentEvent  # noqa: E402


@admin.register(Restriction)
class RestrictionAdmin(admin.ModelAdmin):
    list_display = ("resident", "starts_on", "review_by", "reviewed_on", "ended_on")
    search_fields = ("resident__name",)

    def has_change_permission(self, request, obj=None):
        return False  # changed through the resident's page, which records each change (5.14, 5.15)

    # Security (issue 14): nor added or deleted here, around the recorded workflow.
    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ResidentEvent)
class ResidentEventAdmin(admin.ModelAdmin):
    list_display = ("resident", "at", "kind", "summary")

    def has_add_permission(self, request):
        return False  # append-only, written by the service functions

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
