"""Forms of the caseload, participant and pathway pages. They parse input; the services check and save.

Every choice list starts from access.scope. Forms that correct a record carry the version the user saw in a
hidden ``version`` field: the service refuses a save built on a stale version (services.EditConflict).
"""

import json

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Column, Div, Fieldset, Layout, Row, Submit
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBoundField
from dsfr.utils import dsfr_input_class_attr
from dsfr.widgets import InlineRadioSelect

from access import scope
from accounts.enums import Role
from accounts.models import User
from core.formatting import format_date, format_euros
from core.forms import ALL, DateInput, DsfrModelForm, FilterForm, dsfr_markup, visible_or_current, with_blank
from programmes import rates
from programmes.enums import AidTerritory
from programmes.models import Establishment, Quartier, SmicRate

from .enums import (
    CLOSED_STATUSES,
    DEFAULT_OUTCOME,
    JOB_OUTCOMES,
    AdjustmentDecision,
    ClassificationDecision,
    CpuOpinion,
    EducationLevel,
    EventKind,
    ExitReason,
    JobContract,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
    SuspensionReason,
)
from .models import Participant
from .selectors import RELEASE_WITHIN_DAYS

COUNSELLOR_ROLES = (Role.CPIP, Role.SPIP_MANAGER)
YES_NO = [("oui", _("Oui")), ("non", _("Non"))]


class LinkedSelect(forms.Select):
    """A select whose options name their parents (``data-parents``): static/js/participant-forms.js then offers
    only the options of the parent chosen in the select ``data-filter-by`` points at. Without script, every
    option stays and the service checks the pair."""

    def __init__(self, parents_of, filter_by: str, attrs=None):
        super().__init__(attrs={**(attrs or {}), "data-filter-by": filter_by})
        self.parents_of = parents_of

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-parents"] = " ".join(str(pk) for pk in self.parents_of(instance))
        return option


def show_if(field: str, values, *fields, css_class: str = "") -> Div:
    """Fields shown only while ``field`` has one of ``values`` (static/js/participant-forms.js); all shown
    without script."""
    return Div(*fields, css_class=css_class or None, data_show_if_field=field,
               data_show_if_values=" ".join(str(value) for value in values))


class ErrorSummaryMixin:
    """``fields_in_error`` for the summary at the top of a refused form (includes/_pathway_form_errors.html)."""

    def fields_in_error(self):
        return [field for field in self.visible_fields() if field.errors]


def _decimal(label, *, max_digits, decimal_places, help_text="", required=False):
    return forms.DecimalField(
        label=label, required=required, max_digits=max_digits, decimal_places=decimal_places, localize=True,
        help_text=help_text, widget=forms.TextInput(attrs={"inputmode": "decimal"}),
    )


# --- Filters of the lists -----------------------------------------------------------------------------


class ProgrammeChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, programme):
        return f"{programme.code} — {programme.siae.name}"


def _programme_filter(user):
    return ProgrammeChoiceField(
        label=_("Programme"), required=False, empty_label=ALL,
        queryset=scope.programmes_for(user).select_related("siae").order_by("code"),
    )


