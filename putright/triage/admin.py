from django.contrib import admin

from putright.triage.models import ThemeMapping


@admin.register(ThemeMapping)
class ThemeMappingAdmin(admin.ModelAdmin):
    list_display = ("builtin", "theme")
