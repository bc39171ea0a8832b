"""Attestation de fin de parcours (issue 17 §3): what the person takes out when the pathway ends, to show an employer
or France Travail: the employer (the SIAE: its name, kind, address, SIRET and who represents it), the post, the
dates, the weekly hours and the hours worked (the sum of the timeline's monthly hours, else the import's total),
the skills acquired (entered on the pathway page: participants.contract_changes.skills_record), the trainings and
certifications obtained, and the immersions (PMSMP). The post and the weekly hours follow the contract's avenants
(« Logistique, puis Cariste à partir du 1er septembre 2025 »).
Signed by the SIAE alone, on its letterhead.

Written for the outside world: no word of the prison or the justice system (no establishment, contract name,
écrou, counsellor or SPIP, release or sentence): the SIAE is the employer, the pathway an "insertion par l'activité
économique" pathway. Its audience is the default one (Audience.INTERNAL): like every document about a person, it is
listed and downloaded in the application only by the programme's own readers, who print it for the person.

Subject: a Pathway that left the programme.
"""

import datetime

from django.urls import reverse

from participants.contract_changes import current_post, judicial_word, skill_lines
from participants.enums import EventKind

from ..enums import DocumentKind, SubjectType
from ..registry import KindSpec, Missing, register
from . import common as c
from .accompaniment_charter import is_woman
from .contract_life import contract_needs, event_period, events_of, exit_needs, hours_worked
from .pathway_title import pathway_reference, pathway_title

TEMPLATE_VERSION = "2026.2"  # 2026.2: the skills acquired; the post and hours of each avenant
KIND_LABEL = "Attestation de fin de parcours"


def missing(pathway) -> list[Missing]:
    needs = contract_needs(pathway)
    programme = pathway.programme
    needs.siae(programme.siae, address=True, director=True)
    needs.check(programme.activity, f"l'activité du programme {programme.code} (le poste occupé)",
                reverse("programmes:programme_update", args=[programme.pk]))
    exit_needs(needs, pathway)
    if pathway.contract_start:
        needs.check(pathway.hours_per_week, "le nombre d'heures de travail par semaine",
                    reverse("participants:pathway_step", args=[pathway.pk, "contrat"]))
        if hours_worked(pathway) is None:
            needs.add("les heures travaillées (les heures du mois, dans la chronologie du parcours)",
                      pathway.get_absolute_url())
    return needs.items


def title(pathway) -> str:
    return pathway_title(KIND_LABEL, pathway)


def metadata(pathway) -> dict:
    """The PDF's properties: the kind, the programme and the reference, like common.metadata, without its keyword
    "IAE en détention" (the attestation says nothing of detention, its properties neither)."""
    code, reference = pathway.programme.code, pathway_reference(pathway)
    title = f"{KIND_LABEL} — programme {code}"
    return {"title": title, "subject": f"{title}, {pathway.programme.siae.name} (référence {reference})",
            "keywords": f"{KIND_LABEL}, {code}, {reference}, insertion par l'activité économique"}


def _event_line(event, fallback: str) -> str:
    """The event's own words, unless they name the justice system (a free text of the timeline): then its kind."""
    detail = event.detail if event.detail and not judicial_word(event.detail) else fallback
    return f"{detail}, {event_period(event)}"


def _post(pathway, changes) -> str:
    """The post held over the pathway: the programme's activity (with its sector) unless the contract started on
    another post, then each avenant's post from its date."""
    programme = pathway.programme
    moves = [row for row in changes if row.post]
    first = moves[0].previous_post if moves else current_post(pathway)
    text = first + (f" (secteur : {programme.sector})" if programme.sector and first == programme.activity else "")
    return text + "".join(f", puis {row.post} à partir du {c.long_date(row.valid_from)}" for row in moves)


def _weekly_hours(pathway, changes) -> str:
    """« 24 h par semaine », or « 24 h par semaine, puis 30 h à partir du 1er septembre 2025 »."""
    moves = [row for row in changes if row.hours_per_week is not None]
    first = moves[0].previous_hours_per_week if moves else pathway.hours_per_week
    text = f"{c.hours(first)} par semaine" if first is not None else ""
    later = [f"{c.hours(row.hours_per_week)} à partir du {c.long_date(row.valid_from)}" for row in moves]
    return ", puis ".join(([text] if text else []) + later)


def build(pathway, today: datetime.date) -> dict:
    participant, programme = pathway.participant, pathway.programme
    siae = programme.siae
    female = is_woman(participant)
    start, end = pathway.contract_start, pathway.exit_on
    total = hours_worked(pathway)
    changes = list(pathway.contract_changes.order_by("valid_from"))
    post = _post(pathway, changes)
    trainings = [_event_line(event, "Formation") for event in events_of(pathway, EventKind.TRAINING)]
    certifications = [_event_line(event, "Certification")
                      for event in events_of(pathway, EventKind.CERTIFICATION)]
    immersions = [_event_line(event, "Période de mise en situation en milieu professionnel")
                  for event in events_of(pathway, EventKind.PMSMP)]
    if not immersions and pathway.imported_pmsmp:
        count = pathway.imported_pmsmp
        immersions = [f"{count} période{'s' if count > 1 else ''} de mise en situation en milieu professionnel"]
    name = f"{participant.first_names} {participant.last_name.upper()}"
    # No quality under the name: the director's sex is not recorded ("représentant" or "représentante").
    signer = c.party(role="L'employeur", name=siae.name, heading=f"Pour {siae.name}", signatory=siae.director_name)
    return {
        "author": siae.name,
        "generator": siae.name,  # not the application's name, which says detention
        "reference": f"Parcours {pathway_reference(pathway)}",
        "issued_on": c.long_date(today),
        "title": title(pathway),
        "heading": KIND_LABEL,
        "subtitle": f"Parcours d'insertion par l'activité économique — {siae.name}",
        "metadata": metadata(pathway),
        "letterhead": c.siae_letterhead(siae),
        "person": {"civility": "Madame" if female else "Monsieur", "name": name,
                   "born": f"{'née' if female else 'né'} le {c.long_date(participant.birth_date)}",
                   "concerned": "l'intéressée" if female else "l'intéressé", "feminine": female},
        "employer": {"name": siae.name, "kind": c.lower_first(siae.get_kind_display()),
                     "identity": [c.lower_first(line) for line in c.siae_identity(siae)],
                     "director": siae.director_name},
        "rows": [
            ["Employeur", f"{siae.name}, {c.lower_first(siae.get_kind_display())}"],
            ["Adresse", c.one_line(siae.address)],
            ["SIRET", c.siret(siae.siret)],
            ["Poste occupé", post],
            ["Période", c.period(start, end)],
            ["Durée du parcours", c.duration(start, end)],
            ["Durée hebdomadaire du travail", _weekly_hours(pathway, changes)],
            ["Heures travaillées", c.hours(total)],
        ],
        "post": post,
        "period": c.period(start, end),
        "hours_worked": c.hours(total),
        "skills": skill_lines(pathway.skills_acquired),
        "trainings": trainings,
        "certifications": certifications,
        "immersions": immersions,
        "parties": [signer],
    }


SPEC = register(KindSpec(
    kind=DocumentKind.RELEASE_CERTIFICATE,
    subject_type=SubjectType.PATHWAY,
    template="documents/pdf/release_certificate.html",
    template_version=TEMPLATE_VERSION,
    build=build,
    missing=missing,
    title=title,
))
