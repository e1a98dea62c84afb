from django.contrib import admin
from django.utils import timezone

from putright.portal.models import AccessToken, PublishedReport, SurveyResponse


@admin.register(PublishedReport)
class PublishedReportAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "published_on"]


@admin.register(SurveyResponse)
class SurveyResponseAdmin(admin.ModelAdmin):
    list_display = ["case", "rating", "created_at"]
    readonly_fields = ["case", "rating", "comment", "answered_by", "created_at"]

    # Residents' own answers: not added, changed or deleted by staff (security finding, Low).
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AccessToken)
class AccessTokenAdmin(admin.ModelAdmin):
    list_display = ["email", "created_at", "expires_at", "revoked_at", "last_used_at"]
    search_fields = ["email"]
    readonly_fields = ["email", "token_hash", "created_at", "expires_at", "revoked_at", "last_used_at"]
    actions = ["revoke"]

    @admin.action(description="Revoke the selected private links")
    def revoke(self, request, queryset):
        queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())

    def has_add_permission(self, request):
        return False
