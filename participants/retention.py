"""Limited retention (issue 7 §3, security.md R-14): participants whose last pathway ended more than
``settings.RETENTION_MONTHS_AFTER_EXIT`` months ago are anonymised; the counts the indicators need stay.

When a pathway "ends", by status (participants.enums.CLOSED_STATUSES):
- EXITED: ``exit_on`` (the exit from the programme);
- WITHDRAWN: ``withdrawn_on`` (the candidate's withdrawal, or the commission's date for a withdrawal there);
- NOT_SELECTED: the date of the selection commission (``session.date``).
A row missing its date (old imports) falls back on the date of its last step in the pathway log, then on the day
it was recorded. A person with any pathway still open is kept, whatever their older pathways. A person who never
had a pathway is kept while they stay in the establishment, and handled like the others from the end of their stay
(``stay_ended_on``).

"More than N months ago": the data is kept N months to the day (ended on 15 March 2024, 24 months: kept on
15 March 2026, anonymised from 16 March 2026).

What anonymisation does to a person (``anonymise``):
- kept, because the dashboards count them: sex, RSA/ASS/AAH, jobseeker duration, education level, RQTH, the
  establishment, the pathways' statuses, dates, contracts, outcomes and hours, ``Pathway.age_at_entry``;
- reduced: the birth date becomes 1 January of the birth year (the column cannot be empty);
- replaced: names ("Personne anonymisée"), the numéro d'écrou and its key (a code made from the row's id, so the
  uniqueness rule of present people still holds);
- emptied: the SPIP-only note, the expected release and sentence-adjustment dates, the free texts that may name
  the person or others (decision reason, exit note, skills acquired, timeline details, follow-up notes; an
  avenant's reason, which cannot be empty, becomes ``ERASED_REASON``);
- documents generated about their pathways: the PDF files are deleted, the rows keep their kind and version but
  lose their title and frozen data (they are marked failed, with the reason);
- the change history of the person and their pathways is erased (audit.history.erase_for, when installed).

The run is atomic (all or nothing, files deleted only after the commit) and idempotent (anonymised rows are
skipped). It logs counts only, never names (logger ``participants.retention``).
"""

import dataclasses
import datetime
import logging

from dateutil.relativedelta import relativedelta
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Case, DateField, F, Max, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce, TruncDate
from django.utils import timezone

from documents.enums import DocumentStatus
from documents.models import GeneratedDocument

from . import rules
from .enums import OPEN_STATUSES, PathwayStatus
from .models import AccompanimentEvent, ContractChange, FollowUp, Participant, Pathway, PathwayLog

logger = logging.getLogger("participants.retention")

ANONYMISED_NAME = "Personne anonymisée"
DOCUMENT_PURGED = "Document supprimé : la durée de conservation des données de cette personne est écoulée."
ERASED_REASON = "Motif effacé : la durée de conservation des données de cette personne est écoulée."


@dataclasses.dataclass
class RetentionReport:
    """What a run did, or would do in a dry run: counts only."""

    today: datetime.date
    cutoff: datetime.date
    wet_run: bool
    participants: int = 0
    pathways: int = 0
    events: int = 0
    follow_ups: int = 0
    documents: int = 0
    files: int = 0
    history: int = 0
    audit: dict = dataclasses.field(default_factory=dict)

    def lines(self) -> list[str]:
        verb = "anonymisé·es" if self.wet_run else "à anonymiser"
        done = "" if self.wet_run else " (simulation : rien n'a été modifié ; --wet-run pour appliquer)"
        lines = [
            f"Conservation : parcours terminés depuis plus de {settings.RETENTION_MONTHS_AFTER_EXIT} mois, "
            f"c'est-à-dire au plus tard le {self.cutoff:%d/%m/%Y} (date du jour : {self.today:%d/%m/%Y}){done}.",
            f"Participant·es {verb} : {self.participants}",
            f"Parcours concernés : {self.pathways}",
            f"Actions d'accompagnement dont la précision est effacée : {self.events}",
            f"Suivis après la libération dont la précision est effacée : {self.follow_ups}",
            f"Documents générés retirés : {self.documents} (fichiers supprimés : {self.files})",
            f"Entrées de l'historique des modifications effacées : {self.history}",
        ]
        labels = {"access_log": "Entrées du journal d'accès", "login_failures": "Tentatives de connexion échouées"}
        for name, count in sorted(self.audit.items()):
            lines.append(f"{labels.get(name, name)} (plus de {getattr(settings, 'ACCESS_LOG_RETENTION_MONTHS', 12)} "
                         f"mois) {'supprimées' if self.wet_run else 'à supprimer'} : {count}")
        return lines


