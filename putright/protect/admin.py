"""The admin is for reference data: records the workflows own are not added, changed or deleted
there (security finding, Low). django-axes' sign-in log and failure log become read only. Its
access attempts can still be deleted: that is how an administrator unlocks an account."""

from django.contrib import admin


class _ReadOnly:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


def _make_read_only(model, admin_class) -> None:
    if admin.site.is_registered(model):
        admin.site.unregister(model)
    admin.site.register(model, type(f"ReadOnly{admin_class.__name__}", (_ReadOnly, admin_class), {}))


def _axes() -> None:
    from axes.admin import AccessFailureLogAdmin, AccessLogAdmin
    from axes.models import AccessFailureLog, AccessLog

    _make_read_only(AccessLog, AccessLogAdmin)
    _make_read_only(AccessFailureLog, AccessFailureLogAdmin)


_axes()
