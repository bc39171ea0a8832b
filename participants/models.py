"""Participants (people in detention), recruitment sessions, pathways, their timeline and follow-ups.

What may not be stored is simply absent: no offence, sentence, criminal record or expert report field
(docs/domain.md §10.1). Rules across rows (state machine, dates against sessions, pay floor) live in services.py.
"""

import datetime
import uuid

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.search import Fold
from core.validation import period_in_order, validate_identifier, validate_person_name

from .enums import (
    CLOSED_STATUSES,
    AbsenceReason,
    AdjustmentDecision,
    ChoiceLabel,
    ContractKind,
    CpuOpinion,
    EducationLevel,
    EventKind,
    ExitReason,
    FollowUpMilestone,
    ImportStatus,
    JobContract,
    JobseekerDuration,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
    SuspensionReason,
    Transition,
)


def age_on(birth_date, day) -> int:
    """Whole years from ``birth_date`` to ``day`` (born 29 February: a year older on 1 March of a common year)."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))


class Participant(models.Model):
    """A person during one stay in one establishment (the numéro d'écrou belongs to that stay)."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # RESTRICT: a stay's establishment is never deleted under its participants.
    establishment = models.ForeignKey(
        "programmes.Establishment", on_delete=models.RESTRICT, related_name="participants",
        verbose_name=_("établissement"),
    )
    quartier = models.ForeignKey(
        "programmes.Quartier", on_delete=models.SET_NULL, null=True, blank=True, related_name="participants",
        verbose_name=_("quartier"),
    )
    ecrou = models.CharField(_("numéro d'écrou"), max_length=20, validators=[validate_identifier])
    # The écrou as compared: upper case, letters and digits only, leading zeros dropped (services.ecrou_key).
    ecrou_key = models.CharField(max_length=20, editable=False)
    stay_ended_on = models.DateField(_("fin du séjour dans l'établissement"), null=True, blank=True)
    last_name = models.CharField(_("nom"), max_length=100, validators=[validate_person_name])
    first_names = models.CharField(_("prénoms"), max_length=150, validators=[validate_person_name])
    # The names as searched (core.search: no case, accent, space, hyphen or apostrophe), kept by the database itself
    # whoever writes the row (forms, services, the import's bulk statements, the administration, the anonymisation).
    search_last_name = models.GeneratedField(expression=Fold(F("last_name")), output_field=models.TextField(),
                                             db_persist=True)
    search_first_names = models.GeneratedField(expression=Fold(F("first_names")),
                                               output_field=models.TextField(), db_persist=True)
    birth_date = models.DateField(_("date de naissance"))
    sex = models.CharField(_("sexe"), max_length=1, choices=Sex.choices)
    expected_release_date = models.DateField(_("date de libération prévisible"), null=True, blank=True)
    adjustment_eligibility_date = models.DateField(
        _("date d'éligibilité à un aménagement de peine"), null=True, blank=True
    )
    # Profile at entry (indicators, IAE eligibility criteria).
    rsa = models.BooleanField(_("RSA avant la détention"), default=False)
    ass = models.BooleanField(_("ASS avant la détention"), default=False)
    aah = models.BooleanField(_("AAH avant la détention"), default=False)
    jobseeker = models.CharField(
        _("ancienneté d'inscription comme demandeur d'emploi"), max_length=8,
        choices=JobseekerDuration.choices, default=JobseekerDuration.NONE,
    )
    education_level = models.CharField(
        _("niveau de formation"), max_length=4, choices=EducationLevel.choices, blank=True
    )
    rqth = models.BooleanField(_("RQTH"), default=False)
    counsellor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="caseload",
        verbose_name=_("CPIP référent·e"),
    )
    # SPIP only: a neutral constraint for work outside, never the facts behind it.
    work_constraints_note = models.TextField(
        _("contraintes pour un travail à l'extérieur"), blank=True,
        help_text=_("Visible du SPIP seulement. Une contrainte neutre (zone interdite, horaires), jamais les faits."),
    )
    # Set by the retention (participants.retention): names, écrou and notes are gone, the counts stay.
    anonymised_at = models.DateTimeField(_("anonymisé·e le"), null=True, blank=True, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("participant·e")
        verbose_name_plural = _("participant·es")
        ordering = ["last_name", "first_names"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "ecrou_key"],
                condition=Q(stay_ended_on__isnull=True),
                name="participant_ecrou_unique_in_active_stays",
                violation_error_message=_(
                    "Une personne présente dans cet établissement porte déjà ce numéro d'écrou."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(ecrou_key=""),
                name="participant_ecrou_not_empty",
                violation_error_message=_("Le numéro d'écrou doit contenir au moins une lettre ou un chiffre."),
            ),
        ]
        indexes = [models.Index(fields=["establishment", "expected_release_date"])]

    def __str__(self):
        if self.anonymised_at:  # participants.retention: no name any more, on every page and export
            return "Personne anonymisée"
        return f"{self.last_name.upper()} {self.first_names}"

    def get_absolute_url(self):
        return reverse("participants:participant_detail", args=[self.pk])


