"""The privacy notice (GDPR articles 13 and 14): public, no login. The durations are the settings' values, so the
page says what the application actually does (participants.retention, audit.retention, accounts.sessions)."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_GET


def _years_and_months(months: int) -> str:
    """24 -> "24 mois (2 ans)"; 18 -> "18 mois"."""
    if months % 12 == 0:
        years = months // 12
        return f"{months} mois ({years} an{'s' if years > 1 else ''})"
    return f"{months} mois"


@login_not_required
@require_GET
def privacy_notice(request):
    retention = settings.RETENTION_MONTHS_AFTER_EXIT
    access_log = getattr(settings, "ACCESS_LOG_RETENTION_MONTHS", 12)
    return render(request, "privacy.html", {
        "title": "Données personnelles",
        "retention": _years_and_months(retention),
        "access_log_retention": _years_and_months(access_log),
        "login_failures_retention": _years_and_months(access_log),
        "session_idle_minutes": settings.SESSION_COOKIE_AGE // 60,
        "session_max_hours": settings.SESSION_MAX_HOURS,
    })
