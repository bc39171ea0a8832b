"""Pages of the registry: each fetches its object through selectors.get_<model>_for (404 outside the user's scope),
checks the role (403: access.permissions.require), validates a form, calls one service, renders."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from access import permissions
from core.views import (
    crumb,
    edit_page,
    form_page,
    link_to,
    list_page,
    object_page,
    posted,
    require_form_methods,
    save_form,
)
from partners.models import Meeting

from . import aid, forms, selectors, services
from .exports import table_response
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

FORM = "programmes/form.html"
ESTABLISHMENTS = crumb(_("Établissements"), reverse_lazy("programmes:establishment_list"))
SIAES = crumb(_("SIAE"), reverse_lazy("programmes:siae_list"))
PROGRAMMES = crumb(_("Programmes"), reverse_lazy("programmes:programme_list"))
CONVENTIONS = crumb(_("Conventions avec l'État"), reverse_lazy("programmes:convention_list"))


# --- Establishments ---------------------------------------------------------------------------------------


@require_safe
def establishment_list(request):
    return list_page(
        request, "programmes/establishment_list.html", selector=selectors.establishment_list_for,
        filter_form_class=forms.EstablishmentFilterForm, title=_("Établissements"),
        can_create=permissions.can_create(request.user, Establishment),
        export=lambda establishments, fmt: table_response(
            filename="etablissements", fmt=fmt,
            headers=["Nom", "Type", "Département", "Région", "Interrégion", "Programmes"],
            rows=([e.name, e.get_kind_display(), e.department.name, e.department.region.name,
                   e.department.region.disp.name, e.programme_count] for e in establishments),
        ),
    )


@require_safe
def establishment_detail(request, pk):
    establishment, can_edit = selectors.get_establishment_for(request.user, pk)
    return object_page(request, "programmes/establishment_detail.html", establishment, parent=ESTABLISHMENTS,
                       can_edit=can_edit, can_add_meeting=permissions.can_create(request.user, Meeting))


def _save_establishment(request, form):
    return lambda: services.establishment_save(
        establishment=form.instance, quartiers=form.cleaned_data["quartiers"], by=request.user
    )


@require_form_methods
def establishment_create(request):
    permissions.require(permissions.can_create(request.user, Establishment))
    form = forms.EstablishmentForm(posted(request), user=request.user)
    return edit_page(request, FORM, form, _save_establishment(request, form), title=_("Nouvel établissement"),
                     parent=ESTABLISHMENTS)


@require_form_methods
def establishment_update(request, pk):
    establishment, can_edit = selectors.get_establishment_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.EstablishmentForm(posted(request), instance=establishment, user=request.user)
    return edit_page(request, FORM, form, _save_establishment(request, form), title=_("Modifier l'établissement"),
                     parent=ESTABLISHMENTS, current=establishment)


# --- SIAE -------------------------------------------------------------------------------------------------


@require_safe
def siae_list(request):
    return list_page(
        request, "programmes/siae_list.html", selector=selectors.siae_list_for, filter_form_class=forms.SiaeFilterForm,
        title=_("SIAE"), can_create=permissions.can_create(request.user, Siae),
        export=lambda siaes, fmt: table_response(
            filename="siae", fmt=fmt,
            headers=["Nom", "Type", "SIRET", "Forme juridique", "Réseau", "Département", "Programmes"],
            rows=([s.name, s.kind, s.siret, s.legal_form, s.network, s.department.name, s.programme_count]
                  for s in siaes),
        ),
    )


@require_safe
def siae_detail(request, pk):
    siae, can_edit = selectors.get_siae_for(request.user, pk)
    return object_page(request, "programmes/siae_detail.html", siae, parent=SIAES, can_edit=can_edit)


@require_form_methods
def siae_create(request):
    permissions.require(permissions.can_create(request.user, Siae))
    form = forms.SiaeForm(posted(request), user=request.user)
    return edit_page(request, FORM, form, lambda: services.siae_save(siae=form.instance, by=request.user),
                     title=_("Nouvelle SIAE"), parent=SIAES)


@require_form_methods
def siae_update(request, pk):
    siae, can_edit = selectors.get_siae_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.SiaeForm(posted(request), instance=siae, user=request.user)
    return edit_page(request, FORM, form, lambda: services.siae_save(siae=form.instance, by=request.user),
                     title=_("Modifier la SIAE"), parent=SIAES, current=siae)


@require_form_methods
def siae_logo(request, pk):
    """The logo printed on the SIAE's documents, sent by those who edit the SIAE (its director first)."""
    siae, can_edit = selectors.get_siae_for(request.user, pk)
    permissions.require(can_edit)
    files = request.FILES if request.method == "POST" else None
    form = forms.SiaeLogoForm(posted(request), files, instance=siae, user=request.user)
    return edit_page(request, FORM, form, lambda: services.siae_save(siae=form.instance, by=request.user),
                     title=_("Logo de la SIAE"), parent=SIAES, current=siae)