class RecruitmentSession(models.Model):
    """Information meeting, interviews and selection commission of one programme (dated by the commission)."""

    # RESTRICT: sessions are counted by the indicators; a programme with sessions is not deleted.
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.RESTRICT, related_name="recruitment_sessions",
        verbose_name=_("programme"),
    )
    date = models.DateField(_("date de la commission de sélection"))
    information_meeting_on = models.DateField(_("date de l'information collective"), null=True, blank=True)
    interviews_on = models.DateField(_("date des entretiens"), null=True, blank=True)
    note = models.TextField(_("observations"), blank=True)

    class Meta:
        verbose_name = _("session de recrutement")
        verbose_name_plural = _("sessions de recrutement")
        ordering = ["-date"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "date"],
                name="session_one_per_programme_and_date",
                violation_error_message=_("Ce programme a déjà une session de recrutement à cette date."),
            ),
            models.CheckConstraint(
                condition=Q(information_meeting_on__isnull=True) | Q(information_meeting_on__lte=F("date")),
                name="session_information_before_commission",
                violation_error_message=_("L'information collective précède la commission de sélection."),
            ),
            models.CheckConstraint(
                condition=Q(interviews_on__isnull=True) | Q(interviews_on__lte=F("date")),
                name="session_interviews_before_commission",
                violation_error_message=_("Les entretiens précèdent la commission de sélection."),
            ),
        ]
        # The sessions of a period, whatever the programme (dashboards: candidates of the period).
        indexes = [models.Index(fields=["date"], name="session_date_idx")]

    def __str__(self):
        return f"Session du {self.date:%d/%m/%Y} — {self.programme.code}"

    def get_absolute_url(self):
        return reverse("participants:session_detail", args=[self.pk])


