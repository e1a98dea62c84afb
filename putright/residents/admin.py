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
    search_fields = ("name", "email", "postcode", "tenancy_reference")
    inlines = [AdjustmentInline, RepresentativeInline]
