import functools
import operator
import uuid
from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.validation import period_in_order, validate_person_name

from .enums import (
    IMPLANTATION_MAX_WEEKLY_HOURS,
    IMPLANTATION_MIN_WEEKLY_HOURS,
    AidScheme,
    AidTerritory,
    AnnexStatus,
    AspMeasure,
    ConventionStatus,
    EstablishmentKind,
    Funder,
    ImplantationRegime,
    ProgrammePhase,
    ProgrammeStage,
    QuartierKind,
    SiaeKind,
)
from .logos import validate_logo
from .validators import SIRET_NOT_14_DIGITS, validate_siret


class Disp(models.Model):
    """An interregional prison directorate (9 in mainland France, plus DSPOM overseas)."""

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("nom"), max_length=200)
    seat = models.CharField(_("siège"), max_length=100)

    class Meta:
        verbose_name = _("direction interrégionale")
        verbose_name_plural = _("directions interrégionales")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Region(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    # RESTRICT: a region's DISP is reference data; removing a DISP must not orphan regions.
    disp = models.ForeignKey(Disp, on_delete=models.RESTRICT, related_name="regions", verbose_name=_("DISP"))

    class Meta:
        verbose_name = _("région")
        verbose_name_plural = _("régions")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Department(models.Model):
    code = models.CharField(_("code"), max_length=3, primary_key=True)
    name = models.CharField(_("nom"), max_length=100)
    region = models.ForeignKey(
        Region, on_delete=models.RESTRICT, related_name="departments", verbose_name=_("région")
    )

    class Meta:
        verbose_name = _("département")
        verbose_name_plural = _("départements")
        ordering = ["code"]

    def __str__(self):
        return f"{self.name} ({self.code})"


class Establishment(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type"), max_length=8, choices=EstablishmentKind.choices)
    # RESTRICT: establishments carry programmes and pathways; their department is never deleted under them.
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="establishments", verbose_name=_("département")
    )
    address = models.TextField(_("adresse"), blank=True)
    delegated_manager = models.ForeignKey(
        "partners.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_establishments",
        verbose_name=_("gestionnaire délégué"),
        help_text=_("Opérateur privé en gestion déléguée, le cas échéant."),
    )

    class Meta:
        verbose_name = _("établissement pénitentiaire")
        verbose_name_plural = _("établissements pénitentiaires")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["name"],
                name="establishment_name_unique",
                violation_error_message=_("Un établissement porte déjà ce nom."),
            )
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:establishment_detail", args=[self.pk])

    @property
    def disp(self):
        return self.department.region.disp


class Quartier(models.Model):
    establishment = models.ForeignKey(
        Establishment, on_delete=models.CASCADE, related_name="quartiers", verbose_name=_("établissement")
    )
    kind = models.CharField(_("quartier"), max_length=4, choices=QuartierKind.choices)

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["establishment__name", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["establishment", "kind"],
                name="quartier_unique_per_establishment",
                violation_error_message=_("Cet établissement a déjà ce quartier."),
            )
        ]

    def __str__(self):
        return f"{self.kind} — {self.establishment.name}"