# --- Programmes -------------------------------------------------------------------------------------------


@require_safe
def programme_list(request):
    return list_page(
        request, "programmes/programme_list.html", selector=selectors.programme_list_for,
        filter_form_class=forms.ProgrammeFilterForm, title=_("Programmes"),
        can_create=permissions.can_create(request.user, Programme),
        export=lambda programmes, fmt: table_response(
            filename="programmes", fmt=fmt,
            headers=["Code", "SIAE", "Établissement", "Quartier", "Activité", "Secteur", "Phase", "Étape", "Début",
                     "Fin", "Places prévues", "ETP prévus"],
            rows=([p.code, p.siae.name, p.establishment.name, p.quartier.kind if p.quartier else "", p.activity,
                   p.sector, p.get_phase_display(), p.get_stage_display(), p.start_date, p.end_date,
                   p.places_planned, p.etp_planned] for p in programmes),
        ),
    )


@require_safe
def programme_detail(request, pk):
    user = request.user
    programme, can_edit = selectors.get_programme_for(user, pk)
    return object_page(
        request, "programmes/programme_detail.html", programme, parent=PROGRAMMES, can_edit=can_edit,
        bindings=selectors.programme_bindings_for(user=user, programme=programme),
        may_add={
            "state_convention": permissions.can_create(user, StateConvention),
            "implantation_contract": permissions.can_create(user, ImplantationContract),
            "partnership_convention": permissions.can_create(user, PartnershipConvention),
            "funding_line": permissions.can_create(user, FundingLine),
        },
        may_edit_funding=permissions.can_edit(user, FundingLine),
    )


@require_form_methods
def programme_create(request):
    permissions.require(permissions.can_create(request.user, Programme))
    form = forms.ProgrammeForm(posted(request), user=request.user)
    return edit_page(request, FORM, form, lambda: services.programme_save(programme=form.instance, by=request.user),
                     title=_("Nouveau programme"), parent=PROGRAMMES)


@require_form_methods
def programme_update(request, pk):
    programme, can_edit = selectors.get_programme_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.ProgrammeForm(posted(request), instance=programme, user=request.user)
    return edit_page(request, FORM, form, lambda: services.programme_save(programme=form.instance, by=request.user),
                     title=_("Modifier le programme"), parent=PROGRAMMES, current=programme)


# --- State conventions and their financial annexes ----------------------------------------------------------

VALIDATORS_ONLY = _("Seuls la DREETS et la DDETS valident les conventions et les annexes.")


def _validated(request, obj, validate, success):
    """After a validation action: the service's refusal, or its success, on the object's page."""
    try:
        validate()
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, success)
    return redirect(obj)


