"""The dashboards' summary layer (issue 19, §2): per programme and per month, the counts and sums the indicators
add up, so that a period made of whole months reads a few hundred rows instead of the raw tables.

Exact by construction: a row is never incremented, it is recomputed from the raw tables (dashboards.summaries)
in the transaction of the write that changes it. ``rebuild_summaries`` rebuilds them all; a nightly task compares
a sample with the raw tables (docs/indicators.md, « Les résumés mensuels »).
"""

from django.db import models

# The integer columns, each a count of one month (dashboards.summaries says what each one counts).
COUNT_FIELDS = [
    "sessions", "candidates", "selected", "entrants", "closed",
    "exits", "returns_to_ordinary_detention", "releases", "releases_with_adjustment", "releases_dynamic",
    "exits_transfer", "exits_resignation", "exits_termination", "exits_health", "exits_other_reason",
    "outcome_durable", "outcome_transition", "outcome_positive", "outcome_other", "outcome_neutralised",
    "release_denominator", "release_employment", "release_durable", "release_cddi",
    "exit_days_sum", "exit_days_count",
    "women", "age_under_26", "age_50_plus", "rsa", "benefits", "deld", "low_education", "rqth",
    "imported_pmsmp", "pmsmp", "trainings", "cip_interviews",
    "follow_up_6_reached", "follow_up_6_dynamic", "follow_up_12_reached", "follow_up_12_dynamic",
]
# The hours (one decimal), summed exactly.
HOURS_FIELDS = ["hours", "imported_hours"]


class MonthlySummary(models.Model):
    # CASCADE: a summary is derived data; it goes with its programme.
    programme = models.ForeignKey("programmes.Programme", on_delete=models.CASCADE, related_name="+")
    month = models.DateField("mois", help_text="Le premier jour du mois.")
    hours = models.DecimalField("heures travaillées", max_digits=14, decimal_places=1, default=0)
    imported_hours = models.DecimalField("heures travaillées importées", max_digits=14, decimal_places=1, default=0)
    locals().update({name: models.BigIntegerField(default=0) for name in COUNT_FIELDS})

    class Meta:
        verbose_name = "résumé mensuel d'un programme"
        verbose_name_plural = "résumés mensuels des programmes"
        constraints = [
            models.UniqueConstraint(fields=["programme", "month"], name="monthly_summary_unique",
                                    violation_error_message="Ce programme a déjà un résumé pour ce mois."),
            models.CheckConstraint(condition=models.Q(month__day=1), name="monthly_summary_first_day",
                                   violation_error_message="Le mois d’un résumé s’écrit avec son premier jour."),
        ]
        indexes = [models.Index(fields=["month"], name="monthly_summary_month_idx")]

    def __str__(self):
        return f"{self.programme_id} {self.month:%m/%Y}"