def logo_path(instance, filename: str) -> str:
    """A random name under siae_logos/ (the uploaded name is never kept: it is chosen by the uploader; the form names
    the file after its checked content, programmes.logos)."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    return f"siae_logos/{uuid.uuid4().hex}.{extension if extension in ('png', 'jpg', 'svg') else 'bin'}"


class Siae(models.Model):
    name = models.CharField(_("nom"), max_length=200)
    kind = models.CharField(_("type de SIAE"), max_length=5, choices=SiaeKind.choices)
    siret = models.CharField(_("SIRET"), max_length=14, validators=[validate_siret])
    legal_form = models.CharField(_("forme juridique"), max_length=100, blank=True)
    network = models.CharField(_("réseau"), max_length=200, blank=True)
    address = models.TextField(_("adresse"), blank=True)
    department = models.ForeignKey(
        Department, on_delete=models.RESTRICT, related_name="siaes", verbose_name=_("département du siège")
    )
    director_name = models.CharField(_("direction (nom)"), max_length=200, blank=True)
    governance = models.TextField(
        _("gouvernance"), blank=True,
        help_text=_("Conseil d'administration ou actionnaires, bureau, instances de décision (dossier unique)."),
    )
    # Checked by content (programmes.logos): PNG, JPEG or a sanitised SVG; printed only inside the SIAE's documents.
    logo = models.FileField(_("logo"), upload_to=logo_path, blank=True, max_length=200, validators=[validate_logo],
                            help_text=_("PNG, JPEG ou SVG sans script, 500 Ko au plus."))

    class Meta:
        verbose_name = _("SIAE")
        verbose_name_plural = _("SIAE")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"],
                name="siae_siret_unique",
                violation_error_message=_("Une SIAE avec ce SIRET existe déjà."),
            ),
            models.CheckConstraint(
                condition=Q(siret__regex=r"^[0-9]{14}$"),
                name="siae_siret_14_digits",
                violation_error_message=SIRET_NOT_14_DIGITS,
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("programmes:siae_detail", args=[self.pk])


NOT_NEGATIVE = MinValueValidator(0, _("Saisissez un nombre positif ou nul."))
PERCENTAGE = [MinValueValidator(0, _("Un objectif de sorties est un pourcentage entre 0 et 100.")),
              MaxValueValidator(100, _("Un objectif de sorties est un pourcentage entre 0 et 100."))]
def percentages_in_range(*fields: str) -> Q:
    return functools.reduce(operator.and_, [
        Q(**{f"{field}__isnull": True}) | (Q(**{f"{field}__gte": 0}) & Q(**{f"{field}__lte": 100})) for field in fields
    ])


BUDGET_FIELDS = ("budget_pay", "budget_staff", "budget_purchases", "budget_premises", "budget_overheads",
                 "budget_sales")


class Programme(models.Model):
    """An SIAE implanted in an establishment (and one of its quartiers)."""

    code = models.CharField(
        _("code"), max_length=40, help_text=_("Code stable en majuscules, par exemple MEAUX-APRES.")
    )
    # RESTRICT: a programme with pathways and conventions outlives neither its SIAE nor its establishment.
    siae = models.ForeignKey(Siae, on_delete=models.RESTRICT, related_name="programmes", verbose_name=_("SIAE"))
    establishment = models.ForeignKey(
        Establishment, on_delete=models.RESTRICT, related_name="programmes", verbose_name=_("établissement")
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.RESTRICT,
        null=True,
        blank=True,
        related_name="programmes",
        verbose_name=_("quartier"),
    )
    activity = models.CharField(_("activité"), max_length=300)
    sector = models.CharField(_("secteur"), max_length=200, blank=True)
    start_date = models.DateField(_("date de début"), null=True, blank=True)
    end_date = models.DateField(_("date de fin"), null=True, blank=True)
    phase = models.CharField(_("phase"), max_length=12, choices=ProgrammePhase.choices)
    stage = models.CharField(_("étape"), max_length=20, choices=ProgrammeStage.choices)
    places_planned = models.PositiveIntegerField(_("places prévues"), null=True, blank=True)
    etp_planned = models.DecimalField(
        _("ETP prévus"), max_digits=6, decimal_places=2, null=True, blank=True
    )
    # The project (fiche-projet, dossier unique: docs/domain.md §7.1-7.2), entered in the programme's form.
    target_public = models.TextField(
        _("public visé"), blank=True,
        help_text=_("Quartier, sexe, profil de peine, reliquat de peine, nombre de personnes."),
    )
    schedule = models.TextField(_("horaires et organisation de la semaine"), blank=True,
                                help_text=_("Jours et horaires de l'atelier, heures par semaine."))
    markets = models.TextField(_("produits, clients et modèle économique"), blank=True)
    premises = models.TextField(_("locaux"), blank=True,
                                help_text=_("Surface, atelier, stockage, quai de livraison."))
    equipment = models.TextField(_("équipements"), blank=True,
                                 help_text=_("Machines, outillage, investissements nécessaires."))
    supervisors_etp = models.DecimalField(_("encadrement technique (ETP)"), max_digits=5, decimal_places=2,
                                          null=True, blank=True, validators=[NOT_NEGATIVE])
    cip_etp = models.DecimalField(_("conseillers en insertion professionnelle, CIP (ETP)"), max_digits=5,
                                  decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE])
    cip_name = models.CharField(
        _("CIP de l'atelier (prénom et nom)"), max_length=200, blank=True, validators=[validate_person_name],
        help_text=_("La personne chargée de l'accompagnement socio-professionnel, nommée dans la charte."),
    )
    permanent_staff = models.TextField(_("salariés permanents"), blank=True,
                                       help_text=_("Fonctions, ETP et qualifications de l'équipe permanente."))
    accompaniment_plan = models.TextField(
        _("plan d'accompagnement"), blank=True,
        help_text=_("Diagnostic d'entrée, entretiens, formation, levée des freins, PMSMP, préparation de la sortie."),
    )
    continuity = models.TextField(_("continuité à la sortie"), blank=True,
                                  help_text=_("Capacité d'embauche en CDDI après la libération, relais extérieurs."))
    timeline = models.TextField(_("calendrier prévisionnel"), blank=True,
                                help_text=_("Les étapes du projet et leurs dates."))
    target_entries = models.PositiveIntegerField(_("objectif : personnes entrées en parcours par an"), null=True,
                                                 blank=True)
    target_durable_pct = models.DecimalField(_("objectif : sorties vers l'emploi durable (%)"), max_digits=5,
                                             decimal_places=2, null=True, blank=True, validators=PERCENTAGE)
    target_dynamic_pct = models.DecimalField(_("objectif : sorties dynamiques (%)"), max_digits=5,
                                             decimal_places=2, null=True, blank=True, validators=PERCENTAGE)
    # The yearly provisional budget (charges and sales); printed pro rata over the document's period.
    budget_pay = models.DecimalField(_("rémunération des personnes en parcours (€/an)"), max_digits=11,
                                     decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE])
    budget_staff = models.DecimalField(_("encadrement et accompagnement (€/an)"), max_digits=11, decimal_places=2,
                                       null=True, blank=True, validators=[NOT_NEGATIVE])
    budget_purchases = models.DecimalField(_("achats, matières et sous-traitance (€/an)"), max_digits=11,
                                           decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE])
    budget_premises = models.DecimalField(_("locaux, fluides, équipements et transports (€/an)"), max_digits=11,
                                          decimal_places=2, null=True, blank=True, validators=[NOT_NEGATIVE])
    budget_overheads = models.DecimalField(_("frais de structure (€/an)"), max_digits=11, decimal_places=2,
                                           null=True, blank=True, validators=[NOT_NEGATIVE])
    budget_sales = models.DecimalField(_("ventes et prestations (€/an)"), max_digits=11, decimal_places=2,
                                       null=True, blank=True, validators=[NOT_NEGATIVE])
    # The post (mentions of the contrat d'emploi pénitentiaire, code pénitentiaire R412-25, 7°, 10° and 11°).
    post_risks = models.TextField(
        _("risques particuliers du poste"), blank=True,
        help_text=_("Risques du poste et formation renforcée à la sécurité ; « Aucun risque particulier » sinon."),
    )
    on_call = models.TextField(_("périodes d'astreinte"), blank=True,
                               help_text=_("« Aucune astreinte » s'il n'y en a pas."))
    bonuses = models.TextField(_("primes et accessoires de rémunération"), blank=True,
                               help_text=_("« Aucune prime » s'il n'y en a pas."))

    class Meta:
        verbose_name = _("programme")
        verbose_name_plural = _("programmes")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(
                fields=["code"],
                name="programme_code_unique",
                violation_error_message=_("Un programme porte déjà ce code."),
            ),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[A-Z0-9]+(-[A-Z0-9]+)*$"),
                name="programme_code_format",
                violation_error_message=_(
                    "Le code ne contient que des majuscules et des chiffres, séparés par des tirets."
                ),
            ),
            period_in_order("programme_end_after_start", may_be_empty=("end_date", "start_date")),
            models.CheckConstraint(
                condition=Q(etp_planned__isnull=True) | Q(etp_planned__gte=0),
                name="programme_etp_not_negative",
                violation_error_message=_("Les ETP prévus ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=(Q(supervisors_etp__isnull=True) | Q(supervisors_etp__gte=0))
                & (Q(cip_etp__isnull=True) | Q(cip_etp__gte=0)),
                name="programme_staff_etp_not_negative",
                violation_error_message=_("Les ETP d'encadrement et de CIP ne peuvent pas être négatifs."),
            ),
            models.CheckConstraint(
                condition=percentages_in_range("target_durable_pct", "target_dynamic_pct"),
                name="programme_targets_in_range",
                violation_error_message=_("Un objectif de sorties est un pourcentage entre 0 et 100."),
            ),
            models.CheckConstraint(
                condition=functools.reduce(operator.and_, [
                    Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}) for field in BUDGET_FIELDS
                ]),
                name="programme_budget_not_negative",
                violation_error_message=_("Un montant du budget prévisionnel ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.code} — {self.siae.name}"

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.pk])


# --- Dated rate tables: amounts that change by decree live here, never in code -----------------------


class SmicRate(models.Model):
    """The gross hourly SMIC from a date, in metropolitan France (overseas included) or in Mayotte, which has its
    own (programmes.rates.territory_of)."""

    valid_from = models.DateField(_("en vigueur à partir du"))
    territory = models.CharField(_("territoire"), max_length=10, choices=AidTerritory.choices,
                                 default=AidTerritory.METROPOLE)
    hourly_amount = models.DecimalField(_("SMIC horaire brut (€)"), max_digits=6, decimal_places=2)

    class Meta:
        verbose_name = _("taux du SMIC")
        verbose_name_plural = _("taux du SMIC")
        ordering = ["-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["territory", "valid_from"], name="smic_one_rate_per_territory_and_date",
                violation_error_message=_("Un taux du SMIC existe déjà à cette date pour ce territoire."),
            ),
            models.CheckConstraint(
                condition=Q(hourly_amount__gt=0), name="smic_positive",
                violation_error_message=_("Le SMIC horaire doit être positif."),
            ),
        ]

    def __str__(self):
        where = " à Mayotte" if self.territory == AidTerritory.MAYOTTE else ""
        return f"{self.hourly_amount} € / h{where} au {self.valid_from:%d/%m/%Y}"


class AidRate(models.Model):
    """Aide au poste: the socle per full-time post and year, by scheme, SIAE kind and territory, from a date.

    A droit-commun row gives the socle (its part modulée, 0 to 10 % on results, is not computed). A prison row
    gives the rule of the specific aid of the prison measures (EI_MP, ACI_MP): its own socle, or the droit-commun
    socle in force (``follows_common``), its fixed part modulée and its cap of ETP per establishment. A row whose
    socle is empty and that does not follow the droit commun is a change known to exist whose amount was not
    found: the administrator enters it; until then no amount is computed from it.
    """

    scheme = models.CharField(_("régime de l'aide"), max_length=6, choices=AidScheme.choices,
                              default=AidScheme.COMMON)
    siae_kind = models.CharField(_("type de SIAE"), max_length=5, choices=SiaeKind.choices)
    territory = models.CharField(_("territoire"), max_length=10, choices=AidTerritory.choices)
    valid_from = models.DateField(_("en vigueur à partir du"))
    base_amount = models.DecimalField(
        _("montant socle par ETP (€/an)"), max_digits=9, decimal_places=2, null=True, blank=True,
        help_text=_("Vide : montant à saisir (non trouvé dans les sources), ou socle du droit commun pour une "
                    "ligne « milieu pénitentiaire » qui le suit."),
    )
    follows_common = models.BooleanField(
        _("socle du droit commun"), default=False,
        help_text=_("Milieu pénitentiaire : le socle est celui du droit commun en vigueur (depuis le 1er août 2022)."),
    )
    modulated_pct = models.DecimalField(
        _("part modulée fixe (%)"), max_digits=5, decimal_places=2, null=True, blank=True,
        help_text=_("Milieu pénitentiaire : part modulée fixe (5 %). Vide en droit commun (0 à 10 % selon les "
                    "résultats, non calculée)."),
    )
    etp_cap_per_establishment = models.DecimalField(
        _("plafond d'ETP par établissement et par an"), max_digits=6, decimal_places=2, null=True, blank=True,
        help_text=_("Aide spécifique en détention jusqu'au 31 juillet 2022 : 10 postes par établissement."),
    )
    source = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("taux d'aide au poste")
        verbose_name_plural = _("taux d'aide au poste")
        ordering = ["scheme", "siae_kind", "territory", "-valid_from"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "siae_kind", "territory", "valid_from"], name="aid_rate_one_per_scheme_and_date",
                violation_error_message=_("Un taux existe déjà pour ce régime, ce type, ce territoire et cette date."),
            ),
            models.CheckConstraint(
                condition=(Q(base_amount__isnull=True) | Q(base_amount__gt=0))
                & (Q(modulated_pct__isnull=True) | (Q(modulated_pct__gte=0) & Q(modulated_pct__lte=10)))
                & (Q(etp_cap_per_establishment__isnull=True) | Q(etp_cap_per_establishment__gt=0)),
                name="aid_rate_values_in_range",
                violation_error_message=_(
                    "Le socle et le plafond d'ETP doivent être positifs et la part modulée entre 0 et 10 %."
                ),
            ),
            models.CheckConstraint(
                condition=Q(follows_common=False) | (Q(scheme=AidScheme.PRISON) & Q(base_amount__isnull=True)),
                name="aid_rate_follows_common_only_in_prison",
                violation_error_message=_(
                    "Seule une ligne « milieu pénitentiaire » sans montant propre suit le socle du droit commun."
                ),
            ),
        ]

    def __str__(self):
        return (f"{self.siae_kind} {self.get_scheme_display().lower()} {self.get_territory_display()} "
                f"au {self.valid_from:%d/%m/%Y}")

    @property
    def amount_missing(self) -> bool:
        return self.base_amount is None and not self.follows_common


# --- What binds a programme ---------------------------------------------------------------------------


class StateConvention(models.Model):
    """The SIAE's convention with the State (Préfecture, through the DREETS or DDETS)."""

    # RESTRICT: conventions are the legal ground of the aid paid; they outlive nothing they refer to.
    siae = models.ForeignKey(Siae, on_delete=models.RESTRICT, related_name="conventions", verbose_name=_("SIAE"))
    authority = models.ForeignKey(
        "partners.Organisation", on_delete=models.RESTRICT, related_name="state_conventions",
        verbose_name=_("service de l'État signataire"),
    )
    reference = models.CharField(_("référence"), max_length=60, blank=True)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    status = models.CharField(_("statut"), max_length=12, choices=ConventionStatus.choices,
                              default=ConventionStatus.DRAFT)
    cdiae_opinion_on = models.DateField(
        _("date de l'avis du CDIAE"), null=True, blank=True,
        help_text=_("Conseil départemental de l'insertion par l'activité économique, avant la signature."),
    )
    signatory_name = models.CharField(_("signataire pour le préfet (nom)"), max_length=200, blank=True)
    signatory_title = models.CharField(
        _("signataire pour le préfet (qualité)"), max_length=200, blank=True,
        help_text=_("Par exemple « Directrice départementale de l'emploi, du travail et des solidarités »."),
    )
    target_dynamic_pct = models.DecimalField(_("objectif de sorties dynamiques (%)"), max_digits=5,
                                             decimal_places=2, null=True, blank=True, validators=PERCENTAGE)
    target_durable_pct = models.DecimalField(_("objectif de sorties vers l'emploi durable (%)"), max_digits=5,
                                             decimal_places=2, null=True, blank=True, validators=PERCENTAGE)
    objectives = models.TextField(
        _("autres objectifs"), blank=True,
        help_text=_("Formation, qualification, aménagements de peine, suite du parcours à la sortie."),
    )

    class Meta:
        verbose_name = _("convention avec l'État")
        verbose_name_plural = _("conventions avec l'État")
        ordering = ["-start_date"]
        constraints = [
            period_in_order("state_convention_period_in_order"),
            models.CheckConstraint(
                condition=percentages_in_range("target_durable_pct", "target_dynamic_pct"),
                name="state_convention_targets_in_range",
                violation_error_message=_("Un objectif de sorties est un pourcentage entre 0 et 100."),
            ),
            models.CheckConstraint(
                condition=Q(cdiae_opinion_on__isnull=True) | Q(cdiae_opinion_on__lte=F("start_date")),
                name="state_convention_cdiae_before_start",
                violation_error_message=_("L'avis du CDIAE précède la convention : il est daté au plus tard de son "
                                          "premier jour."),
            ),
        ]

    def __str__(self):
        return f"Convention {self.siae.name} du {self.start_date:%d/%m/%Y} au {self.end_date:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("programmes:convention_detail", args=[self.pk])


