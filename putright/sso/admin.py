"""Who signs in through single sign-on, for administrators (Settings → Single sign-on identities).

Read only: links are made by signing in. Deleting one unlinks the account from the provider's
person; their next sign-in then counts as a first one (and is refused if the username is taken,
unless PUTRIGHT_OIDC_LINK_EXISTING is on). Roles are changed on the user, not here.
"""

from django.contrib import admin

from putright.sso.models import SsoIdentity


@admin.register(SsoIdentity)
class SsoIdentityAdmin(admin.ModelAdmin):
    list_display = ["user", "issuer", "subject", "last_signed_in_at", "last_groups"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "subject"]
    readonly_fields = ["user", "issuer", "subject", "created_at", "last_signed_in_at", "last_groups"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
