"""Each landlord's own themes for triage's built-in ones."""

from django.db import models

from putright.triage.engine import THEMES

THEME_LABELS = {
    "repairs": "Repairs",
    "damp_and_mould": "Damp and mould",
    "anti_social_behaviour": "Anti-social behaviour",
    "communication": "Communication",
    "staff_conduct": "Staff conduct",
    "rent_and_charges": "Rent and charges",
    "estate_services": "Estate services",
    "heating_and_hot_water": "Heating and hot water",
    "lettings_and_moves": "Lettings and moves",
    "safety": "Safety",
    "neighbourhood_noise": "Neighbourhood noise",
    "other": "Other",
}


class ThemeMapping(models.Model):
    """Which of the landlord's themes a built-in triage theme suggests.

    Without a mapping, a landlord theme with the built-in theme's name (ignoring case and
    punctuation: "Damp & mould" for damp_and_mould is not the same name, so map it) is suggested;
    otherwise no theme is pre-selected.
    """

    builtin = models.CharField("Triage theme", max_length=40, unique=True, choices=[(t, THEME_LABELS[t]) for t in THEMES])
    theme = models.ForeignKey("cases.Theme", on_delete=models.CASCADE, related_name="triage_mappings", verbose_name="Your theme")

    class Meta:
        ordering = ["builtin"]

    def __str__(self) -> str:
        return f"{THEME_LABELS[self.builtin]} → {self.theme}"
