"""The reports' editable narrative: the words a manager writes around the figures."""

from django.conf import settings
from django.db import models

# Annual report (8.1, 8.2): key -> (heading, what to write)
ANNUAL_SECTIONS = {
    "introduction": ("Introduction", "An opening for residents and the board: what the year was like."),
    "analysis": ("What the figures tell us (8.1 b)", "The qualitative analysis: why the figures moved, what residents told us, what is being done."),
    "ombudsman_annual_report": ("The Ombudsman's annual report about us (8.1 e)", "A summary of, and link to, the Housing Ombudsman's annual landlord performance report, or say there was none."),
    "ombudsman_publications": ("Other Ombudsman reports and publications (8.1 f)", "Any special reports, spotlight reports or other publications about our work, or say there were none."),
    "governing_body_response": ("The governing body's response (8.2)", "The board's response to this report, as agreed at its meeting."),
}
# Quarterly board report (9.7): stored with the key "q<n>.<section>"
QUARTER_SECTIONS = {
    "summary": ("Summary for the board", "The headlines for the Member Responsible for Complaints and the board."),
    "issues_and_trends": ("Issues and trends (9.7 b)", "Issues and trends arising from complaint handling this quarter."),
}


def section_title(key: str) -> str:
    if key.startswith("q") and "." in key:
        return QUARTER_SECTIONS[key.split(".", 1)[1]][0]
    return ANNUAL_SECTIONS[key][0]


def valid_key(key: str) -> bool:
    if key in ANNUAL_SECTIONS:
        return True
    head, _, rest = key.partition(".")
    return head in ("q1", "q2", "q3", "q4") and rest in QUARTER_SECTIONS


class ReportNarrative(models.Model):
    """One editable narrative section of a year's report (plain text; paragraphs by blank lines)."""

    year = models.PositiveSmallIntegerField(help_text="The reporting year starting 1 April.")
    section = models.CharField(max_length=40)
    text = models.TextField(blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["year", "section"], name="reports_narrative_one_per_section")]
        ordering = ["year", "section"]

    def __str__(self) -> str:
        return f"{self.year} {self.section}"

    @classmethod
    def texts(cls, year: int) -> dict[str, str]:
        return dict(cls.objects.filter(year=year).values_list("section", "text"))
