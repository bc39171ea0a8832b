from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from django.views import View
from django.views.generic import UpdateView

from access import permissions, scope
from accounts.mixins import (
    ExportMixin,
    ParentMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)
from core.forms import apply_errors
from partners.models import Meeting

from . import forms as forms_module
from . import selectors, services
from .forms import (
    ConventionFilterForm,
    EstablishmentFilterForm,
    EstablishmentForm,
    FinancialAnnexForm,
    FundingFilterForm,
    FundingLineForm,
    ImplantationContractForm,
    PartnershipConventionForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    SiaeFilterForm,
    SiaeForm,
    StateConventionForm,
)
from .models import (
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Siae,
    StateConvention,
)


class EstablishmentMixin:
    model = Establishment
    list_url_name, list_label = ("programmes:establishment_list", _("Établissements"))
    scope_function = scope.establishments_for
    permission_kind = Establishment
    form_class = EstablishmentForm

    def save(self, form):
        return services.establishment_save(
            establishment=form.instance, quartiers=form.cleaned_data["quartiers"], by=self.request.user
        )


class EstablishmentList(EstablishmentMixin, ExportMixin, ScopedListView):
    list_selector = selectors.establishment_list_for
    export_filename = "etablissements"

    def export_rows(self, queryset):
        headers = ["Nom", "Type", "Département", "Région", "Interrégion", "Programmes"]
        return headers, ([e.name, e.get_kind_display(), e.department.name, e.department.region.name,
                          e.department.region.disp.name, e.programme_count] for e in queryset)
    filter_form_class = EstablishmentFilterForm
    template_name = "programmes/establishment_list.html"


class EstablishmentDetail(EstablishmentMixin, ScopedDetailView):
    detail_selector = selectors.establishment_detail_for
    template_name = "programmes/establishment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_add_meeting"] = permissions.can_create(self.request.user, Meeting)
        return context


