from django.utils.translation import gettext_lazy as _

from accounts import scope
from accounts.mixins import ScopedCreateView, ScopedDetailView, ScopedListView, ScopedUpdateView

from . import selectors, services
from .forms import (
    EstablishmentFilterForm,
    EstablishmentForm,
    ProgrammeFilterForm,
    ProgrammeForm,
    SiaeFilterForm,
    SiaeForm,
)
from .models import Establishment, Programme, Siae


class EstablishmentMixin:
    model = Establishment
    list_url_name, list_label = ("programmes:establishment_list", _("Établissements"))
    scope_function = scope.establishments_for
    permission_kind = "establishment"
    form_class = EstablishmentForm

    def save(self, form):
        return services.establishment_save(
            establishment=form.instance, quartiers=form.cleaned_data["quartiers"], by=self.request.user
        )


class EstablishmentList(EstablishmentMixin, ScopedListView):
    list_selector = selectors.establishment_list_for
    filter_form_class = EstablishmentFilterForm
    template_name = "programmes/establishment_list.html"


class EstablishmentDetail(EstablishmentMixin, ScopedDetailView):
    detail_selector = selectors.establishment_detail_for
    template_name = "programmes/establishment_detail.html"


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
    permission_kind = "siae"
    form_class = SiaeForm
    service = services.siae_save


class SiaeList(SiaeMixin, ScopedListView):
    list_selector = selectors.siae_list_for
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
    permission_kind = "programme"
    form_class = ProgrammeForm
    service = services.programme_save


class ProgrammeList(ProgrammeMixin, ScopedListView):
    list_selector = selectors.programme_list_for
    filter_form_class = ProgrammeFilterForm
    template_name = "programmes/programme_list.html"


class ProgrammeDetail(ProgrammeMixin, ScopedDetailView):
    detail_selector = selectors.programme_detail_for
    template_name = "programmes/programme_detail.html"


class ProgrammeCreate(ProgrammeMixin, ScopedCreateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Nouveau programme")}


class ProgrammeUpdate(ProgrammeMixin, ScopedUpdateView):
    template_name = "programmes/form.html"
    extra_context = {"title": _("Modifier le programme")}
