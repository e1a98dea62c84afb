"""GOV.UK-style form parts: a three-box date field, and a base form that turns a rule refusal
into an error in the form's error summary, next to the field it concerns."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django import forms

from putright.rules.errors import RuleViolation


class DateWidget(forms.MultiWidget):
    """Day, month and year boxes (the GOV.UK date input pattern), not a browser date picker."""

    template_name = "forms/date_widget.html"

    def __init__(self, attrs=None):
        box = {"inputmode": "numeric", "class": "govuk-input govuk-date-input__input"}
        super().__init__(
            [
                forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
                forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-2"}),
                forms.TextInput(attrs={**box, "class": box["class"] + " govuk-input--width-4"}),
            ],
            attrs,
        )

    def decompress(self, value):
        if isinstance(value, dt.date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class DateField(forms.MultiValueField):
    widget = DateWidget

    def __init__(self, *args, **kwargs):
        fields = (forms.CharField(), forms.CharField(), forms.CharField())
        kwargs.setdefault("require_all_fields", False)
        super().__init__(fields, *args, **kwargs)
        self.error_messages.setdefault("required", f"Enter {self.label.lower() if self.label else 'the date'}")

    def clean(self, value):
        if isinstance(value, dt.date):  # a disabled field gives back its initial date, not three boxes
            return value
        # Check the boxes ourselves so the message says exactly what is wrong.
        day, month, year = [(v or "").strip() for v in (value or ["", "", ""])]
        if not any((day, month, year)):
            if self.required:
                raise forms.ValidationError(getattr(self, "required_message", None) or f"Enter {self._what()}")
            return None
        missing = [name for name, v in (("day", day), ("month", month), ("year", year)) if not v]
        if missing:
            raise forms.ValidationError(f"{self._what().capitalize()} must include a {' and '.join(missing)}")
        try:
            d, m, y = int(day), int(month), int(year)
        except ValueError:
            raise forms.ValidationError(f"{self._what().capitalize()} must be a real date, written in numbers")
        if y < 1900 or y > 2100:
            raise forms.ValidationError("Year must include 4 numbers")
        try:
            return dt.date(y, m, d)
        except ValueError:
            raise forms.ValidationError(f"{self._what().capitalize()} must be a real date")

    def compress(self, data_list):  # pragma: no cover - clean() does the work
        return None

    def _what(self) -> str:
        # A question ("When did it happen?") does not make a sentence: the field may name itself.
        if getattr(self, "error_name", ""):
            return self.error_name
        if not self.label or self.label.rstrip().endswith("?"):
            return "the date"
        return self.label.lower()


class MoneyField(forms.DecimalField):
    """An amount in pounds, written as people write it: 250, £250, £1,250.50."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("decimal_places", 2)
        kwargs.setdefault("max_digits", 10)
        kwargs.setdefault("min_value", Decimal("0.01"))
        super().__init__(*args, **kwargs)
        self.error_messages["invalid"] = "Enter the amount in pounds, like 250 or 49.99"
        self.error_messages["max_decimal_places"] = "Enter the amount in pounds and pence, like 49.99"
        self.error_messages["min_value"] = "Enter an amount of at least 1p" if self.min_value else "Enter an amount of 0 or more"
        self.widget.input_type = "text"
        self.widget.attrs.setdefault("inputmode", "decimal")

    def to_python(self, value):
        if isinstance(value, str):
            value = re.sub(r"^\s*£\s*|,|\s+", "", value)
        return super().to_python(value)


PHONE = re.compile(r"^\+?[\d\s().-]+$")


class PhoneField(forms.CharField):
    """A UK or international phone number with any spacing: 10 to 15 digits, nothing else."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 40)
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value:
            digits = re.sub(r"\D", "", value)
            if not PHONE.match(value) or not 10 <= len(digits) <= 15:
                raise forms.ValidationError("Enter a phone number, like 01632 960 001, 07700 900 982 or +44 808 157 0192")
        return value


def specific_required_messages(form: forms.Form) -> None:
    """'Enter the date acknowledged', not 'This field is required' (GOV.UK error message style)."""
    for field in form.fields.values():
        if getattr(field, "max_length", None) and field.label:
            # "Ensure this value has at most 10000 characters (it has 11999)" is Django's.
            subject = "Your answer" if field.label.rstrip().endswith("?") else field.label[0].upper() + field.label[1:]
            field.error_messages["max_length"] = f"{subject} must be {field.max_length:,} characters or fewer"
        # A field may set `required_message` where its label does not make a sentence
        # ("What is it?" would give "Select what is it").
        explicit = getattr(field, "required_message", None)
        if explicit:
            field.error_messages["required"] = explicit
            continue
        if not field.label:
            continue
        label = field.label[0].lower() + field.label[1:]
        choose = isinstance(field, (forms.ChoiceField, forms.ModelChoiceField))
        field.error_messages["required"] = f"{'Select' if choose else 'Enter'} {label}".rstrip("?")



class ActionForm(forms.Form):
    """A form for one step on a case. Subclasses set `title`, `guidance` and `perform()`."""

    title = ""
    guidance: list[str] = []
    submit = "Save"
    field_order: list[str] | None = None
    #: GOV.UK conditional reveals: {radio field: {choice: [fields shown only for that choice]}}.
    #: The fields of the choices not made are ignored: their values are cleared, their errors dropped.
    conditional: dict[str, dict[str, list[str]]] = {}

    def __init__(self, *args, case=None, user=None, **kwargs):
        self.case = case
        self.user = user
        super().__init__(*args, **kwargs)

    def full_clean(self):
        # Here rather than in __init__, so fields a subclass adds after __init__ (the response's
        # points) get specific messages too.
        specific_required_messages(self)
        super().full_clean()
        self._mark_date_errors()

    def _post_clean(self):
        self._ignore_unchosen_reveals()
        super()._post_clean()

    def _ignore_unchosen_reveals(self):
        for radio, choices in self.conditional.items():
            chosen = self.cleaned_data.get(radio, self.data.get(self.add_prefix(radio)) if self.is_bound else None)
            for choice, names in choices.items():
                if choice == str(chosen):
                    continue
                for name in names:
                    if name in self._errors:
                        del self._errors[name]
                    self.cleaned_data[name] = self.fields[name].to_python(None) if not isinstance(self.fields[name], DateField) else None

    def _mark_date_errors(self):
        # The date boxes carry the red error border (the date widget's template reads this).
        for name in self.errors:
            field = self.fields.get(name)
            if field is not None and isinstance(field.widget, DateWidget):
                field.widget.attrs["error"] = True

    def perform(self):
        raise NotImplementedError

    def run(self) -> bool:
        """Validate, then call the service; a rule refusal becomes a form error. True on success."""
        if not self.is_valid():
            return False
        try:
            self.result = self.perform()
        except RuleViolation as error:
            field = error.field if error.field in self.fields else None
            self.add_error(field, str(error))
            self._mark_date_errors()
            return False
        return True

    def done_message(self) -> str:
        return f"{self.title}: done."