class Pathway(models.Model):
    """One person's route in one programme, from candidacy to exit. ``status`` moves only through services."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    # RESTRICT: a pathway is evidence for the indicators and the documents; it is never cascaded away.
    participant = models.ForeignKey(
        Participant, on_delete=models.RESTRICT, related_name="pathways", verbose_name=_("participant·e")
    )
    programme = models.ForeignKey(
        "programmes.Programme", on_delete=models.RESTRICT, related_name="pathways", verbose_name=_("programme")
    )
    session = models.ForeignKey(
        RecruitmentSession, on_delete=models.RESTRICT, null=True, blank=True, related_name="pathways",
        verbose_name=_("session de recrutement"),
    )
    status = models.CharField(_("statut"), max_length=16, choices=PathwayStatus.choices,
                              default=PathwayStatus.CANDIDATE)
    status_label = ChoiceLabel("status", PathwayStatus)  # the labels pages show many of (get_FOO_display's text)
    decision = models.CharField(_("décision de la commission"), max_length=16, choices=SessionDecision.choices,
                                blank=True)
    decision_reason = models.CharField(_("motif de la décision"), max_length=300, blank=True)
    cpu_opinion = models.CharField(_("avis de la CPU"), max_length=16, choices=CpuOpinion.choices, blank=True)
    classified_on = models.DateField(_("date de la décision de classement"), null=True, blank=True)
    classification_refusal_reason = models.CharField(_("motif du refus de classement"), max_length=300, blank=True)
    assigned_on = models.DateField(_("date de la décision d'affectation"), null=True, blank=True)
    contract_kind = models.CharField(_("contrat"), max_length=16, choices=ContractKind.choices, blank=True)
    contract_start = models.DateField(_("date d'entrée en atelier"), null=True, blank=True)
    contract_signed_on = models.DateField(_("date de signature du contrat"), null=True, blank=True)
    # An acte d'engagement transformed into a CEP: the CEP's first day (the acte ended the day before). The entry in
    # the workshop (contract_start) stays the acte's first day.
    cep_from = models.DateField(_("début du contrat d'emploi pénitentiaire"), null=True, blank=True)
    hours_per_week = models.DecimalField(_("heures par semaine"), max_digits=4, decimal_places=1, null=True,
                                         blank=True)
    hourly_pay = models.DecimalField(_("rémunération horaire brute (€)"), max_digits=6, decimal_places=2,
                                     null=True, blank=True)
    withdrawn_on = models.DateField(_("date du désistement"), null=True, blank=True)
    exit_on = models.DateField(_("date de sortie"), null=True, blank=True)
    exit_reason = models.CharField(_("motif de sortie"), max_length=32, choices=ExitReason.choices, blank=True)
    adjustment = models.CharField(_("aménagement de peine"), max_length=8, choices=SentenceAdjustment.choices,
                                  blank=True)
    return_reason = models.CharField(_("motif du retour en détention ordinaire"), max_length=16,
                                     choices=ReturnReason.choices, blank=True)
    outcome = models.CharField(_("situation à la sortie"), max_length=16, choices=Outcome.choices, blank=True)
    exit_reason_label = ChoiceLabel("exit_reason", ExitReason)
    outcome_label = ChoiceLabel("outcome", Outcome)
    job_contract = models.CharField(_("type de contrat"), max_length=20, choices=JobContract.choices, blank=True)
    job_months = models.PositiveSmallIntegerField(_("durée du contrat (mois)"), null=True, blank=True)
    exit_note = models.CharField(_("précision sur la sortie"), max_length=300, blank=True)
    # Totals carried by an imported spreadsheet (the timeline holds what is entered month by month).
    imported_hours_worked = models.DecimalField(_("heures travaillées (import)"), max_digits=8, decimal_places=1,
                                                null=True, blank=True)
    imported_pmsmp = models.PositiveSmallIntegerField(_("PMSMP (import)"), null=True, blank=True)
    # The post held now, when it differs from the programme's activity (participants.contract_changes: set by an
    # avenant, with the post it replaced kept on the ContractChange row). Empty: the programme's activity.
    post = models.CharField(_("poste occupé"), max_length=200, blank=True,
                            help_text=_("Vide : l'activité du programme."))
    # What the attestation de fin de parcours prints under « Compétences et formations acquises », one skill a line
    # (participants.contract_changes.check_skills: at most 10 lines of 150 characters, no word of the justice system).
    skills_acquired = models.CharField(_("compétences acquises"), max_length=1600, blank=True)
    # Age in whole years on the day of entry in the workshop: what the dashboards count, so they never read the
    # birth date (a nominative column) and the counts survive the retention's anonymisation.
    age_at_entry = models.PositiveSmallIntegerField(_("âge à l'entrée en atelier"), null=True, blank=True,
                                                    editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("parcours")
        verbose_name_plural = _("parcours")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["participant", "programme"],
                condition=~Q(status__in=sorted(s.value for s in CLOSED_STATUSES)),
                name="pathway_one_open_per_participant_and_programme",
                violation_error_message=_("Cette personne a déjà un parcours en cours dans ce programme."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=10, hours_per_week__lte=35),
                name="pathway_hours_between_10_and_35",
                violation_error_message=_("La durée hebdomadaire est comprise entre 10 et 35 heures."),
            ),
            models.CheckConstraint(
                condition=Q(exit_on__isnull=True) | Q(contract_start__isnull=True)
                | Q(exit_on__gte=F("contract_start")),
                name="pathway_exit_after_entry",
                violation_error_message=_("La sortie ne peut pas précéder l'entrée en atelier."),
            ),
            models.CheckConstraint(
                condition=Q(assigned_on__isnull=True) | Q(classified_on__isnull=True)
                | Q(assigned_on__gte=F("classified_on")),
                name="pathway_assignment_after_classification",
                violation_error_message=_("L'affectation ne peut pas précéder le classement."),
            ),
            models.CheckConstraint(
                condition=~Q(status=PathwayStatus.EXITED) | Q(exit_on__isnull=False, contract_start__isnull=False),
                name="pathway_exited_has_dates",
                violation_error_message=_("Une sortie a une date d'entrée et une date de sortie."),
            ),
        ]
        indexes = [models.Index(fields=["programme", "status"]), models.Index(fields=["exit_on"])]

    def __str__(self):
        return f"{self.participant} — {self.programme.code}"

    def get_absolute_url(self):
        return reverse("participants:pathway_detail", args=[self.pk])

    def fill_age_at_entry(self, participant=None) -> None:
        """``age_at_entry`` from the birth date and ``contract_start``; kept as it is once the participant is
        anonymised (the birth date is no longer real then)."""
        participant = participant or self.participant
        if participant.anonymised_at is not None:
            return
        self.age_at_entry = age_on(participant.birth_date, self.contract_start) if (
            self.contract_start and participant.birth_date) else None

    @property
    def is_open(self) -> bool:
        return self.status not in CLOSED_STATUSES

    @property
    def engagement_act_ended_on(self):
        """The last day of an acte d'engagement transformed into a CEP (the day before the CEP)."""
        return self.cep_from - datetime.timedelta(days=1) if self.cep_from else None


