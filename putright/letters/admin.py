"""Admin: the landlord edits letter wording and the jargon list; letters themselves are read only.

Managers may edit these two, like the other reference data (the accounts app lets managers into
the admin for reference data only, so the permissions are given here, per model).
"""

from django.contrib import admin

from .models import JargonTerm, Letter, LetterTemplate


class ManagerEditable(admin.ModelAdmin):
    def _manager(self, request) -> bool:
        return getattr(request.user, "can_manage_cases", False)

    def has_module_permission(self, request):
        return self._manager(request)

    def has_view_permission(self, request, obj=None):
        return self._manager(request)

    def has_change_permission(self, request, obj=None):
        return self._manager(request)

    def has_add_permission(self, request):
        return self._manager(request)


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ManagerEditable):
    list_display = ("kind", "subject", "updated_at")
    readonly_fields = ("kind",)

    def has_add_permission(self, request):
        return False  # one per kind, seeded by migration

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(JargonTerm)
class JargonTermAdmin(ManagerEditable):
    list_display = ("term", "plainer", "active")
    list_filter = ("active",)
    search_fields = ("term", "plainer")

    def has_delete_permission(self, request, obj=None):
        return self._manager(request)


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Read only: letters change through `putright.letters.actions`, and issued ones never."""

    list_display = ("case", "kind", "stage_number", "status", "issued_on", "issued_by")
    list_filter = ("kind", "status")
    search_fields = ("case__reference", "subject")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
