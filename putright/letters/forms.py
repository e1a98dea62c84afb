from django import forms

from .models import REQUIRED_MARKER


class LetterForm(forms.Form):
    subject = forms.CharField(label="Subject", max_length=200)
    body_html = forms.CharField(
        label="Wording",
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=(
            f"Paragraphs in <p>…</p>. Keep {REQUIRED_MARKER} where the parts the Code requires go: "
            "PutRight prints them from the case record."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].error_messages["required"] = "Enter the subject of the letter"
        self.fields["body_html"].error_messages["required"] = "Enter the wording of the letter"