class EstablishmentCreate(EstablishmentMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouvel établissement")}


class EstablishmentUpdate(EstablishmentMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier l'établissement")}


class SiaeMixin:
    model = Siae
    list_url_name, list_label = ("programmes:siae_list", _("SIAE"))
    scope_function = scope.siaes_for
    permission_kind = Siae
    form_class = SiaeForm
    service = services.siae_save


class SiaeList(SiaeMixin, ExportMixin, ScopedListView):
    list_selector = selectors.siae_list_for
    export_filename = "siae"

    def export_rows(self, queryset):
        headers = ["Nom", "Type", "SIRET", "Forme juridique", "Réseau", "Département", "Programmes"]
        return headers, ([s.name, s.kind, s.siret, s.legal_form, s.network, s.department.name, s.programme_count]
                         for s in queryset)
    filter_form_class = SiaeFilterForm
    template_name = "programmes/siae_list.html"


class SiaeDetail(SiaeMixin, ScopedDetailView):
    detail_selector = selectors.siae_detail_for
    template_name = "programmes/siae_detail.html"


class SiaeCreate(SiaeMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouvelle SIAE")}


class SiaeUpdate(SiaeMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier la SIAE")}


class ProgrammeMixin:
    model = Programme
    list_url_name, list_label = ("programmes:programme_list", _("Programmes"))
    scope_function = scope.programmes_for
    permission_kind = Programme
    form_class = ProgrammeForm
    service = services.programme_save


class ProgrammeList(ProgrammeMixin, ExportMixin, ScopedListView):
    list_selector = selectors.programme_list_for
    export_filename = "programmes"

    def export_rows(self, queryset):
        headers = ["Code", "SIAE", "Établissement", "Quartier", "Activité", "Secteur", "Phase", "Étape",
                   "Début", "Fin", "Places prévues", "ETP prévus"]
        return headers, ([p.code, p.siae.name, p.establishment.name, p.quartier.kind if p.quartier else "",
                          p.activity, p.sector, p.get_phase_display(), p.get_stage_display(), p.start_date,
                          p.end_date, p.places_planned, p.etp_planned] for p in queryset)
    filter_form_class = ProgrammeFilterForm
    template_name = "programmes/programme_list.html"


class ProgrammeDetail(ProgrammeMixin, ScopedDetailView):
    detail_selector = selectors.programme_detail_for
    template_name = "programmes/programme_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        bindings = selectors.programme_bindings_for(user=user, programme=self.object)
        for rows in (bindings["state_conventions"], bindings["implantation_contracts"],
                     bindings["partnership_conventions"]):
            for row in rows:
                row.may_edit = permissions.may_edit(user, row)
        context["bindings"] = bindings
        context["may_add"] = {
            "state_convention": permissions.can_create(user, StateConvention),
            "implantation_contract": permissions.can_create(user, ImplantationContract),
            "partnership_convention": permissions.can_create(user, PartnershipConvention),
            "funding_line": permissions.can_create(user, FundingLine),
        }
        context["may_edit_funding"] = permissions.can_edit(user, FundingLine)
        return context


class ProgrammeCreate(ProgrammeMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouveau programme")}


class ProgrammeUpdate(ProgrammeMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier le programme")}


# --- Conventions, annexes, contracts, partnerships and funding --------------------------------------------


class ValidateAction(View):
    """POST only: move a draft to its validated status (DREETS/DDETS, administrators); 404 outside the scope."""

    http_method_names = ["post"]
    scope_function = None
    service = None
    argument = None
    success_message = None

    def post(self, request, pk):
        obj = get_object_or_404(type(self).scope_function(request.user), pk=pk)
        if not permissions.can_validate(request.user):
            raise PermissionDenied(_("Seuls la DREETS et la DDETS valident les conventions et les annexes."))
        try:
            type(self).service(**{self.argument: obj, "by": request.user})
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, self.success_message)
        return HttpResponseRedirect(obj.get_absolute_url())


class ConventionMixin:
    model = StateConvention
    list_url_name, list_label = ("programmes:convention_list", _("Conventions avec l'État"))
    scope_function = scope.state_conventions_for
    permission_kind = StateConvention
    form_class = StateConventionForm

    def save(self, form):
        return services.state_convention_save(convention=form.instance, by=self.request.user)


class ConventionList(ExportMixin, ConventionMixin, ScopedListView):
    list_selector = selectors.convention_list_for
    filter_form_class = ConventionFilterForm
    template_name = "programmes/convention_list.html"
    export_filename = "conventions"

    def export_rows(self, queryset):
        headers = ["SIAE", "SIRET", "Service de l'État", "Référence", "Début", "Fin", "Statut", "Annexes",
                   "ETP conventionnés (total des annexes)"]
        rows = (
            [c.siae.name, c.siae.siret, c.authority.name, c.reference, c.start_date, c.end_date,
             c.get_status_display(), c.annex_count,
             c.etp_total.quantize(Decimal("0.01")) if c.etp_total is not None else None]
            for c in queryset
        )
        return headers, rows


class ConventionDetail(ConventionMixin, ScopedDetailView):
    detail_selector = selectors.convention_detail_for
    template_name = "programmes/convention_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        convention = self.object
        context["can_edit"] = context["can_edit"] and permissions.can_edit_object(user, convention)
        context["can_validate"] = permissions.can_validate(user)
        context["can_add_annex"] = permissions.can_create(user, FinancialAnnex)
        annexes = list(convention.annexes.all())
        for annex in annexes:
            annex.may_edit = permissions.may_edit(user, annex)
        context["annexes"] = annexes
        context["programmes"] = selectors.programme_list_for(user=user).filter(siae_id=convention.siae_id)
        return context


class ConventionCreate(ConventionMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouvelle convention avec l'État")}


class ConventionUpdate(ConventionMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier la convention avec l'État")}


class ConventionValidate(ValidateAction):
    scope_function = scope.state_conventions_for
    service = services.state_convention_validate
    argument = "convention"
    success_message = _("La convention est validée : elle passe au statut « Signée ».")


class AnnexMixin:
    model = FinancialAnnex
    list_url_name, list_label = ("programmes:convention_list", _("Conventions avec l'État"))
    scope_function = scope.financial_annexes_for
    permission_kind = FinancialAnnex
    form_class = FinancialAnnexForm
    template_name = "programmes/form.html"

    def save(self, form):
        return services.annex_save(annex=form.instance, by=self.request.user)


class AnnexCreate(ParentMixin, AnnexMixin, ScopedCreateView):
    parent_scope_function = scope.state_conventions_for
    parent_context_name = "convention"
    extra_context = {"title": _("Nouvelle annexe financière")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": FinancialAnnex(convention=self.parent)}


class AnnexUpdate(AnnexMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier l'annexe financière")}

    def get_queryset(self):
        return super().get_queryset().select_related("convention__siae")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        convention = self.object.convention
        context["breadcrumb_parent"] = {"label": str(convention), "url": convention.get_absolute_url()}
        return context


class AnnexValidate(ValidateAction):
    scope_function = scope.financial_annexes_for
    service = services.annex_validate
    argument = "annex"
    success_message = _("L'annexe financière est validée.")


class ProgrammeChildMixin:
    list_url_name, list_label = ("programmes:programme_list", _("Programmes"))
    template_name = "programmes/form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        programme = getattr(self, "parent", None) or self.object.programme
        context["breadcrumb_parent"] = {"label": str(programme), "url": programme.get_absolute_url()}
        context["subtitle"] = str(programme)
        return context


class ContractMixin(ProgrammeChildMixin):
    model = ImplantationContract
    scope_function = scope.implantation_contracts_for
    permission_kind = ImplantationContract
    form_class = ImplantationContractForm

    def save(self, form):
        return services.implantation_contract_save(contract=form.instance, by=self.request.user)


class ContractCreate(ParentMixin, ContractMixin, ScopedCreateView):
    parent_scope_function = scope.programmes_for
    extra_context = {"title": _("Nouveau contrat d'implantation")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": ImplantationContract(programme=self.parent)}


class ContractUpdate(ContractMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier le contrat d'implantation")}

    def get_queryset(self):
        return super().get_queryset().select_related("programme__siae")


class PartnershipMixin(ProgrammeChildMixin):
    model = PartnershipConvention
    scope_function = scope.partnership_conventions_for
    permission_kind = PartnershipConvention
    form_class = PartnershipConventionForm


class PartnershipFormMixin(PartnershipMixin):
    """The convention's fields and a repeated set of parties (organisation, role), saved together."""

    template_name = "programmes/partnership_form.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.setdefault("party_formset", forms_module.party_formset(
            user=self.request.user, convention=getattr(self, "object", None)))
        return context

    def post(self, request, *args, **kwargs):
        self.object = self.get_object() if isinstance(self, UpdateView) else None
        form = self.get_form()
        formset = forms_module.party_formset(user=request.user, data=request.POST)
        if form.is_valid() and formset.is_valid():
            try:
                with transaction.atomic():
                    self.object = services.partnership_save(
                        convention=form.instance, parties=formset.parties(), by=request.user
                    )
            except ValidationError as error:
                apply_errors(form, error, unplaced=formset._non_form_errors.append)
            else:
                messages.success(request, self.success_message)
                return HttpResponseRedirect(self.object.get_absolute_url())
        if not formset.is_bound or formset.management_form.errors:
            tampered = formset.is_bound
            formset = forms_module.party_formset(user=request.user, convention=self.object)
            if tampered:  # the hidden row counters came back broken: say it (found by the form fuzzing)
                formset._non_form_errors = formset.error_class([_(
                    "La liste des parties est arrivée incomplète : rien n'a été enregistré. Vérifiez-la, puis "
                    "enregistrez de nouveau.")])
        return self.render_to_response(self.get_context_data(form=form, party_formset=formset))


class PartnershipCreate(ParentMixin, PartnershipFormMixin, ScopedCreateView):
    parent_scope_function = scope.programmes_for
    extra_context = {"title": _("Nouvelle convention de partenariat")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": PartnershipConvention(programme=self.parent)}


class PartnershipUpdate(PartnershipFormMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier la convention de partenariat")}


class PartnershipDetail(PartnershipMixin, ScopedDetailView):
    detail_selector = selectors.partnership_detail_for
    template_name = "programmes/partnership_detail.html"


class FundingMixin:
    model = FundingLine
    list_url_name, list_label = ("programmes:funding_list", _("Financements"))
    scope_function = scope.funding_lines_for
    permission_kind = FundingLine
    form_class = FundingLineForm
    template_name = "programmes/form.html"

    def save(self, form):
        return services.funding_line_save(line=form.instance, by=self.request.user)


class FundingList(ExportMixin, FundingMixin, ScopedListView):
    list_selector = selectors.funding_list_for
    filter_form_class = FundingFilterForm
    template_name = "programmes/funding_list.html"
    export_filename = "financements"

    def export_rows(self, queryset):
        headers = ["Programme", "SIAE", "Année", "Financeur", "Organisation", "Montant (€)"]
        rows = (
            [line.programme.code, line.programme.siae.name, line.year, line.get_funder_display(),
             line.organisation.name if line.organisation else "", line.amount]
            for line in queryset
        )
        return headers, rows


class FundingCreate(ParentMixin, ProgrammeChildMixin, FundingMixin, ScopedCreateView):
    parent_scope_function = scope.programmes_for
    extra_context = {"title": _("Nouvelle ligne de financement")}

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": FundingLine(programme=self.parent)}


class FundingUpdate(ProgrammeChildMixin, FundingMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier la ligne de financement")}

    def get_queryset(self):
        return super().get_queryset().select_related("programme__siae")