class PayRate(models.Model):
    """A revaluation of a contract's hourly pay from a date: the pathway's pay history (participants.pay).

    ``Pathway.hourly_pay`` is the rate in force today; each row keeps the rate it replaced, so the rate in force on
    any day of the contract is known without a row for the contract's start (pay.hourly_pay_on).
    """

    # CASCADE: the history belongs to its pathway (pathways themselves are protected by RESTRICT).
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="pay_rates",
                                verbose_name=_("parcours"))
    valid_from = models.DateField(_("en vigueur à partir du"))
    hourly_pay = models.DecimalField(_("rémunération horaire brute (€)"), max_digits=6, decimal_places=2)
    previous_hourly_pay = models.DecimalField(_("rémunération horaire précédente (€)"), max_digits=6,
                                              decimal_places=2)
    smic = models.DecimalField(_("SMIC horaire en vigueur à cette date (€)"), max_digits=6, decimal_places=2)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("saisi par"))
    recorded_by_label = models.CharField(_("saisi par"), max_length=200)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("revalorisation de la rémunération")
        verbose_name_plural = _("revalorisations de la rémunération")
        ordering = ["valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "valid_from"],
                name="pay_rate_one_per_pathway_and_day",
                violation_error_message=_("Une revalorisation de ce contrat est déjà enregistrée à cette date."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_pay__gt=F("previous_hourly_pay")),
                name="pay_rate_raises_the_pay",
                violation_error_message=_("La nouvelle rémunération horaire doit dépasser la précédente."),
            ),
        ]

    def __str__(self):
        return f"{self.hourly_pay} € à partir du {self.valid_from:%d/%m/%Y}"