def cutoff_for(today: datetime.date) -> datetime.date:
    """The latest end date whose data is past its retention on ``today``."""
    return today - relativedelta(months=settings.RETENTION_MONTHS_AFTER_EXIT) - datetime.timedelta(days=1)


def _pathway_end():
    """The date a closed pathway ended (see the module's docstring), as an SQL expression on Pathway."""
    last_step = PathwayLog.objects.filter(pathway=OuterRef("pk"), on__isnull=False).order_by("-on").values("on")[:1]
    fallback = Coalesce(Subquery(last_step, output_field=DateField()), TruncDate("created_at"))
    return Case(
        When(status=PathwayStatus.EXITED, then=Coalesce(F("exit_on"), fallback)),
        When(status=PathwayStatus.WITHDRAWN, then=Coalesce(F("withdrawn_on"), F("session__date"), fallback)),
        When(status=PathwayStatus.NOT_SELECTED, then=Coalesce(F("session__date"), fallback)),
        output_field=DateField(),
    )


def expired_participants(today: datetime.date):
    """Participants not yet anonymised whose retention is over on ``today``."""
    cutoff = cutoff_for(today)
    last_end = (Pathway.objects.filter(participant=OuterRef("pk")).annotate(end=_pathway_end())
                .values("participant").annotate(last=Max("end")).values("last"))
    with_pathway = Pathway.objects.values("participant")
    return (
        Participant.objects.filter(anonymised_at__isnull=True)
        .exclude(pk__in=Pathway.objects.filter(status__in=sorted(OPEN_STATUSES)).values("participant"))
        .annotate(last_end=Subquery(last_end, output_field=DateField()))
        .filter(Q(pk__in=with_pathway, last_end__lte=cutoff)
                | (~Q(pk__in=with_pathway) & Q(stay_ended_on__lte=cutoff)))
    )


def _erase_history(participant_ids, pathway_ids) -> int:
    """The change history holds the old names and notes: erased with them (audit app, once installed)."""
    if not apps.is_installed("audit"):
        return 0
    try:
        from audit.history import erase_for
    except ImportError:
        return 0
    erased = 0
    for object_type, ids in (("participant", participant_ids), ("pathway", pathway_ids)):
        for object_id in ids:
            erased += erase_for(object_type, str(object_id)) or 0
    return erased


def _count_history(participant_ids, pathway_ids) -> int:
    if not apps.is_installed("audit"):
        return 0
    records = apps.get_model("audit", "ChangeRecord").objects
    return (records.filter(object_type="participant", object_id__in=[str(pk) for pk in participant_ids]).count()
            + records.filter(object_type="pathway", object_id__in=[str(pk) for pk in pathway_ids]).count())


def _purge_access_log(now: datetime.datetime, wet_run: bool) -> dict:
    if not apps.is_installed("audit"):
        return {}
    try:
        from audit.retention import purge_expired
    except ImportError:
        return {}
    return purge_expired(now=now, wet_run=wet_run) or {}


