from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from putright.accounts.models import User


@admin.register(User)
class StaffAdmin(UserAdmin):
    list_display = ("username", "first_name", "last_name", "role", "is_active")
    list_filter = ("role", "is_active")
    fieldsets = UserAdmin.fieldsets + (("Role in PutRight", {"fields": ("role",)}),)
    add_fieldsets = UserAdmin.add_fieldsets + (("Role in PutRight", {"fields": ("role",)}),)
