from functools import cached_property

from django.utils.translation import gettext_lazy as _

from access import permissions, scope
from accounts.mixins import (
    ExportMixin,
    ParentMixin,
    ScopedCreateView,
    ScopedDetailView,
    ScopedListView,
    ScopedUpdateView,
)

from . import selectors, services
from .forms import (
    ContactForm,
    DecisionForm,
    EventFilterForm,
    EventForm,
    MeetingFilterForm,
    MeetingForm,
    OrganisationFilterForm,
    OrganisationForm,
    PartnerRoleForm,
    attendee_formset,
)
from .models import Contact, Decision, Event, Meeting, Organisation, PartnerRole

FORM_TEMPLATE = "programmes/form.html"


class OrganisationMixin:
    model = Organisation
    list_url_name, list_label = ("partners:organisation_list", _("Organisations"))
    scope_function = scope.organisations_for
    permission_kind = Organisation
    form_class = OrganisationForm

    def save(self, form):
        return services.organisation_save(
            organisation=form.instance,
            served_establishments=form.cleaned_data["served_establishments"],
            by=self.request.user,
        )


class OrganisationList(OrganisationMixin, ExportMixin, ScopedListView):
    list_selector = selectors.organisation_list_for
    export_filename = "organisations"

    def export_rows(self, queryset):
        headers = ["Nom", "Type", "Département", "Région", "Interrégion"]
        return headers, ([o.name, o.get_kind_display(), o.department.name if o.department else "",
                          o.region.name if o.region else "", o.disp.name if o.disp else ""] for o in queryset)
    filter_form_class = OrganisationFilterForm
    template_name = "partners/organisation_list.html"


class OrganisationDetail(OrganisationMixin, ScopedDetailView):
    detail_selector = selectors.organisation_detail_for
    template_name = "partners/organisation_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_edit_contacts"] = permissions.can_edit(self.request.user, Contact)
        context["can_create_contacts"] = permissions.can_create(self.request.user, Contact)
        return context


class OrganisationCreate(OrganisationMixin, ScopedCreateView):
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Nouvelle organisation")}


class OrganisationUpdate(OrganisationMixin, ScopedUpdateView):
    template_name = FORM_TEMPLATE
    extra_context = {"title": _("Modifier l'organisation")}


# --- Pages that create something under an object of the user's scope ------------------------------------


# --- Contacts -------------------------------------------------------------------------------------------


class ContactMixin:
    model = Contact
    list_url_name, list_label = ("partners:organisation_list", _("Organisations"))
    scope_function = scope.contacts_for
    permission_kind = Contact
    form_class = ContactForm
    service = services.contact_save
    template_name = FORM_TEMPLATE


class ContactCreate(ParentMixin, ContactMixin, ScopedCreateView):
    parent_scope_function = scope.organisations_for
    parent_context_name = parent_form_kwarg = "organisation"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Nouveau contact de %(organisation)s") % {
            "organisation": self.parent})


class ContactUpdate(ContactMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier le contact")}


# --- Partner roles ----------------------------------------------------------------------------------------


class PartnerRoleMixin:
    model = PartnerRole
    list_url_name, list_label = ("programmes:programme_list", _("Programmes"))
    scope_function = scope.partner_roles_for
    permission_kind = PartnerRole
    form_class = PartnerRoleForm
    template_name = FORM_TEMPLATE

    def save(self, form):
        return services.partner_role_save(partner_role=form.instance, by=self.request.user)


class PartnerRoleCreate(ParentMixin, PartnerRoleMixin, ScopedCreateView):
    parent_scope_function = scope.programmes_for
    parent_context_name = parent_form_kwarg = "programme"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Nouveau partenaire du programme %(code)s") % {
            "code": self.parent.code})