class ContractChange(models.Model):
    """An avenant changing a contract's weekly hours or post from a date (participants.contract_changes): append-only,
    each row keeping the values it replaced, so the hours and the post in force on any day of the contract are known
    (the pay has its own history: PayRate). ``hours_per_week`` None: unchanged; ``post`` empty: unchanged."""

    # CASCADE: the history belongs to its pathway (pathways themselves are protected by RESTRICT).
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="contract_changes",
                                verbose_name=_("parcours"))
    valid_from = models.DateField(_("date d'effet"))
    hours_per_week = models.DecimalField(_("nouvelle durée hebdomadaire (heures)"), max_digits=4, decimal_places=1,
                                         null=True, blank=True)
    previous_hours_per_week = models.DecimalField(_("durée hebdomadaire précédente (heures)"), max_digits=4,
                                                  decimal_places=1, null=True, blank=True)
    post = models.CharField(_("nouveau poste"), max_length=200, blank=True)
    previous_post = models.CharField(_("poste précédent"), max_length=200, blank=True)
    reason = models.CharField(_("motif de l'avenant"), max_length=300)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+", verbose_name=_("saisi par"))
    recorded_by_label = models.CharField(_("saisi par"), max_length=200)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("avenant au contrat (durée du travail ou poste)")
        verbose_name_plural = _("avenants au contrat (durée du travail ou poste)")
        ordering = ["valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=False) | ~Q(post=""),
                name="contract_change_changes_something",
                violation_error_message=_("Un avenant change la durée hebdomadaire du travail, le poste, ou les deux."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(hours_per_week__gte=10, hours_per_week__lte=35),
                name="contract_change_hours_between_10_and_35",
                violation_error_message=_("La durée hebdomadaire est comprise entre 10 et 35 heures."),
            ),
            models.CheckConstraint(
                condition=Q(hours_per_week__isnull=True) | Q(previous_hours_per_week__isnull=True)
                | ~Q(hours_per_week=F("previous_hours_per_week")),
                name="contract_change_hours_differ",
                violation_error_message=_("La nouvelle durée hebdomadaire doit différer de la durée actuelle."),
            ),
            models.CheckConstraint(
                condition=Q(post="") | ~Q(post=F("previous_post")),
                name="contract_change_post_differs",
                violation_error_message=_("Le nouveau poste doit différer du poste actuel."),
            ),
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="contract_change_has_reason",
                violation_error_message=_("Indiquez le motif de l'avenant."),
            ),
            models.UniqueConstraint(
                fields=["pathway", "valid_from"],
                name="contract_change_one_per_pathway_and_day",
                violation_error_message=_("Un avenant de ce contrat est déjà enregistré à cette date."),
            ),
        ]

    def __str__(self):
        return f"Avenant à partir du {self.valid_from:%d/%m/%Y}"


class Suspension(models.Model):
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="suspensions")
    start = models.DateField(_("début de la suspension"))
    end = models.DateField(_("reprise"), null=True, blank=True)
    reason = models.CharField(_("motif"), max_length=24, choices=SuspensionReason.choices)

    class Meta:
        verbose_name = _("suspension")
        ordering = ["start"]
        constraints = [
            period_in_order("suspension_end_after_start", start="start", end="end", may_be_empty=("end",),
                            message=_("La reprise ne peut pas précéder la suspension.")),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} ({self.start:%d/%m/%Y})"


class PathwayLog(models.Model):
    """Append-only: one row per transition, with who and when. Holds no personal data beyond the link."""

    # CASCADE: the log belongs to its pathway (pathways themselves are protected by RESTRICT).
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="log")
    transition = models.CharField(_("étape"), max_length=12, choices=Transition.choices)
    from_status = models.CharField(_("statut avant"), max_length=16, choices=PathwayStatus.choices, blank=True)
    to_status = models.CharField(_("statut après"), max_length=16, choices=PathwayStatus.choices)
    transition_label = ChoiceLabel("transition", Transition)  # get_FOO_display's text, cheaper (enums.ChoiceLabel)
    from_status_label = ChoiceLabel("from_status", PathwayStatus)
    to_status_label = ChoiceLabel("to_status", PathwayStatus)
    on = models.DateField(_("date de l'étape"), null=True, blank=True)
    at = models.DateTimeField(_("enregistré le"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))
    by_label = models.CharField(_("auteur"), max_length=200, help_text=_("Nom et rôle au moment de l'étape."))
    # A step the import inferred (a file giving an entry in the workshop without the classification and assignment
    # before it): recorded so that the pathway follows the code pénitentiaire, shown as such, never silently.
    reconstituted = models.BooleanField(_("reconstitué à l'import"), default=False)

    class Meta:
        verbose_name = _("étape du parcours")
        verbose_name_plural = _("journal du parcours")
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.get_transition_display()} — {self.by_label}"