class FinancialAnnex(models.Model):
    """The yearly financial annex of a State convention: ETP conventioned and aide au poste."""

    convention = models.ForeignKey(
        StateConvention, on_delete=models.CASCADE, related_name="annexes", verbose_name=_("convention")
    )
    asp_number = models.CharField(
        _("numéro d'annexe ASP"), max_length=24,
        help_text=_("Type, département sur 3 chiffres, année sur 2, structure sur 4, avenant éventuel : "
                    "ACI077170123A1."),
    )
    measure = models.CharField(_("mesure"), max_length=6, choices=AspMeasure.choices)
    # RESTRICT: the specific prison aid is capped per establishment; an annex keeps the establishment it counts in.
    establishment = models.ForeignKey(
        Establishment, on_delete=models.RESTRICT, null=True, blank=True, related_name="financial_annexes",
        verbose_name=_("établissement"),
        help_text=_("Mesure en milieu pénitentiaire : l'établissement où sont les postes (rempli d'office quand la "
                    "SIAE n'est implantée que dans un établissement)."),
    )
    year = models.PositiveSmallIntegerField(_("année"))
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    etp = models.DecimalField(_("ETP conventionnés"), max_digits=6, decimal_places=2)
    aid_amount = models.DecimalField(
        _("aide au poste de l'annexe (€)"), max_digits=11, decimal_places=2,
        help_text=_("Calculée depuis le barème en vigueur à son début, au prorata de sa durée ; modifiable si "
                    "l'annexe signée dit autrement."),
    )
    status = models.CharField(_("statut"), max_length=10, choices=AnnexStatus.choices, default=AnnexStatus.DRAFT)

    class Meta:
        verbose_name = _("annexe financière")
        verbose_name_plural = _("annexes financières")
        ordering = ["-year", "-start_date"]
        constraints = [
            period_in_order("annex_period_in_order"),
            models.UniqueConstraint(
                fields=["asp_number"], name="annex_asp_number_unique",
                violation_error_message=_("Une annexe porte déjà ce numéro ASP."),
            ),
            models.CheckConstraint(
                condition=Q(asp_number__regex=r"^(ACI|AI|EI|ETTI)[0-9]{3}[0-9]{2}[0-9]{4}(A[0-9]+)?(M[0-9]+)?$"),
                name="annex_asp_number_format",
                violation_error_message=_(
                    "Numéro ASP invalide : attendu le type (ACI, AI, EI, ETTI), le département sur 3 chiffres, "
                    "l'année sur 2, la structure sur 4 et l'avenant éventuel, par exemple ACI077170123A1."
                ),
            ),
            models.CheckConstraint(
                condition=Q(etp__gt=0) & Q(aid_amount__gte=0), name="annex_amounts_positive",
                violation_error_message=_("Les ETP doivent être positifs et l'aide ne peut pas être négative."),
            ),
        ]

    def __str__(self):
        return f"Annexe {self.asp_number} ({self.year})"

    def get_absolute_url(self):
        return reverse("programmes:convention_detail", args=[self.convention_id]) + f"#annexe-{self.pk}"