class PartnerRoleUpdate(PartnerRoleMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier le rôle du partenaire")}

    def get_queryset(self):
        return selectors.partner_role_detail_for(user=self.request.user)


# --- Committees ------------------------------------------------------------------------------------------


class MeetingMixin:
    model = Meeting
    list_url_name, list_label = ("partners:meeting_list", _("Comités"))
    scope_function = scope.meetings_for
    permission_kind = Meeting


class MeetingList(ExportMixin, MeetingMixin, ScopedListView):
    list_selector = selectors.meeting_list_for
    filter_form_class = MeetingFilterForm
    template_name = "partners/meeting_list.html"
    export_filename = "comites"
    export_headers = ("Date", "Instance", "Programme", "Établissement", "Ordre du jour", "Décisions à faire",
                      "Décisions en retard")

    def export_row(self, meeting):
        return (meeting.date, meeting.get_kind_display(), meeting.programme.code if meeting.programme_id else "",
                meeting.establishment.name if meeting.establishment_id else "", meeting.agenda,
                meeting.open_decisions, meeting.overdue_decisions)


class MeetingDetail(MeetingMixin, ScopedDetailView):
    detail_selector = selectors.meeting_detail_for
    template_name = "partners/meeting_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        groups = {}
        for attendee in self.object.attendees.all():
            groups.setdefault(attendee.organisation, []).append(attendee)
        context["attendee_groups"] = list(groups.items())
        context["today"] = selectors._today()
        return context


class MeetingFormMixin(MeetingMixin):
    form_class = MeetingForm
    template_name = "partners/meeting_form.html"

    @cached_property
    def attendees_formset(self):
        data = self.request.POST if self.request.method == "POST" else None
        return attendee_formset(user=self.request.user, meeting=self.object or Meeting(), data=data)

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, formset=self.attendees_formset)

    def form_valid(self, form):
        if not self.attendees_formset.is_valid():
            return self.form_invalid(form)
        return super().form_valid(form)

    def save(self, form):
        return services.meeting_save(meeting=form.instance, attendees=self.attendees_formset.attendees(),
                                     by=self.request.user)


class MeetingCreate(ParentMixin, MeetingFormMixin, ScopedCreateView):
    parent_scope_function = scope.programmes_for
    parent_context_name = parent_form_kwarg = "programme"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Nouveau comité du programme %(code)s") % {
            "code": self.parent.code})


class MeetingCreateForEstablishment(ParentMixin, MeetingFormMixin, ScopedCreateView):
    parent_scope_function = scope.establishments_for
    parent_context_name = parent_form_kwarg = "establishment"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Nouveau comité de l'établissement %(name)s") % {
            "name": self.parent.name})


class MeetingUpdate(MeetingFormMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier le comité")}


class DecisionMixin:
    model = Decision
    list_url_name, list_label = ("partners:meeting_list", _("Comités"))
    scope_function = scope.decisions_for
    permission_kind = Meeting  # decisions are recorded by those who run the committee
    form_class = DecisionForm
    service = services.decision_save
    template_name = FORM_TEMPLATE


class DecisionCreate(ParentMixin, DecisionMixin, ScopedCreateView):
    parent_scope_function = scope.meetings_for
    parent_context_name = parent_form_kwarg = "meeting"

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs, title=_("Nouvelle décision — %(meeting)s") % {
            "meeting": self.parent})


class DecisionUpdate(DecisionMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier la décision")}

    def get_queryset(self):
        return selectors.decision_detail_for(user=self.request.user)


# --- Events -------------------------------------------------------------------------------------------------


class EventMixin:
    model = Event
    list_url_name, list_label = ("partners:event_list", _("Événements"))
    scope_function = scope.events_for
    permission_kind = Event
    form_class = EventForm
    template_name = FORM_TEMPLATE

    def save(self, form):
        return services.event_save(
            event=form.instance, regions=form.cleaned_data["regions"],
            co_organisers=form.cleaned_data["co_organisers"], projects=form.cleaned_data["projects"],
            by=self.request.user,
        )


class EventList(ExportMixin, EventMixin, ScopedListView):
    list_selector = selectors.event_list_for
    filter_form_class = EventFilterForm
    template_name = "partners/event_list.html"
    export_filename = "evenements"
    export_headers = ("Date", "Intitulé", "Régions", "Co-organisateurs", "Lien du replay", "Projets issus")

    def export_row(self, event):
        return (event.date, event.title, ", ".join(r.name for r in event.regions.all()),
                ", ".join(o.name for o in event.co_organisers.all()), event.replay_url, event.project_count)


class EventDetail(EventMixin, ScopedDetailView):
    detail_selector = selectors.event_detail_for
    template_name = "partners/event_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["projects"] = selectors.event_projects_for(user=self.request.user, event=self.object)
        return context


class EventCreate(EventMixin, ScopedCreateView):
    extra_context = {"title": _("Nouvel événement")}


class EventUpdate(EventMixin, ScopedUpdateView):
    extra_context = {"title": _("Modifier l'événement")}
