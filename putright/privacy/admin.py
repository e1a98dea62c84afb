"""Settings: the retention schedule and holds (complaints managers); the record of anonymisations
and retention runs (read only, counts and references, never names)."""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError

from putright.rules.errors import RuleViolation

from . import actions
from .models import AnonymisedCase, AnonymisedResident, Hold, RetentionRun, RetentionSchedule


class ForManagers(admin.ModelAdmin):
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

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(RetentionSchedule)
class RetentionScheduleAdmin(ForManagers):
    list_display = ("__str__", "apply_daily", "updated_at")

    def has_add_permission(self, request):
        return self._manager(request) and not RetentionSchedule.objects.exists()


class HoldForm(forms.ModelForm):
    class Meta:
        model = Hold
        fields = ("case", "reason", "explanation")

    def clean(self):
        data = super().clean()
        if not self.errors and self.instance.pk is None:
            try:
                actions.check_hold(data["case"], data["reason"], data["explanation"])
            except RuleViolation as violation:
                raise ValidationError({violation.field or None: violation.message}) from violation
        return data


@admin.register(Hold)
class HoldAdmin(ForManagers):
    form = HoldForm
    list_display = ("case", "reason", "placed_on", "placed_by", "lifted_on")
    list_filter = ("reason", ("lifted_on", admin.EmptyFieldListFilter))
    search_fields = ("case__reference",)
    raw_id_fields = ("case",)
    fields = ("case", "reason", "explanation", "placed_on", "placed_by", "lifted_on", "lifted_by")
    readonly_fields = ("placed_on", "placed_by", "lifted_on", "lifted_by")
    actions = ["lift"]

    def get_readonly_fields(self, request, obj=None):
        # A hold, once placed, is a record: lift it, never rewrite it.
        return self.fields if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            return
        placed = actions.place_hold(obj.case, reason=obj.reason, explanation=obj.explanation, actor=request.user)
        obj.pk, obj.placed_on, obj.placed_by = placed.pk, placed.placed_on, placed.placed_by

    @admin.action(description="Lift the selected holds")
    def lift(self, request, queryset):
        for hold in queryset:
            actions.lift_hold(hold, actor=request.user)


class ReadOnly(ForManagers):
    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request):
        return False


@admin.register(RetentionRun)
class RetentionRunAdmin(ReadOnly):
    list_display = ("started_at", "applied", "run_by", "counts")


@admin.register(AnonymisedCase)
class AnonymisedCaseAdmin(ReadOnly):
    list_display = ("case", "anonymised_at", "why", "by")
    list_filter = ("why",)
    search_fields = ("case__reference",)


@admin.register(AnonymisedResident)
class AnonymisedResidentAdmin(ReadOnly):
    list_display = ("resident", "anonymised_at", "why", "by")