PREMISES_MAX_AREA = 50000
PREMISES_AREA_MESSAGE = _("La surface des locaux est un nombre de m² supérieur à 0 (50 000 m² au plus).")
MONTHLY_FEE_MESSAGE = _("La redevance mensuelle ne peut pas être négative : saisissez 0 s'il n'y en a pas.")
NOTICE_MAX_MONTHS = 12
NOTICE_MESSAGE = _("Le préavis de résiliation va de 1 à 12 mois.")


class ImplantationContract(models.Model):
    """The contract that installs the SIAE's workshop in the establishment."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="implantation_contracts", verbose_name=_("programme")
    )
    regime = models.CharField(_("régime"), max_length=6, choices=ImplantationRegime.choices)
    signed_on = models.DateField(_("signé le"), null=True, blank=True)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))
    tacit_renewal = models.BooleanField(_("tacite reconduction"), default=False)
    premises = models.TextField(_("locaux mis à disposition"), blank=True)
    posts = models.PositiveIntegerField(_("nombre de postes"))
    weekly_hours = models.DecimalField(_("heures de travail par semaine"), max_digits=4, decimal_places=1)
    hourly_pay = models.DecimalField(_("rémunération horaire brute (€)"), max_digits=6, decimal_places=2)
    # The mentions of the 2022 regime (code pénitentiaire R. 412-78 and R. 412-79; docs/domain.md §7.4) that the
    # contract prints: a 2022-regime contract's document lists each one left empty (documents.kinds.*).
    premises_area = models.DecimalField(
        _("surface des locaux (m²)"), max_digits=7, decimal_places=1, null=True, blank=True,
        validators=[MinValueValidator(Decimal("0.1"), PREMISES_AREA_MESSAGE),
                    MaxValueValidator(PREMISES_MAX_AREA, PREMISES_AREA_MESSAGE)],
    )
    equipment = models.TextField(_("équipements mis à disposition"), blank=True, max_length=2000,
                                 help_text=_("Machines, outillage, mobilier : qui les fournit et les entretient."))
    staff_access = models.TextField(
        _("accès et habilitation des personnels"), blank=True, max_length=2000,
        help_text=_("Qui, parmi les salariés de la SIAE, entre en détention, et comment ils sont habilités."),
    )
    monthly_fee = models.DecimalField(
        _("redevance mensuelle (€)"), max_digits=9, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(0, MONTHLY_FEE_MESSAGE)], help_text=_("0 s'il n'y a pas de redevance."),
    )
    fluids = models.TextField(_("fluides (eau, électricité, chauffage)"), blank=True, max_length=2000,
                              help_text=_("Qui les paie et comment ils sont comptés ou refacturés."))
    insurance = models.TextField(_("assurances"), blank=True, max_length=2000,
                                 help_text=_("Responsabilité civile, dommages aux locaux : assureur et contrat."))
    renewal_terms = models.TextField(
        _("clause de renouvellement"), blank=True, max_length=2000,
        help_text=_("Tacite reconduction sauf stipulation contraire : dénonciation, délai, forme."),
    )
    modification_terms = models.TextField(_("modalités de modification"), blank=True, max_length=2000,
                                          help_text=_("Par exemple : par avenant signé des parties."))
    termination_terms = models.TextField(_("conditions de résiliation"), blank=True, max_length=2000,
                                         help_text=_("Motifs et forme de la résiliation."))
    termination_notice_months = models.PositiveSmallIntegerField(
        _("préavis de résiliation (mois)"), null=True, blank=True,
        validators=[MinValueValidator(1, NOTICE_MESSAGE), MaxValueValidator(NOTICE_MAX_MONTHS, NOTICE_MESSAGE)],
    )

    class Meta:
        verbose_name = _("contrat d'implantation")
        verbose_name_plural = _("contrats d'implantation")
        ordering = ["-start_date"]
        constraints = [
            period_in_order("implantation_period_in_order"),
            models.CheckConstraint(
                condition=Q(weekly_hours__gte=IMPLANTATION_MIN_WEEKLY_HOURS)
                & Q(weekly_hours__lte=IMPLANTATION_MAX_WEEKLY_HOURS) & Q(hourly_pay__gt=0),
                name="implantation_hours_and_pay_in_range",
                violation_error_message=_("Les heures de travail par semaine vont de 10 (temps partiel) à 35 (temps "
                                          "plein) et la rémunération est positive."),
            ),
            models.CheckConstraint(
                condition=Q(premises_area__isnull=True)
                | (Q(premises_area__gt=0) & Q(premises_area__lte=PREMISES_MAX_AREA)),
                name="implantation_premises_area_in_range", violation_error_message=PREMISES_AREA_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(monthly_fee__isnull=True) | Q(monthly_fee__gte=0),
                name="implantation_fee_not_negative", violation_error_message=MONTHLY_FEE_MESSAGE,
            ),
            models.CheckConstraint(
                condition=Q(termination_notice_months__isnull=True)
                | (Q(termination_notice_months__gte=1) & Q(termination_notice_months__lte=NOTICE_MAX_MONTHS)),
                name="implantation_notice_in_range", violation_error_message=NOTICE_MESSAGE,
            ),
        ]

    def __str__(self):
        return f"Contrat d'implantation {self.programme.code} ({self.get_regime_display()})"

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.programme_id]) + "#contrats"


class PartnershipConvention(models.Model):
    """A multi-party convention around a programme (e.g. Meaux: Préfecture, Pôle emploi, ARES, DISP)."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="partnership_conventions", verbose_name=_("programme")
    )
    title = models.CharField(_("intitulé"), max_length=200)
    purpose = models.TextField(_("objet"), blank=True)
    start_date = models.DateField(_("date de début"))
    end_date = models.DateField(_("date de fin"))

    class Meta:
        verbose_name = _("convention de partenariat")
        verbose_name_plural = _("conventions de partenariat")
        ordering = ["-start_date"]
        constraints = [period_in_order("partnership_period_in_order")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("programmes:partnership_detail", args=[self.pk])


class ConventionParty(models.Model):
    convention = models.ForeignKey(
        PartnershipConvention, on_delete=models.CASCADE, related_name="parties", verbose_name=_("convention")
    )
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.RESTRICT, related_name="convention_parties",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("rôle dans la convention"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("signataire")
        verbose_name_plural = _("signataires")
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "organisation"], name="convention_party_once",
                violation_error_message=_("Cette organisation est déjà partie à la convention."),
            )
        ]

    def __str__(self):
        return f"{self.organisation} — {self.role}"