@require_safe
def convention_list(request):
    return list_page(
        request, "programmes/convention_list.html", selector=selectors.convention_list_for,
        filter_form_class=forms.ConventionFilterForm, title=_("Conventions avec l'État"),
        can_create=permissions.can_create(request.user, StateConvention),
        export=lambda conventions, fmt: table_response(
            filename="conventions", fmt=fmt,
            headers=["SIAE", "SIRET", "Service de l'État", "Référence", "Début", "Fin", "Statut", "Annexes",
                     "ETP conventionnés (total des annexes)"],
            rows=([c.siae.name, c.siae.siret, c.authority.name, c.reference, c.start_date, c.end_date,
                   c.get_status_display(), c.annex_count,
                   c.etp_total.quantize(Decimal("0.01")) if c.etp_total is not None else None] for c in conventions),
        ),
    )


@require_safe
def convention_detail(request, pk):
    user = request.user
    convention, can_edit = selectors.get_state_convention_for(user, pk)
    annexes = list(convention.annexes.select_related("establishment"))
    summaries = aid.summaries_for(annexes)  # the formula with its figures, a typed amount, the cap
    for annex in annexes:
        annex.may_edit = permissions.may_edit(user, annex)
        annex.aid = summaries[annex.pk]
    return object_page(
        request, "programmes/convention_detail.html", convention, parent=CONVENTIONS, can_edit=can_edit,
        can_validate=permissions.can_validate(user), can_add_annex=permissions.can_create(user, FinancialAnnex),
        annexes=annexes, programmes=selectors.programme_list_for(user=user).filter(siae_id=convention.siae_id),
    )


@require_form_methods
def convention_create(request):
    permissions.require(permissions.can_create(request.user, StateConvention))
    form = forms.StateConventionForm(posted(request), user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.state_convention_save(convention=form.instance, by=request.user),
        title=_("Nouvelle convention avec l'État"), parent=CONVENTIONS,
    )


@require_form_methods
def convention_update(request, pk):
    convention, can_edit = selectors.get_state_convention_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.StateConventionForm(posted(request), instance=convention, user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.state_convention_save(convention=form.instance, by=request.user),
        title=_("Modifier la convention avec l'État"), parent=CONVENTIONS, current=convention,
    )


@require_POST
def convention_validate(request, pk):
    convention, _can_edit = selectors.get_state_convention_for(request.user, pk)
    permissions.require(permissions.can_validate(request.user), VALIDATORS_ONLY)
    return _validated(
        request, convention, lambda: services.state_convention_validate(convention=convention, by=request.user),
        _("La convention est validée : elle passe au statut « Signée »."),
    )


@require_form_methods
def annex_create(request, pk):
    convention, _can_edit = selectors.get_state_convention_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, FinancialAnnex))
    form = forms.FinancialAnnexForm(posted(request), instance=FinancialAnnex(convention=convention), user=request.user)
    return edit_page(request, FORM, form, lambda: services.annex_save(annex=form.instance, by=request.user),
                     title=_("Nouvelle annexe financière"), parent=link_to(convention))


@require_form_methods
def annex_update(request, pk):
    annex, can_edit = selectors.get_financial_annex_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.FinancialAnnexForm(posted(request), instance=annex, user=request.user)
    return edit_page(request, FORM, form, lambda: services.annex_save(annex=form.instance, by=request.user),
                     title=_("Modifier l'annexe financière"), parent=link_to(annex.convention), current=annex)


@require_POST
def annex_validate(request, pk):
    annex, _can_edit = selectors.get_financial_annex_for(request.user, pk)
    permissions.require(permissions.can_validate(request.user), VALIDATORS_ONLY)
    return _validated(request, annex, lambda: services.annex_validate(annex=annex, by=request.user),
                      _("L'annexe financière est validée."))


# --- What binds a programme: implantation contracts, partnerships, funding ------------------------------------


def _under(programme) -> dict:
    """What binds a programme is edited with the programme in the breadcrumb and under the title."""
    return {"parent": link_to(programme), "subtitle": str(programme)}


