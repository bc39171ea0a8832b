from crispy_forms.layout import Column, Fieldset, Layout, Row
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from dsfr.forms import DsfrBoundField

from access import scope
from core.forms import DateInput, DsfrModelForm, FilterForm, apply_errors, dsfr_markup, visible_or_current, with_blank
from partners.enums import OrganisationKind

from .enums import ConventionStatus, EstablishmentKind, Funder, ProgrammePhase, ProgrammeStage, QuartierKind, SiaeKind
from .logos import MAX_BYTES, check_logo
from .models import (
    BUDGET_FIELDS,
    Department,
    Disp,
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Quartier,
    Siae,
    StateConvention,
)
from .rates import MEASURES_BY_KIND, annex_aid_amount
from .rules import check_programme_rules, implantation_contract_errors


def departments_choices(user, instance):
    """The user's departments, plus the one the object already sits in (editing must not force a move)."""
    current = [instance.department_id] if instance.pk and instance.department_id else []
    return visible_or_current(scope.departments_for(user), Department, current).select_related("region")


class EstablishmentForm(DsfrModelForm):
    quartiers = forms.MultipleChoiceField(
        label=_("Quartiers"), choices=QuartierKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Establishment
        fields = ["name", "kind", "department", "address", "delegated_manager"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_choices(user, self.instance)
        self.fields["delegated_manager"].queryset = scope.organisations_for(user).filter(kind="DELEGATED_MANAGER")
        if self.instance.pk:
            self.initial["quartiers"] = list(self.instance.quartiers.values_list("kind", flat=True))


class SiaeForm(DsfrModelForm):
    # Wider than the 14 stored digits so that "732 829 320 00074" reaches clean_siret, which removes spaces.
    siret = forms.CharField(label=_("SIRET"), max_length=20, help_text=_("14 chiffres, espaces acceptés."))

    class Meta:
        model = Siae
        fields = ["name", "kind", "siret", "legal_form", "network", "department", "address", "director_name",
                  "governance"]
        widgets = {"address": forms.Textarea(attrs={"rows": 3}), "governance": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = departments_choices(user, self.instance)

    def clean_siret(self):
        return "".join(self.cleaned_data["siret"].split())


PROJECT_TEXTS = ["target_public", "schedule", "markets", "premises", "equipment", "permanent_staff",
                 "accompaniment_plan", "continuity", "timeline", "post_risks", "on_call", "bonuses"]
PROJECT_NUMBERS = ["supervisors_etp", "cip_etp", "target_durable_pct", "target_dynamic_pct", *BUDGET_FIELDS]


class SiaeLogoForm(DsfrModelForm):
    """The SIAE's logo, sent by its director (programmes.logos checks the content; the file is named after it)."""

    class Meta:
        model = Siae
        fields = ["logo"]
        widgets = {"logo": forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/svg+xml"})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        # The page is for sending a logo: sending nothing is an error, not a silent "saved".
        self.fields["logo"].required = True
        self.fields["logo"].help_text = _("PNG, JPEG ou SVG sans script ni transparence, 500 Ko au plus ; il remplace "
                                          "le logo actuel.")

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo and hasattr(logo, "content_type"):  # a new upload (not the stored file)
            logo.seek(0)
            logo.name = f"logo.{check_logo(logo.read(MAX_BYTES + 1))}"
            logo.seek(0)
        return logo


class ProgrammeForm(DsfrModelForm):
    """The programme and its project (docs/domain.md §7.1-7.2, the post's mentions of §7.6): what the fiche-projet,
    the dossier unique and the contrat d'emploi pénitentiaire print."""

    class Meta:
        model = Programme
        fields = [
            "code", "siae", "establishment", "quartier", "activity", "sector",
            "start_date", "end_date", "phase", "stage", "places_planned", "etp_planned",
            *PROJECT_TEXTS, "cip_name", "target_entries", *PROJECT_NUMBERS,
        ]
        localized_fields = ["etp_planned", *PROJECT_NUMBERS]  # "1,5" and "12 500,00" as a French user types them
        widgets = {"start_date": DateInput(), "end_date": DateInput(),
                   **{field: forms.Textarea(attrs={"rows": 3}) for field in PROJECT_TEXTS}}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siae"].queryset = scope.siaes_for(user)
        self.fields["establishment"].queryset = scope.establishments_for(user)
        self.fields["quartier"].queryset = Quartier.objects.filter(
            establishment__in=scope.establishments_for(user)
        ).select_related("establishment")
        self.helper.layout = Layout(
            Fieldset(_("Identification"), "code", Row(Column("siae"), Column("establishment"), Column("quartier"))),
            Fieldset(_("Activité"), Row(Column("activity"), Column("sector"))),
            Fieldset(
                _("Calendrier et capacité"),
                Row(Column("start_date"), Column("end_date"), Column("phase"), Column("stage")),
                Row(Column("places_planned"), Column("etp_planned")),
            ),
            Fieldset(_("Le projet : public, atelier et accompagnement"), "target_public", "schedule", "markets",
                     Row(Column("premises"), Column("equipment")),
                     Row(Column("supervisors_etp"), Column("cip_etp"), Column("cip_name")), "permanent_staff",
                     "accompaniment_plan", "continuity", "timeline"),
            Fieldset(_("Objectifs"), Row(Column("target_entries"), Column("target_durable_pct"),
                                         Column("target_dynamic_pct"))),
            Fieldset(_("Budget prévisionnel annuel"), Row(Column("budget_pay"), Column("budget_staff"),
                                                           Column("budget_purchases")),
                     Row(Column("budget_premises"), Column("budget_overheads"), Column("budget_sales"))),
            Fieldset(_("Le poste de travail (mentions du contrat d'emploi pénitentiaire)"), "post_risks", "on_call",
                     "bonuses"),
        )

    def clean_code(self):
        return self.cleaned_data["code"].strip().upper()

    def clean(self):
        cleaned = super().clean()
        try:
            check_programme_rules(
                siae=cleaned.get("siae"), establishment=cleaned.get("establishment"), quartier=cleaned.get("quartier")
            )
        except ValidationError as error:
            apply_errors(self, error)
        return cleaned


class DispChoiceMixin(forms.Form):
    disp = forms.ChoiceField(label=_("Interrégion"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        disps = Disp.objects.filter(regions__departments__in=scope.departments_for(user)).distinct()
        self.fields["disp"].choices = with_blank([(d.code, d.name) for d in disps], _("Toutes"))


class EstablishmentFilterForm(DispChoiceMixin, FilterForm):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=with_blank(EstablishmentKind.choices))


class SiaeFilterForm(FilterForm):
    kind = forms.ChoiceField(label=_("Type"), required=False, choices=with_blank(SiaeKind.choices))


class ProgrammeFilterForm(DispChoiceMixin, FilterForm):
    stage = forms.ChoiceField(label=_("Étape"), required=False, choices=with_blank(ProgrammeStage.choices, _("Toutes")))
    phase = forms.ChoiceField(label=_("Phase"), required=False, choices=with_blank(ProgrammePhase.choices, _("Toutes")))


# --- Conventions, annexes, contracts, partnerships and funding --------------------------------------------


class StateConventionForm(DsfrModelForm):
    class Meta:
        model = StateConvention
        fields = ["siae", "authority", "reference", "start_date", "end_date", "cdiae_opinion_on", "signatory_name",
                  "signatory_title", "target_dynamic_pct", "target_durable_pct", "objectives"]
        localized_fields = ["target_dynamic_pct", "target_durable_pct"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "cdiae_opinion_on": DateInput(),
                   "objectives": forms.Textarea(attrs={"rows": 3})}
        help_texts = {
            "end_date": _("Une convention avec l'État dure au plus 3 ans."),
            "reference": _("Référence donnée par le service de l'État, si elle est connue."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["siae"].queryset = scope.siaes_for(user).filter(kind__in=[SiaeKind.ACI, SiaeKind.EI])
        self.fields["authority"].queryset = scope.organisations_for(user).filter(
            kind__in=[OrganisationKind.DREETS, OrganisationKind.DDETS]
        ).order_by("name")
        self.helper.layout = Layout(
            Fieldset(_("Signataires"), Row(Column("siae"), Column("authority")), "reference",
                     Row(Column("signatory_name"), Column("signatory_title"))),
            Fieldset(_("Période et avis"), Row(Column("start_date"), Column("end_date"), Column("cdiae_opinion_on"))),
            Fieldset(_("Objectifs"), Row(Column("target_dynamic_pct"), Column("target_durable_pct")), "objectives"),
        )


class FinancialAnnexForm(DsfrModelForm):
    aid_amount = forms.DecimalField(
        label=_("Aide au poste de l'annexe (€)"), required=False, min_value=0, max_digits=11, decimal_places=2,
        localize=True,
        help_text=_("Laissez vide : elle est calculée depuis le barème en vigueur au début de l'annexe : ETP × montant "
                    "socle × (1 + part modulée de 5 % en détention) × durée de l'annexe en jours / 365 (une année "
                    "civile entière compte pour 1). Saisissez-la seulement si l'annexe signée indique un autre "
                    "montant."),
    )

    class Meta:
        model = FinancialAnnex
        fields = ["asp_number", "measure", "establishment", "year", "start_date", "end_date", "etp", "aid_amount"]
        localized_fields = ["etp"]  # "1,5" as a French user types it
        widgets = {"start_date": DateInput(), "end_date": DateInput()}
        labels = {
            "asp_number": _("Numéro d'annexe ASP"), "measure": _("Mesure"), "year": _("Année"),
            "establishment": _("Établissement (mesure en milieu pénitentiaire)"),
            "start_date": _("Date de début"), "end_date": _("Date de fin"), "etp": _("ETP conventionnés"),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.instance.convention.siae.kind
        # Where the SIAE has a programme that the user sees (plus the annex's own, editing must not force a move).
        places = Programme.objects.filter(siae_id=self.instance.convention.siae_id,
                                          establishment__in=scope.establishments_for(user)).values("establishment_id")
        current = [self.instance.establishment_id] if self.instance.establishment_id else []
        self.fields["establishment"].queryset = visible_or_current(
            Establishment.objects.filter(pk__in=places), Establishment, current)
        allowed = MEASURES_BY_KIND.get(kind)
        if allowed and not self.is_bound:
            self.fields["measure"].choices = [("", "---------"), *[(m.value, m.label) for m in allowed]]
        if self.instance.pk and not self.is_bound:
            # An amount equal to the computed one was computed: leave it blank so that it follows the ETP.
            try:
                if annex_aid_amount(self.instance) == self.instance.aid_amount:
                    self.initial["aid_amount"] = None
            except ValidationError:
                pass
        self.helper.layout = Layout(
            Fieldset(_("Annexe"), Row(Column("asp_number"), Column("measure"), Column("year")), "establishment"),
            Fieldset(_("Période"), Row(Column("start_date"), Column("end_date"))),
            Fieldset(_("Postes et aide"), Row(Column("etp"), Column("aid_amount"))),
        )

    def clean_asp_number(self):
        return self.cleaned_data["asp_number"].strip().upper().replace(" ", "")


CONTRACT_TEXTS = ["equipment", "staff_access", "fluids", "insurance", "renewal_terms", "modification_terms",
                  "termination_terms"]


class ImplantationContractForm(DsfrModelForm):
    """The implantation contract and the mentions its document prints (docs/domain.md §7.4; the 2022 regime's are
    listed as missing by the document until entered here)."""

    class Meta:
        model = ImplantationContract
        fields = ["regime", "signed_on", "start_date", "end_date", "tacit_renewal", "premises", "posts",
                  "weekly_hours", "hourly_pay", "premises_area", "monthly_fee", "termination_notice_months",
                  *CONTRACT_TEXTS]
        localized_fields = ["weekly_hours", "hourly_pay", "premises_area", "monthly_fee"]
        widgets = {"signed_on": DateInput(), "start_date": DateInput(), "end_date": DateInput(),
                   "premises": forms.Textarea(attrs={"rows": 3}),
                   **{field: forms.Textarea(attrs={"rows": 2}) for field in CONTRACT_TEXTS}}
        help_texts = {
            "hourly_pay": _("Au moins 45 % du SMIC horaire en vigueur à la date de début."),
            "end_date": _("Régime 2022 : 7 ans au plus après le début."),
            "premises": _("Emplacement : bâtiment, quartier, atelier, stockage."),
            "tacit_renewal": _("Régime 2022 : le contrat est tacitement reconductible, sauf stipulation contraire."),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is None and not self.is_bound:
            # Since 1 May 2022 (code pénitentiaire R. 412-79) a contract is tacitly renewable unless stated otherwise.
            self.initial["tacit_renewal"] = True
        self.helper.layout = Layout(
            Fieldset(_("Régime et période"), Row(Column("regime"), Column("signed_on")),
                     Row(Column("start_date"), Column("end_date")), "tacit_renewal", "renewal_terms"),
            Fieldset(_("Locaux et postes"), Row(Column("premises"), Column("premises_area")), "equipment",
                     Row(Column("posts"), Column("weekly_hours"), Column("hourly_pay"))),
            Fieldset(_("Accès, charges et assurances"), "staff_access", Row(Column("monthly_fee"), Column("fluids")),
                     "insurance"),
            Fieldset(_("Modification et résiliation"), "modification_terms",
                     Row(Column("termination_terms"), Column("termination_notice_months"))),
        )

    def clean(self):
        """The rule's messages beside their fields (the regime of the start date, 10–35 hours), before the model's
        constraint, which then skips the fields in error: the precise message, once."""
        cleaned = super().clean()
        start, hours = cleaned.get("start_date"), cleaned.get("weekly_hours")
        if start and hours is not None:
            for field, message in implantation_contract_errors(regime=cleaned.get("regime"), start_date=start,
                                                               weekly_hours=hours).items():
                self.add_error(field, message)
        return cleaned


class PartnershipConventionForm(DsfrModelForm):
    class Meta:
        model = PartnershipConvention
        fields = ["title", "purpose", "start_date", "end_date"]
        widgets = {"start_date": DateInput(), "end_date": DateInput(), "purpose": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper.form_tag = False
        self.helper.inputs = []
        self.helper.layout = Layout("title", "purpose", Row(Column("start_date"), Column("end_date")))


class ConventionPartyForm(forms.Form):
    bound_field_class = DsfrBoundField
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    role = forms.CharField(label=_("Rôle dans la convention"), max_length=200, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scope.organisations_for(user).order_by("name")
        dsfr_markup(self)

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") and not cleaned.get("organisation"):
            self.add_error("organisation", _("Choisissez l'organisation qui tient ce rôle."))
        return cleaned


class BasePartyFormSet(forms.BaseFormSet):
    def parties(self) -> list[dict]:
        return [
            {"organisation": form.cleaned_data["organisation"], "role": form.cleaned_data.get("role", "")}
            for form in self.forms
            if form.cleaned_data.get("organisation")
        ]


# absolute_max: a forged TOTAL_FORMS would otherwise build and render 1,020 rows (45 s; found by the form fuzzing).
PartyFormSet = forms.formset_factory(ConventionPartyForm, formset=BasePartyFormSet, extra=0, max_num=20,
                                     absolute_max=20)
PARTY_ROWS = 6  # rows offered on the page (existing parties first, then empty ones)


def party_formset(*, user, data=None, convention=None) -> BasePartyFormSet:
    initial = []
    if convention is not None and convention.pk:
        initial = [{"organisation": party.organisation_id, "role": party.role}
                   for party in convention.parties.all()]
    initial += [{}] * max(PARTY_ROWS - len(initial), 2)
    formset = PartyFormSet(data, initial=initial, prefix="parties", form_kwargs={"user": user})
    for number, form in enumerate(formset.forms, start=1):
        form.fields["organisation"].label = _("Partie %(number)s : organisation") % {"number": number}
        form.fields["role"].label = _("Partie %(number)s : rôle dans la convention") % {"number": number}
    return formset


class FundingLineForm(DsfrModelForm):
    class Meta:
        model = FundingLine
        fields = ["year", "funder", "organisation", "amount"]
        localized_fields = ["amount"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = scope.organisations_for(user).order_by("name")
        self.helper.layout = Layout(
            Row(Column("year"), Column("funder")), Row(Column("organisation"), Column("amount"))
        )


class ConventionFilterForm(FilterForm):
    q = forms.CharField(label=_("Rechercher une SIAE"), required=False, max_length=100)
    status = forms.ChoiceField(label=_("Statut"), required=False, choices=with_blank(ConventionStatus.choices))
    end_year = forms.IntegerField(label=_("Année de fin"), required=False, min_value=2000, max_value=2100)


class FundingFilterForm(FilterForm):
    q = forms.CharField(label=_("Rechercher un programme"), required=False, max_length=100)
    year = forms.IntegerField(label=_("Année"), required=False, min_value=2000, max_value=2100)
    funder = forms.ChoiceField(label=_("Financeur"), required=False, choices=with_blank(Funder.choices))
