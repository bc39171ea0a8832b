from django.utils.translation import gettext_lazy as _

from accounts import scope
from accounts.mixins import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from . import selectors, services
from .forms import OrganisationFilterForm, OrganisationForm
from .models import Organisation


class OrganisationMixin:
    model = Organisation
    list_url_name, list_label = ("partners:organisation_list", _("Organisations"))
    scope_function = scope.organisations_for
    permission_kind = "organisation"
    form_class = OrganisationForm

    def save(self, form):
        return services.organisation_save(
            organisation=form.instance,
            served_establishments=form.cleaned_data["served_establishments"],
            by=self.request.user,
        )


class OrganisationList(OrganisationMixin, ScopedListView):
    list_selector = selectors.organisation_list_for
    filter_form_class = OrganisationFilterForm
    template_name = "partners/organisation_list.html"


class OrganisationDetail(OrganisationMixin, ScopedDetailView):
    detail_selector = selectors.organisation_detail_for
    template_name = "partners/organisation_detail.html"


class OrganisationCreate(OrganisationMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouvelle organisation")}


class OrganisationUpdate(OrganisationMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier l'organisation")}
