import datetime

from django.db.models import Count
from django.utils import timezone

from access import scope
from participants import alerts as pathway_alerts
from programmes import alerts as programme_alerts
from programmes import rate_watch
from programmes.enums import ProgrammeStage

from .enums import Role

HOME_TITLES = {
    Role.CPIP: "Les programmes de vos établissements",
    Role.SPIP_MANAGER: "Les programmes de vos établissements",
    Role.SIAE_DIRECTOR: "Les programmes de votre structure",
    Role.SIAE_STAFF: "Les programmes de votre structure",
    Role.ESTABLISHMENT_STAFF: "Les programmes de votre établissement",
    Role.DISP_STAFF: "Les programmes de votre interrégion",
    Role.DREETS_STAFF: "Les programmes de votre région",
    Role.DDETS_STAFF: "Les programmes de votre département",
    Role.NATIONAL: "Tous les programmes",
    Role.ADMIN: "Tous les programmes",
}


def home_for(*, user, today: datetime.date | None = None) -> dict:
    """What a user's home page shows: their deadlines, their scope counted, and the programmes they work on.

    ``alerts_shown`` is false for roles that receive no alert (national staff): no alert block at all.
    """
    today = today or timezone.localdate()
    programmes = scope.programmes_for(user).select_related("siae", "establishment", "quartier").order_by("code")
    by_stage = dict(programmes.order_by().values_list("stage").annotate(n=Count("pk")))
    return {
        "title": HOME_TITLES.get(user.role, HOME_TITLES[Role.NATIONAL]),
        "establishment_count": scope.establishments_for(user).count(),
        "siae_count": scope.siaes_for(user).count(),
        "programme_count": programmes.count(),
        "programmes": programmes[:12],
        "stages": [(label, by_stage.get(value, 0)) for value, label in ProgrammeStage.choices],
        # Deadlines of the programmes and of the pathways (participants/alerts.py), soonest first.
        "alerts": sorted(
            programme_alerts.alerts_for(user=user, today=today) + pathway_alerts.alerts_for(user=user, today=today)
            + rate_watch.alerts_for(user=user, today=today),
            key=lambda alert: (alert.date, alert.kind, alert.message),
        ),
        "alerts_shown": bool(programme_alerts.kinds_for(user) or pathway_alerts.kinds_for(user)
                             or rate_watch.kinds_for(user)),
        "alert_horizon": programme_alerts.HORIZON_DAYS,
    }