@require_form_methods
def contract_create(request, pk):
    programme, _can_edit = selectors.get_programme_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, ImplantationContract))
    form = forms.ImplantationContractForm(posted(request), instance=ImplantationContract(programme=programme),
                                          user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.implantation_contract_save(contract=form.instance, by=request.user),
        title=_("Nouveau contrat d'implantation"), **_under(programme),
    )


@require_form_methods
def contract_update(request, pk):
    contract, can_edit = selectors.get_implantation_contract_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.ImplantationContractForm(posted(request), instance=contract, user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.implantation_contract_save(contract=form.instance, by=request.user),
        title=_("Modifier le contrat d'implantation"), **_under(contract.programme), current=contract,
    )


@require_safe
def partnership_detail(request, pk):
    partnership, can_edit = selectors.get_partnership_convention_for(request.user, pk)
    return object_page(request, "programmes/partnership_detail.html", partnership,
                       can_edit=can_edit, **_under(partnership.programme))


def _partnership_form(request, partnership, *, title, current=None):
    """The convention's fields and a repeated set of parties (organisation, role), saved together."""
    user = request.user
    form = forms.PartnershipConventionForm(posted(request), instance=partnership, user=user)
    if request.method != "POST":
        formset = forms.party_formset(user=user, convention=partnership)
    else:
        formset = forms.party_formset(user=user, data=request.POST)
        if form.is_valid() and formset.is_valid() and (saved := save_form(
                request, form, lambda: services.partnership_save(
                    convention=form.instance, parties=formset.parties(), by=user),
                unplaced=formset._non_form_errors.append)):
            return redirect(saved)
        if formset.management_form.errors:  # the hidden row counters came back broken: say it (form fuzzing)
            formset = forms.party_formset(user=user, convention=current)
            formset._non_form_errors = formset.error_class([_(
                "La liste des parties est arrivée incomplète : rien n'a été enregistré. Vérifiez-la, puis "
                "enregistrez de nouveau.")])
    return form_page(request, "programmes/partnership_form.html", form, title=title, current=current,
                     party_formset=formset, **_under(partnership.programme))


@require_form_methods
def partnership_create(request, pk):
    programme, _can_edit = selectors.get_programme_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, PartnershipConvention))
    return _partnership_form(request, PartnershipConvention(programme=programme),
                             title=_("Nouvelle convention de partenariat"))


@require_form_methods
def partnership_update(request, pk):
    partnership, can_edit = selectors.get_partnership_convention_for(request.user, pk)
    permissions.require(can_edit)
    return _partnership_form(request, partnership, title=_("Modifier la convention de partenariat"),
                             current=partnership)


@require_safe
def funding_list(request):
    return list_page(
        request, "programmes/funding_list.html", selector=selectors.funding_list_for,
        filter_form_class=forms.FundingFilterForm, title=_("Financements"),
        can_edit=permissions.can_edit(request.user, FundingLine),
        can_create=permissions.can_create(request.user, FundingLine),
        export=lambda lines, fmt: table_response(
            filename="financements", fmt=fmt,
            headers=["Programme", "SIAE", "Année", "Financeur", "Organisation", "Montant (€)"],
            rows=([line.programme.code, line.programme.siae.name, line.year, line.get_funder_display(),
                   line.organisation.name if line.organisation else "", line.amount] for line in lines),
        ),
    )


@require_form_methods
def funding_create(request, pk):
    programme, _can_edit = selectors.get_programme_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, FundingLine))
    form = forms.FundingLineForm(posted(request), instance=FundingLine(programme=programme), user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.funding_line_save(line=form.instance, by=request.user),
        title=_("Nouvelle ligne de financement"), **_under(programme),
    )


@require_form_methods
def funding_update(request, pk):
    line, can_edit = selectors.get_funding_line_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.FundingLineForm(posted(request), instance=line, user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.funding_line_save(line=form.instance, by=request.user),
        title=_("Modifier la ligne de financement"), **_under(line.programme), current=line,
    )