class CaseloadFilterForm(FilterForm):
    q = forms.CharField(label=_("Nom, prénom ou numéro d'écrou"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut du parcours"), required=False, choices=with_blank(PathwayStatus.choices))
    release_within = forms.TypedChoiceField(
        label=_("Libération prévisible"), required=False, coerce=int, empty_value=None,
        choices=[("", _("Toutes les dates")),
                 *[(days, _("Dans les %(days)s jours") % {"days": days}) for days in RELEASE_WITHIN_DAYS]],
    )
    follow_up_due = forms.BooleanField(label=_("Suivi après libération à faire"), required=False)
    tri = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["programme"] = _programme_filter(user)
        self.order_fields(["q", "programme", "status", "release_within", "follow_up_due", "tri"])
        dsfr_input_class_attr(self["programme"])


class PathwayFilterForm(FilterForm):
    q = forms.CharField(label=_("Nom, prénom ou numéro d'écrou"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=with_blank(PathwayStatus.choices))
    exit_reason = forms.ChoiceField(label=_("Motif de sortie"), required=False,
                                    choices=with_blank(ExitReason.choices))
    outcome = forms.ChoiceField(label=_("Situation à la sortie"), required=False,
                                choices=with_blank(Outcome.choices, _("Toutes")))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.fields["programme"] = _programme_filter(user)
        self.order_fields(["q", "programme", "status", "exit_reason", "outcome"])
        dsfr_input_class_attr(self["programme"])


# --- Participant --------------------------------------------------------------------------------------


class VersionedFormMixin(ErrorSummaryMixin):
    """A hidden ``version``: the version of the record the form was built on (see services.EditConflict)."""

    def clean(self):
        cleaned_data = super().clean()
        if self.has_error("version"):  # a hidden field's error is shown nowhere (found by the form fuzzing)
            self.add_error(None, _("La page envoyée était incomplète : rien n'a été enregistré. Rechargez-la, puis "
                                   "recommencez."))
        return cleaned_data

    def set_version(self, version: int):
        """After a conflict: the form keeps the user's input and now carries the current version, so that
        submitting it again knowingly replaces what the other person saved."""
        self.data = self.data.copy()
        self.data[self.add_prefix("version")] = str(version)


class QuartierChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, quartier):
        return f"{quartier.establishment.name} — {quartier.get_kind_display()} ({quartier.kind})"


class CounsellorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.username} — {user.organisation.name}"


def counsellors_for(user, establishments):
    """SPIP counsellors and managers whose SPIP serves one of ``establishments``."""
    return User.objects.filter(
        role__in=COUNSELLOR_ROLES, is_active=True, organisation__served_establishments__in=establishments,
    ).distinct()


class ParticipantForm(VersionedFormMixin, DsfrModelForm):
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)
    sex = forms.ChoiceField(label=_("Sexe"), choices=Sex.choices, widget=InlineRadioSelect)
    education_level = forms.ChoiceField(label=_("Niveau de formation"), required=False,
                                        choices=with_blank(EducationLevel.choices, _("Non renseigné")))
    quartier = QuartierChoiceField(
        label=_("Quartier"), required=False, empty_label=_("Non précisé"), queryset=Quartier.objects.none(),
        widget=LinkedSelect(lambda quartier: [quartier.establishment_id], filter_by="id_establishment"),
    )
    counsellor = CounsellorChoiceField(
        label=_("CPIP référent·e"), required=False, empty_label=_("Non désigné·e"), queryset=User.objects.none(),
        help_text=_("Conseiller·e du SPIP qui intervient dans l'établissement."),
        widget=LinkedSelect(lambda counsellor: [e.pk for e in counsellor.organisation.served_establishments.all()],
                            filter_by="id_establishment"),
    )

    class Meta:
        model = Participant
        fields = [
            "last_name", "first_names", "birth_date", "sex", "establishment", "quartier", "ecrou",
            "expected_release_date", "adjustment_eligibility_date", "stay_ended_on", "counsellor",
            "rsa", "ass", "aah", "jobseeker", "education_level", "rqth", "work_constraints_note",
        ]
        widgets = {
            "birth_date": DateInput(), "expected_release_date": DateInput(),
            "adjustment_eligibility_date": DateInput(), "stay_ended_on": DateInput(),
            "work_constraints_note": forms.Textarea(attrs={"rows": 3}),
        }
        labels = {"first_names": _("Prénom(s)"), "counsellor": _("CPIP référent·e"),
                  "stay_ended_on": _("Départ de l'établissement")}
        help_texts = {
            "ecrou": _("Celui du registre d'écrou de l'établissement (espaces, tirets et zéros en tête ignorés)."),
            "expected_release_date": _("Pour préparer la sortie."),
            "adjustment_eligibility_date": _("À partir de laquelle un aménagement peut être demandé."),
            "stay_ended_on": _("Libération, transfert ou levée d'écrou hors du programme : le numéro d'écrou est "
                               "alors libéré. Une sortie du programme par libération ou transfert la remplit."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        instance = self.instance
        adding = instance._state.adding  # a new participant already has its UUID
        current = [] if adding else [instance.establishment_id]
        establishments = visible_or_current(scope.establishments_for(user), Establishment, current).order_by("name")
        self.fields["establishment"].queryset = establishments
        self.fields["establishment"].empty_label = _("Choisir un établissement")
        self.fields["quartier"].queryset = Quartier.objects.filter(
            establishment__in=establishments).select_related("establishment")
        counsellors = User.objects.filter(
            Q(pk__in=counsellors_for(user, establishments).values("pk")) | Q(pk=instance.counsellor_id or 0))
        self.fields["counsellor"].queryset = counsellors.select_related("organisation").prefetch_related(
            "organisation__served_establishments").order_by("last_name", "first_name")
        if adding:
            if len(establishments) == 1 and not self.initial.get("establishment"):
                self.initial["establishment"] = establishments[0].pk
            if user.role == Role.CPIP and not self.initial.get("counsellor"):
                self.initial["counsellor"] = user.pk
        else:
            self.initial.setdefault("version", instance.version)
        if adding:
            del self.fields["stay_ended_on"]
        sees_spip = scope.sees_spip_fields(user)
        if not sees_spip:
            del self.fields["work_constraints_note"]
        dsfr_markup(self)
        self.helper.layout = Layout(
            "version",
            Fieldset(_("Identité"), Row(Column("last_name"), Column("first_names")),
                     Row(Column("birth_date"), Column("sex"))),
            Fieldset(_("Séjour dans l'établissement"),
                     Row(Column("establishment"), Column("quartier")),
                     Row(Column("ecrou"), Column("counsellor")),
                     Row(Column("expected_release_date"), Column("adjustment_eligibility_date")),
                     *([] if adding else [Row(Column("stay_ended_on"), Column())])),
            Fieldset(_("Profil à l'entrée"),
                     Row(Column("rsa"), Column("ass"), Column("aah"), Column("rqth")),
                     Row(Column("jobseeker"), Column("education_level"))),
            *([Fieldset(_("Réservé au SPIP"), "work_constraints_note")] if sees_spip else []),
        )

    def clean(self):
        cleaned = super().clean()
        counsellor, establishment = cleaned.get("counsellor"), cleaned.get("establishment")
        if counsellor and establishment and {"counsellor", "establishment"} & set(self.changed_data):
            served = counsellor.organisation.served_establishments.all() if counsellor.organisation else []
            if establishment not in served:
                self.add_error("counsellor", _("%(name)s n'intervient pas à %(establishment)s : choisissez un·e "
                                               "conseiller·e du SPIP de cet établissement.")
                               % {"name": counsellor.get_full_name() or counsellor.username,
                                  "establishment": establishment.name})
        return cleaned


# --- Candidacy ----------------------------------------------------------------------------------------


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, session):
        return f"Commission du {session.date:%d/%m/%Y} — {session.programme.code}"


def candidacy_programmes(user, participant):
    """Programmes of the person's establishment that the user sees, where the person has no open pathway."""
    open_programmes = participant.pathways.exclude(status__in=list(CLOSED_STATUSES)).values("programme")
    return scope.programmes_for(user).filter(establishment_id=participant.establishment_id).exclude(
        pk__in=open_programmes).select_related("siae").order_by("code")


class PathwayCreateForm(ErrorSummaryMixin, forms.Form):
    bound_field_class = DsfrBoundField

    def __init__(self, *args, user, participant, **kwargs):
        super().__init__(*args, **kwargs)
        programmes = candidacy_programmes(user, participant)
        self.fields["programme"] = ProgrammeChoiceField(
            label=_("Programme"), queryset=programmes, empty_label=_("Choisir un programme"),
            help_text=_("Les programmes de l'établissement de la personne où elle n'a pas de parcours en cours."),
        )
        self.fields["session"] = SessionChoiceField(
            label=_("Session de recrutement"), required=False, empty_label=_("Pas encore de session"),
            queryset=scope.recruitment_sessions_for(user).filter(programme__in=programmes)
            .select_related("programme").order_by("-date"),
            help_text=_("Facultatif : la candidature peut être rattachée plus tard, lors de la décision."),
            widget=LinkedSelect(lambda session: [session.programme_id], filter_by="id_programme"),
        )
        dsfr_markup(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer la candidature")))

    def clean(self):
        cleaned = super().clean()
        programme, session = cleaned.get("programme"), cleaned.get("session")
        if programme and session and session.programme_id != programme.pk:
            self.add_error("session", _("Cette session appartient à un autre programme."))
        return cleaned


# --- Pathway steps ------------------------------------------------------------------------------------


def date_field(label, *, required=True, help_text=""):
    return forms.DateField(label=label, required=required, widget=DateInput(), help_text=help_text)


class StepForm(VersionedFormMixin, forms.Form):
    """One step of the pathway: its fields, fitted to the pathway. The view calls the step's service with the
    cleaned data (views.record_step)."""

    bound_field_class = DsfrBoundField
    submit_label = _("Enregistrer")
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, pathway, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.pathway, self.user = pathway, user
        self.initial.setdefault("version", pathway.version)
        self.setup()
        dsfr_markup(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", self.submit_label))
        layout = self.layout()
        if layout is not None:
            self.helper.layout = Layout("version", *layout)

    def setup(self):
        """Adjust fields to the pathway (choice lists, initial values)."""

    def layout(self):
        return None


class DecisionForm(StepForm):
    submit_label = _("Enregistrer la décision")
    decision = forms.ChoiceField(label=_("Décision de la commission de sélection"), choices=SessionDecision.choices,
                                 widget=InlineRadioSelect)
    decision_reason = forms.CharField(label=_("Motif"), required=False, max_length=300,
                                      help_text=_("Obligatoire pour une non-sélection."))

    def setup(self):
        if self.pathway.session_id is None:
            self.fields["session"] = SessionChoiceField(
                label=_("Session de recrutement"), empty_label=_("Choisir la session"),
                queryset=scope.recruitment_sessions_for(self.user).filter(programme=self.pathway.programme)
                .select_related("programme").order_by("-date"),
                help_text=_("La candidature n'est rattachée à aucune session : choisissez celle de la commission."),
            )
            self.order_fields(["version", "session", "decision", "decision_reason"])


class ClassificationForm(StepForm):
    submit_label = _("Enregistrer le classement")
    cpu_opinion = forms.ChoiceField(label=_("Avis de la CPU"), choices=CpuOpinion.choices, widget=InlineRadioSelect)
    classification_decision = forms.ChoiceField(
        label=_("Décision du chef d'établissement"), choices=ClassificationDecision.choices, widget=InlineRadioSelect,
        initial=ClassificationDecision.GRANTED,
        help_text=_("Un refus de classement clôt le parcours (statut « Classement refusé »)."))
    classified_on = date_field(_("Date de la décision de classement"),
                               help_text=_("Décision du chef d'établissement, après l'avis de la CPU."))
    classification_refusal_reason = forms.CharField(label=_("Motif du refus"), required=False, max_length=300,
                                                    help_text=_("Obligatoire pour un refus de classement."))

    def layout(self):
        return ["cpu_opinion", "classification_decision", "classified_on",
                show_if("classification_decision", [ClassificationDecision.REFUSED.value],
                        "classification_refusal_reason")]


class AssignmentForm(StepForm):
    submit_label = _("Enregistrer l'affectation")
    assigned_on = date_field(_("Date de la décision d'affectation"))


def pay_floors(territory: str = AidTerritory.METROPOLE) -> list[dict]:
    """Every SMIC rate of ``territory`` with its pay floor (45 %), oldest first, for the contract forms and their
    script."""
    return [
        {"from": rate.valid_from.isoformat(), "from_label": format_date(rate.valid_from),
         "floor": format_euros(rates.pay_floor(rate.hourly_amount)),
         "smic": format_euros(rate.hourly_amount)}
        for rate in SmicRate.objects.filter(territory=territory).order_by("valid_from")
    ]


def floor_on(floors: list[dict], day) -> dict | None:
    iso = day.isoformat()
    candidates = [floor for floor in floors if floor["from"] <= iso]
    return candidates[-1] if candidates else None


class ContractFieldsMixin:
    """Signature date, hours and pay, with the pay floor in force shown (and updated by the page's script)."""

    def contract_fields(self):
        self.fields["contract_signed_on"] = date_field(_("Date de signature du contrat"), required=False)
        self.fields["hours_per_week"] = _decimal(
            _("Heures par semaine"), max_digits=4, decimal_places=1, help_text=_("Entre 10 et 35 heures."))
        self.fields["hourly_pay"] = _decimal(
            _("Rémunération horaire brute (€)"), max_digits=6, decimal_places=2,
            help_text=_("Au moins 45 % du SMIC horaire en vigueur à la date d'entrée."))

    def floor_notice(self, start) -> HTML:
        floors = pay_floors(rates.territory_of_pathway(self.pathway))
        floor = floor_on(floors, start) if start else (floors[-1] if floors else None)
        self.floors_json = json.dumps(floors)
        if floor is None:
            text = _("Aucun taux du SMIC n'est connu : le plancher de rémunération ne peut pas être vérifié.")
        else:
            text = _("Plancher de rémunération : %(floor)s de l'heure (45 %% du SMIC de %(smic)s en vigueur depuis "
                     "le %(date)s).") % {"floor": floor["floor"], "smic": floor["smic"], "date": floor["from_label"]}
        return HTML(
            '<div class="fr-callout fr-callout--brown-caramel fr-mb-3w" data-pay-floor-notice>'
            f'<p class="fr-callout__text fr-text--md" data-pay-floor-text aria-live="polite">{text}</p></div>'
        )


class StartForm(ContractFieldsMixin, StepForm):
    submit_label = _("Enregistrer l'entrée en atelier")
    contract_start = date_field(
        _("Date d'entrée en atelier"),
        help_text=_("Le contrat est un acte d'engagement avant le 1er mai 2022, un contrat d'emploi pénitentiaire "
                    "(CEP) depuis."))

    def setup(self):
        self.contract_fields()

    def layout(self):
        notice = self.floor_notice(None)
        self.fields["contract_start"].widget.attrs["data-pay-floors"] = self.floors_json
        return [Row(Column("contract_start"), Column("contract_signed_on")), notice,
                Row(Column("hours_per_week"), Column("hourly_pay"))]


class ContractForm(ContractFieldsMixin, StepForm):
    submit_label = _("Enregistrer le contrat")

    def setup(self):
        self.contract_fields()
        pathway = self.pathway
        for name in ("contract_signed_on", "hours_per_week", "hourly_pay"):
            self.initial.setdefault(name, getattr(pathway, name))

    def layout(self):
        return [Row(Column("contract_signed_on", css_class="fr-col-12 fr-col-md-6")),
                self.floor_notice(self.pathway.contract_start),
                Row(Column("hours_per_week"), Column("hourly_pay"))]


class ConversionForm(ContractFieldsMixin, StepForm):
    """An open acte d'engagement becomes a CEP from a chosen date; the acte ends the day before."""

    submit_label = _("Transformer en contrat d'emploi pénitentiaire")
    cep_start = date_field(
        _("Début du contrat d'emploi pénitentiaire"),
        help_text=_("L'acte d'engagement prend fin la veille. Au plus tôt le 1er mai 2022."))

    def setup(self):
        self.contract_fields()
        for name in ("hours_per_week", "hourly_pay"):
            self.initial.setdefault(name, getattr(self.pathway, name))

    def layout(self):
        notice = self.floor_notice(None)
        self.fields["cep_start"].widget.attrs["data-pay-floors"] = self.floors_json
        return [Row(Column("cep_start"), Column("contract_signed_on")), notice,
                Row(Column("hours_per_week"), Column("hourly_pay"))]


class SuspensionForm(StepForm):
    submit_label = _("Enregistrer la suspension")
    start = date_field(_("Date de début de la suspension"))
    reason = forms.ChoiceField(label=_("Motif"), choices=with_blank(SuspensionReason.choices, _("Choisir un motif")))


class ResumeForm(StepForm):
    submit_label = _("Enregistrer la reprise")
    on = date_field(_("Date de reprise"))


def default_outcome_help() -> str:
    parts = [_("%(reason)s : %(outcome)s") % {"reason": ExitReason(reason).label.lower(),
                                               "outcome": Outcome(outcome).label.lower()}
             for reason, outcome in DEFAULT_OUTCOME.items()]
    return _("Pré-remplie selon le motif (%(defaults)s) : vous pouvez la changer. Laissée vide, la situation par "
             "défaut du motif s'applique.") % {"defaults": " ; ".join(parts)}


class ExitForm(StepForm):
    submit_label = _("Enregistrer la sortie")
    exit_on = date_field(_("Date de sortie"))
    exit_reason = forms.ChoiceField(label=_("Motif de sortie"), choices=with_blank(ExitReason.choices,
                                                                                _("Choisir un motif")))
    adjustment = forms.ChoiceField(label=_("Aménagement de peine obtenu"), required=False,
                                   choices=with_blank(SentenceAdjustment.choices, _("Choisir l'aménagement")))
    return_reason = forms.ChoiceField(label=_("Motif du retour en détention ordinaire"), required=False,
                                      choices=with_blank(ReturnReason.choices, _("Choisir un motif")))
    outcome = forms.ChoiceField(label=_("Situation à la sortie"), required=False,
                                choices=with_blank(Outcome.choices, _("Selon le motif")))
    job_contract = forms.ChoiceField(
        label=_("Type de contrat"), required=False,
        choices=with_blank(JobContract.choices, _("Choisir un type de contrat")),
        help_text=_("Une embauche en CDD d'insertion (CDDI) par une SIAE est une sortie positive."))
    job_months = forms.IntegerField(label=_("Durée du contrat (mois)"), required=False, min_value=1, max_value=120,
                                    help_text=_("Pour un CDD ou une mission d'intérim : plus de 6 mois, c'est un "
                                                "emploi durable."))
    exit_note = forms.CharField(label=_("Précision sur la sortie"), required=False, max_length=300,
                                help_text=_("Sans élément sur la peine ni sur les faits."))

    def setup(self):
        self.fields["outcome"].help_text = default_outcome_help()
        self.fields["exit_reason"].widget.attrs.update({
            "data-default-outcomes": json.dumps({str(k): str(v) for k, v in DEFAULT_OUTCOME.items()}),
            "data-outcome-target": "id_outcome",
        })

    def layout(self):
        return [
            Row(Column("exit_on"), Column("exit_reason")),
            show_if("exit_reason", [ExitReason.RELEASE_ADJUSTMENT], "adjustment"),
            show_if("exit_reason", [ExitReason.RETURN_ORDINARY_DETENTION], "return_reason"),
            "outcome",
            show_if("outcome", sorted(JOB_OUTCOMES | {Outcome.POSITIVE}),
                    Row(Column("job_contract"), Column("job_months"))),
            "exit_note",
        ]


class WithdrawalForm(StepForm):
    submit_label = _("Enregistrer le désistement")
    withdrawn_on = date_field(_("Date du désistement"))
    reason = forms.CharField(label=_("Motif"), required=False, max_length=300)


STEP_FORMS = {
    "decision": DecisionForm,
    "classement": ClassificationForm,
    "affectation": AssignmentForm,
    "entree": StartForm,
    "contrat": ContractForm,
    "suspension": SuspensionForm,
    "reprise": ResumeForm,
    "sortie": ExitForm,
    "desistement": WithdrawalForm,
    "transformation-cep": ConversionForm,
}


# --- Timeline and follow-up ---------------------------------------------------------------------------


class EventForm(ErrorSummaryMixin, forms.Form):
    bound_field_class = DsfrBoundField
    kind = forms.ChoiceField(label=_("Type d'action"), choices=with_blank(EventKind.choices, _("Choisir un type")))
    on = date_field(_("Date"), help_text=_("Pour les heures travaillées : un jour du mois (le mois est retenu)."))
    end_on = date_field(_("Fin"), required=False, help_text=_("Pour une période (formation, immersion…)."))
    hours = _decimal(_("Heures travaillées dans le mois"), max_digits=6, decimal_places=1)
    adjustment_decision = forms.ChoiceField(
        label=_("Décision du juge de l'application des peines"), required=False,
        choices=with_blank(AdjustmentDecision.choices, _("Choisir la décision")))
    detail = forms.CharField(label=_("Précision"), required=False, max_length=300,
                             help_text=_("Ce qui a été fait, avec qui. Aucun élément sur la peine ni sur les faits."))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dsfr_markup(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Ajouter à la chronologie")))
        self.helper.layout = Layout(
            "kind",
            Row(Column("on"), Column("end_on")),
            show_if("kind", [EventKind.HOURS_WORKED], "hours"),
            show_if("kind", [EventKind.ADJUSTMENT_DECISION], "adjustment_decision"),
            "detail",
        )


class FollowUpForm(ErrorSummaryMixin, forms.Form):
    bound_field_class = DsfrBoundField
    reached = forms.TypedChoiceField(label=_("La personne a-t-elle été jointe ?"), choices=YES_NO,
                                     coerce=lambda value: value == "oui", widget=InlineRadioSelect)
    contacted_on = date_field(_("Date du contact (ou de la tentative)"))
    situation = forms.ChoiceField(label=_("Situation"), required=False,
                                  choices=with_blank(Outcome.choices, _("Choisir la situation")),
                                  help_text=_("Dans les mêmes catégories qu'à la sortie."))
    continued_in_siae = forms.BooleanField(label=_("Poursuite dans une SIAE à l'extérieur (CDDI)"), required=False)
    note = forms.CharField(label=_("Précision"), required=False, max_length=300)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        dsfr_markup(self)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Enregistrer le suivi")))
        self.helper.layout = Layout(
            "reached", "contacted_on", show_if("reached", ["oui"], "situation", "continued_in_siae"), "note",
        )


def follow_up_initial(record) -> dict:
    if record is None:
        return {}
    return {"reached": "oui" if record.reached else "non", "contacted_on": record.contacted_on,
            "situation": record.situation, "continued_in_siae": record.continued_in_siae, "note": record.note}