class AccompanimentEvent(models.Model):
    """A dated item of the accompaniment timeline. ``hours`` only for the monthly hours worked."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(_("type"), max_length=24, choices=EventKind.choices)
    on = models.DateField(_("date"))
    end_on = models.DateField(_("fin"), null=True, blank=True)
    detail = models.CharField(_("précision"), max_length=300, blank=True)
    hours = models.DecimalField(_("heures"), max_digits=6, decimal_places=1, null=True, blank=True)
    adjustment_decision = models.CharField(_("décision"), max_length=12, choices=AdjustmentDecision.choices,
                                           blank=True)
    kind_label = ChoiceLabel("kind", EventKind)  # get_FOO_display's text, cheaper (enums.ChoiceLabel)
    adjustment_decision_label = ChoiceLabel("adjustment_decision", AdjustmentDecision)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("saisi par"))
    recorded_by_label = models.CharField(_("saisi par"), max_length=200)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("action d'accompagnement")
        verbose_name_plural = _("actions d'accompagnement")
        ordering = ["on", "recorded_at"]
        constraints = [
            period_in_order("event_end_after_start", start="on", end="end_on", may_be_empty=("end_on",),
                            message=_("La fin ne peut pas précéder le début.")),
            models.CheckConstraint(
                condition=(Q(kind=EventKind.HOURS_WORKED) & Q(hours__isnull=False, hours__gte=0, hours__lte=400))
                | (~Q(kind=EventKind.HOURS_WORKED) & Q(hours__isnull=True)),
                name="event_hours_only_for_hours_worked",
                violation_error_message=_("Les heures (0 à 400) se saisissent pour les heures travaillées du mois."),
            ),
            models.UniqueConstraint(
                fields=["pathway", "on"],
                condition=Q(kind=EventKind.HOURS_WORKED),
                name="event_hours_once_per_month",
                violation_error_message=_("Les heures de ce mois sont déjà saisies : modifiez-les."),
            ),
        ]
        indexes = [
            models.Index(fields=["kind", "on"]),
            # A pathway's timeline in date order, and the dashboards' hours and actions of a programme's pathways
            # read from the index alone (kind, hours and id included as key columns: SQLite has no INCLUDE).
            models.Index(fields=["pathway", "on", "kind", "hours", "id"], name="event_pathway_on_covering"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} ({self.on:%d/%m/%Y})"


class FollowUp(models.Model):
    """Where the person is 3, 6 and 12 months after release."""

    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="follow_ups")
    milestone = models.PositiveSmallIntegerField(_("échéance"), choices=FollowUpMilestone.choices)
    reached = models.BooleanField(_("personne jointe"))
    contacted_on = models.DateField(_("date du contact"))
    situation = models.CharField(_("situation"), max_length=16, choices=Outcome.choices, blank=True)
    continued_in_siae = models.BooleanField(_("poursuite en SIAE à l'extérieur (CDDI)"), default=False)
    note = models.CharField(_("précision"), max_length=300, blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                    blank=True, related_name="+", verbose_name=_("saisi par"))
    recorded_by_label = models.CharField(_("saisi par"), max_length=200)
    recorded_at = models.DateTimeField(_("saisi le"), auto_now_add=True)

    class Meta:
        verbose_name = _("suivi après la libération")
        verbose_name_plural = _("suivis après la libération")
        ordering = ["milestone"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "milestone"],
                name="follow_up_once_per_milestone",
                violation_error_message=_("Le suivi de cette échéance est déjà saisi : modifiez-le."),
            ),
            models.CheckConstraint(
                condition=Q(reached=False, situation="") | Q(reached=True) & ~Q(situation=""),
                name="follow_up_situation_when_reached",
                violation_error_message=_("Indiquez la situation si la personne a été jointe, et seulement alors."),
            ),
        ]

    def __str__(self):
        return self.get_milestone_display()


class ImportJob(models.Model):
    """An uploaded spreadsheet: checked first (dry run, report), imported only once confirmed.

    The file lives in private storage; ``processed_rows`` over ``total_rows`` feeds the progress bar.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="+", verbose_name=_("déposé par"))
    created_at = models.DateTimeField(_("déposé le"), auto_now_add=True)
    file_name = models.CharField(_("fichier"), max_length=255)
    file_path = models.CharField(max_length=255, editable=False)
    status = models.CharField(_("état"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.CHECKING)
    total_rows = models.PositiveIntegerField(default=0)
    processed_rows = models.PositiveIntegerField(default=0)
    report = models.JSONField(default=dict, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("import de parcours")
        verbose_name_plural = _("imports de parcours")
        ordering = ["-created_at"]

    def __str__(self):
        return self.file_name

    def get_absolute_url(self):
        return reverse("participants:import_detail", args=[self.pk])


# --- The month's hours sheet of a workshop (participants.hours, issue 18 §2) ---------------------------------
# The hours themselves stay AccompanimentEvent rows of kind HOURS_WORKED (one per pathway and month, dated on the
# first): the dashboards, the occupation and the activity report read them. These tables hold what the sheet adds.


class MonthlyAbsence(models.Model):
    """Days of a month a person in the workshop was absent, for one reason."""

    # CASCADE: the absences belong to their pathway (pathways themselves are protected by RESTRICT).
    pathway = models.ForeignKey(Pathway, on_delete=models.CASCADE, related_name="absences",
                                verbose_name=_("parcours"))
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    reason = models.CharField(_("motif"), max_length=20, choices=AbsenceReason.choices)
    days = models.PositiveSmallIntegerField(_("jours d'absence"))

    class Meta:
        verbose_name = _("absence du mois")
        verbose_name_plural = _("absences du mois")
        ordering = ["month", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["pathway", "month", "reason"],
                name="absence_once_per_reason_and_month",
                violation_error_message=_("Les jours d'absence de ce motif sont déjà saisis pour ce mois."),
            ),
            models.CheckConstraint(
                condition=Q(days__gte=1, days__lte=31),
                name="absence_days_between_1_and_31",
                violation_error_message=_("Les jours d'absence d'un mois sont compris entre 1 et 31."),
            ),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} : {self.days} j ({self.month:%m/%Y})"


class HoursSheet(models.Model):
    """A workshop's month: validated (locked) by the SIAE director; a correction after that is an amendment."""

    # RESTRICT: a validated sheet is evidence of the hours paid; it goes only with its programme, never silently.
    programme = models.ForeignKey("programmes.Programme", on_delete=models.RESTRICT, related_name="hours_sheets",
                                  verbose_name=_("programme"))
    month = models.DateField(_("mois"), help_text=_("Le premier jour du mois."))
    validated_at = models.DateTimeField(_("validée le"), null=True, blank=True)
    validated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("validée par"))
    validated_by_label = models.CharField(_("validée par"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("feuille d'heures du mois")
        verbose_name_plural = _("feuilles d'heures du mois")
        ordering = ["programme", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "month"],
                name="hours_sheet_one_per_programme_and_month",
                violation_error_message=_("La feuille d'heures de ce mois existe déjà pour ce programme."),
            ),
            models.CheckConstraint(
                condition=Q(validated_at__isnull=True, validated_by_label="")
                | Q(validated_at__isnull=False) & ~Q(validated_by_label=""),
                name="hours_sheet_validation_has_author",
                violation_error_message=_("Une feuille validée indique qui l'a validée, et seulement alors."),
            ),
        ]

    def __str__(self):
        return f"{self.programme.code} — {self.month:%m/%Y}"

    @property
    def is_validated(self) -> bool:
        return self.validated_at is not None


class HoursAmendment(models.Model):
    """A correction of a validated sheet, with its reason: append-only, shown on the sheet. ``changes`` lists
    [pathway id, column, before, after] (no name: the sheet shows the person from the pathway)."""

    # CASCADE: the amendments belong to their sheet (sheets themselves are protected by RESTRICT).
    sheet = models.ForeignKey(HoursSheet, on_delete=models.CASCADE, related_name="amendments",
                              verbose_name=_("feuille d'heures"))
    reason = models.CharField(_("motif de la correction"), max_length=300)
    changes = models.JSONField(_("modifications"), default=list)
    at = models.DateTimeField(_("enregistrée le"), auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                           related_name="+", verbose_name=_("par"))
    by_label = models.CharField(_("auteur"), max_length=200)

    class Meta:
        verbose_name = _("correction d'une feuille d'heures validée")
        verbose_name_plural = _("corrections des feuilles d'heures validées")
        ordering = ["at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(reason=""),
                name="hours_amendment_has_reason",
                violation_error_message=_("Indiquez le motif de la correction d'une feuille validée."),
            ),
        ]

    def __str__(self):
        return f"{self.sheet} — {self.at:%d/%m/%Y}"