def anonymise(participants, *, now: datetime.datetime, report: RetentionReport) -> list[str]:
    """Anonymise these participants (a queryset or list) and what points back to them. Returns the names of the
    files to delete once the transaction is committed."""
    participants = list(participants)
    report.participants += len(participants)
    ids = [participant.pk for participant in participants]
    for participant in participants:
        code = f"ANONYME-{participant.pk.hex[:8].upper()}"
        participant.last_name, participant.first_names = ANONYMISED_NAME, ""
        participant.ecrou, participant.ecrou_key = code, rules.ecrou_key(code)
        participant.birth_date = datetime.date(participant.birth_date.year, 1, 1)
        participant.work_constraints_note = ""
        participant.expected_release_date = participant.adjustment_eligibility_date = None
        participant.anonymised_at = now
    Participant.objects.bulk_update(participants, [
        "last_name", "first_names", "ecrou", "ecrou_key", "birth_date", "work_constraints_note",
        "expected_release_date", "adjustment_eligibility_date", "anonymised_at",
    ])
    pathways = Pathway.objects.filter(participant__in=ids)
    pathway_ids = list(pathways.values_list("pk", flat=True))
    report.pathways += pathways.update(decision_reason="", classification_refusal_reason="", exit_note="",
                                       skills_acquired="")
    ContractChange.objects.filter(pathway__in=pathway_ids).update(reason=ERASED_REASON)
    report.events += AccompanimentEvent.objects.filter(pathway__in=pathway_ids).exclude(detail="").update(detail="")
    report.follow_ups += FollowUp.objects.filter(pathway__in=pathway_ids).exclude(note="").update(note="")
    documents = GeneratedDocument.objects.filter(pathway__in=pathway_ids)
    files = [name for name in documents.exclude(file="").values_list("file", flat=True)]
    report.documents += documents.update(status=DocumentStatus.FAILED, title="Document retiré", snapshot={},
                                         file="", sha256="", size=None, error=DOCUMENT_PURGED)
    report.history += _erase_history(ids, pathway_ids)
    return files


def apply_retention(*, today: datetime.date | None = None, wet_run: bool = False) -> RetentionReport:
    """Anonymise every participant past their retention (wet run), or count them (dry run, nothing written);
    then purge the access log past its own retention (audit.retention.purge_expired)."""
    now = timezone.now()
    if today is not None:  # a given day: the run acts as at noon that day (tests, catching up a missed day)
        now = timezone.make_aware(datetime.datetime.combine(today, datetime.time(12)))
    today = timezone.localdate(now)
    report = RetentionReport(today=today, cutoff=cutoff_for(today), wet_run=wet_run)
    files: list[str] = []
    with transaction.atomic():
        expired = expired_participants(today).select_for_update(of=("self",)) if wet_run else \
            expired_participants(today)
        if wet_run:
            files = anonymise(expired.only("pk", "birth_date"), now=now, report=report)
        else:
            ids = list(expired.values_list("pk", flat=True))
            report.participants = len(ids)
            pathways = Pathway.objects.filter(participant__in=ids)
            report.pathways = pathways.count()
            report.events = AccompanimentEvent.objects.filter(pathway__in=pathways).exclude(detail="").count()
            report.follow_ups = FollowUp.objects.filter(pathway__in=pathways).exclude(note="").count()
            documents = GeneratedDocument.objects.filter(pathway__in=pathways)
            report.documents = documents.count()
            report.files = documents.exclude(file="").count()
            report.history = _count_history(ids, list(pathways.values_list("pk", flat=True)))
        report.audit = _purge_access_log(now, wet_run)
    if wet_run:
        storage = GeneratedDocument._meta.get_field("file").storage
        for name in files:
            storage.delete(name)
        report.files = len(files)
    logger.info(
        "retention %s: cutoff=%s participants=%d pathways=%d events=%d follow_ups=%d documents=%d files=%d "
        "history=%d audit=%s", "wet run" if wet_run else "dry run", report.cutoff.isoformat(), report.participants,
        report.pathways, report.events, report.follow_ups, report.documents, report.files, report.history,
        report.audit)
    return report
