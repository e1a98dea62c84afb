from django.contrib import admin
from django.contrib.admin import helpers
from django.contrib.auth.admin import UserAdmin

from putright.accounts.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Role in PutRight", {"fields": ("role",)}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Role in PutRight", {"fields": ("role",)}),)


# A member of staff named on a read-only Settings page (a case's handler, an event's actor, who
# wrote a letter) is shown as text, not as Django's link to their account: only administrators
# may open staff accounts (docs/roles.md), so for a complaints manager every such link answered
# 403, and the read-only field cannot tell who is reading. Administrators reach accounts under
# Settings → Users.
_linked_admin_url = helpers.AdminReadonlyField.get_admin_url


def _staff_as_text(self, remote_field, remote_obj):
    if remote_field.model is User:
        return str(remote_obj)
    return _linked_admin_url(self, remote_field, remote_obj)


helpers.AdminReadonlyField.get_admin_url = _staff_as_text
