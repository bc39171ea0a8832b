"""What a user's digest says: the alerts of their home page, for their scope only, each with an absolute link.

One rule, one place: the alerts are those of the home page (accounts.selectors.home_for), read by the same
functions (``SOURCES``: programmes.alerts, participants.alerts, programmes.rate_watch), which read the user's scope
through access.scope; tests/notifications checks that the digest lists exactly the home page's alerts.

No personal data beyond what the recipient may read: a recipient who reads names (access.scope.reads_names: SPIP,
SIAE and establishment staff, administrators) gets each alert's sentence as the home page shows it. A recipient who
does not (DISP, DREETS, DDETS, national staff) gets the sentence only of the kinds that can name no one
(``NAMELESS_KINDS``: conventions, annexes and implantation contracts name organisations; the dated tables name a
table); any other alert (a committee decision quotes its free text, which may name a person; a pathway alert names
its person) is counted by kind, with a link to the home page where the recipient reads it in full.
"""

import datetime
from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse

from access import scope
from participants import alerts as pathway_alerts
from programmes import alerts as programme_alerts
from programmes import rate_watch

SOURCES = (programme_alerts, pathway_alerts, rate_watch)

NAMELESS_KINDS = {
    programme_alerts: frozenset({programme_alerts.CONVENTION, programme_alerts.ANNEX, programme_alerts.CONTRACT}),
    pathway_alerts: frozenset(),
    rate_watch: frozenset({rate_watch.RATE_TABLE}),
}

# (source, kind) -> (singular, plural) of the counted line; a kind not listed is counted as « alerte(s) ».
COUNT_LABELS = {
    (programme_alerts, programme_alerts.DECISION): ("décision de comité en retard", "décisions de comité en retard"),
    (pathway_alerts, pathway_alerts.RELEASE): ("libération proche sans préparation à la sortie",
                                               "libérations proches sans préparation à la sortie"),
    (pathway_alerts, pathway_alerts.FOLLOW_UP): ("suivi après libération à saisir",
                                                 "suivis après libération à saisir"),
    (pathway_alerts, pathway_alerts.CONTRACT): ("contrat en atelier incomplet", "contrats en atelier incomplets"),
    (pathway_alerts, pathway_alerts.ENGAGEMENT_ACT): ("acte d'engagement à transformer",
                                                      "actes d'engagement à transformer"),
    (pathway_alerts, pathway_alerts.PAY): ("programme aux rémunérations sous le plancher",
                                           "programmes aux rémunérations sous le plancher"),
}


@dataclass(frozen=True)
class Item:
    """One alert as the digest shows it: the home page's sentence and an absolute link (or none)."""

    message: str
    url: str
    link_label: str
    severity: str


@dataclass(frozen=True)
class Count:
    """Alerts of one kind counted, never described: « 2 décisions de comité en retard »."""

    number: int
    label: str

    def __str__(self):
        return f"{self.number} {self.label}"


@dataclass(frozen=True)
class Digest:
    items: list[Item]
    counts: list[Count]
    home_url: str
    preferences_url: str

    @property
    def total(self) -> int:
        return len(self.items) + sum(count.number for count in self.counts)

    @property
    def empty(self) -> bool:
        return self.total == 0


def absolute(url: str) -> str:
    """The site's address (settings.SITE_URL) before a path; an empty path stays empty (no link)."""
    if not url:
        return ""
    return settings.SITE_URL.rstrip("/") + url if url.startswith("/") else url


def _counted(source, kind: str, number: int) -> Count:
    singular, plural = COUNT_LABELS.get((source, kind), ("alerte", "alertes"))
    return Count(number, singular if number == 1 else plural)


def digest_for(*, user, today: datetime.date) -> Digest:
    names = scope.reads_names(user)
    shown, counted = [], {}
    for source in SOURCES:
        for alert in source.alerts_for(user=user, today=today):
            if names or alert.kind in NAMELESS_KINDS[source]:
                shown.append(alert)
            else:
                counted[(source, alert.kind)] = counted.get((source, alert.kind), 0) + 1
    shown.sort(key=lambda alert: (alert.date, alert.kind, alert.message))
    items = [Item(alert.message, absolute(alert.url), alert.link_label, alert.severity) for alert in shown]
    counts = [_counted(source, kind, count) for (source, kind), count in counted.items()]
    return Digest(items=items, counts=counts, home_url=absolute(reverse("accounts:home")),
                  preferences_url=absolute(reverse("notifications:preferences")))
