from django import forms

from . import paragraphs

PARAGRAPH_HINT = "Plain text. Leave a blank line between paragraphs; start lines with “- ” for a list."


class LetterForm(forms.Form):
    """The subject and the wording around the required parts, as plain paragraphs."""

    subject = forms.CharField(label="Subject", max_length=200)
    before = forms.CharField(
        label="Wording before the parts the Code requires",
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=PARAGRAPH_HINT,
    )
    after = forms.CharField(
        label="Wording after the parts the Code requires",
        required=False,
        widget=forms.Textarea(attrs={"rows": 8}),
        help_text=PARAGRAPH_HINT,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subject"].error_messages["required"] = "Enter the subject of the letter"
        self.fields["before"].error_messages["required"] = "Enter the wording of the letter, starting with who it is to"

    @classmethod
    def for_letter(cls, letter, data=None):
        before, after = paragraphs.split(letter.body_html)
        return cls(data, initial={"subject": letter.subject, "before": before, "after": after})

    @property
    def body_html(self) -> str:
        return paragraphs.join(self.cleaned_data["before"], self.cleaned_data.get("after", ""))