class FundingLine(models.Model):
    """Who pays what for a programme, by year."""

    programme = models.ForeignKey(
        Programme, on_delete=models.CASCADE, related_name="funding_lines", verbose_name=_("programme")
    )
    year = models.PositiveSmallIntegerField(_("année"))
    funder = models.CharField(_("financeur"), max_length=12, choices=Funder.choices)
    organisation = models.ForeignKey(
        "partners.Organisation", on_delete=models.RESTRICT, null=True, blank=True, related_name="funding_lines",
        verbose_name=_("organisation financeuse"),
    )
    amount = models.DecimalField(_("montant (€)"), max_digits=11, decimal_places=2)

    class Meta:
        verbose_name = _("ligne de financement")
        verbose_name_plural = _("lignes de financement")
        ordering = ["-year", "funder"]
        constraints = [
            models.UniqueConstraint(
                fields=["programme", "year", "funder", "organisation"], name="funding_line_once",
                nulls_distinct=False,
                violation_error_message=_("Ce financement est déjà saisi pour cette année."),
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0) & Q(year__gte=2000) & Q(year__lte=2100), name="funding_line_in_range",
                violation_error_message=_("Le montant ne peut pas être négatif et l'année doit être plausible."),
            ),
        ]

    def __str__(self):
        return f"{self.get_funder_display()} {self.year} : {self.amount} €"

    def get_absolute_url(self):
        return reverse("programmes:programme_detail", args=[self.programme_id]) + "#financements"
