from django.contrib import admin

from putright.notifications.models import Outbox


@admin.register(Outbox)
class OutboxAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "to", "case", "status", "attempts", "sent_at", "next_attempt_at"]
    list_filter = ["kind"]
    search_fields = ["to", "case__reference", "subject"]
    readonly_fields = [f.name for f in Outbox._meta.fields]

    def has_add_permission(self, request):
        return False
