"""Pages of partners, committees and events: each fetches its object through selectors.get_<model>_for (404
outside the user's scope), checks the role (403: access.permissions.require), validates a form, calls one service,
renders."""

from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from access import permissions
from core.views import crumb, edit_page, link_to, list_page, object_page, posted, require_form_methods
from programmes.exports import table_response
from programmes.selectors import get_establishment_for, get_programme_for

from . import forms, selectors, services
from .models import Contact, Decision, Event, Meeting, Organisation, PartnerRole

FORM = "programmes/form.html"
ORGANISATIONS = crumb(_("Organisations"), reverse_lazy("partners:organisation_list"))
MEETINGS = crumb(_("Comités"), reverse_lazy("partners:meeting_list"))
EVENTS = crumb(_("Événements"), reverse_lazy("partners:event_list"))
PROGRAMMES = crumb(_("Programmes"), reverse_lazy("programmes:programme_list"))


# --- Organisations and their contacts ---------------------------------------------------------------------


@require_safe
def organisation_list(request):
    return list_page(
        request, "partners/organisation_list.html", selector=selectors.organisation_list_for,
        filter_form_class=forms.OrganisationFilterForm, title=_("Organisations"),
        can_create=permissions.can_create(request.user, Organisation),
        export=lambda organisations, fmt: table_response(
            filename="organisations", fmt=fmt, headers=["Nom", "Type", "Département", "Région", "Interrégion"],
            rows=([o.name, o.get_kind_display(), o.department.name if o.department else "",
                   o.region.name if o.region else "", o.disp.name if o.disp else ""] for o in organisations),
        ),
    )


@require_safe
def organisation_detail(request, pk):
    organisation, can_edit = selectors.get_organisation_for(request.user, pk)
    return object_page(
        request, "partners/organisation_detail.html", organisation, parent=ORGANISATIONS, can_edit=can_edit,
        can_edit_contacts=permissions.can_edit(request.user, Contact),
        can_create_contacts=permissions.can_create(request.user, Contact),
    )


def _save_organisation(request, form):
    return lambda: services.organisation_save(
        organisation=form.instance, served_establishments=form.cleaned_data.get("served_establishments"),
        by=request.user,
    )


@require_form_methods
def organisation_create(request):
    permissions.require(permissions.can_create(request.user, Organisation))
    form = forms.OrganisationForm(posted(request), user=request.user)
    return edit_page(request, FORM, form, _save_organisation(request, form), title=_("Nouvelle organisation"),
                     parent=ORGANISATIONS)


@require_form_methods
def organisation_update(request, pk):
    organisation, can_edit = selectors.get_organisation_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.OrganisationForm(posted(request), instance=organisation, user=request.user)
    return edit_page(request, FORM, form, _save_organisation(request, form), title=_("Modifier l'organisation"),
                     parent=ORGANISATIONS, current=organisation)


@require_form_methods
def contact_create(request, pk):
    organisation, _can_edit = selectors.get_organisation_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, Contact))
    form = forms.ContactForm(posted(request), user=request.user, organisation=organisation)
    return edit_page(request, FORM, form, lambda: services.contact_save(contact=form.instance, by=request.user),
                     title=_("Nouveau contact de %(organisation)s") % {"organisation": organisation},
                     parent=link_to(organisation))


@require_form_methods
def contact_update(request, pk):
    contact, can_edit = selectors.get_contact_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.ContactForm(posted(request), instance=contact, user=request.user)
    return edit_page(request, FORM, form, lambda: services.contact_save(contact=form.instance, by=request.user),
                     title=_("Modifier le contact"), parent=ORGANISATIONS, current=contact)


# --- Partner roles in a programme -------------------------------------------------------------------------


@require_form_methods
def role_create(request, pk):
    programme, _can_edit = get_programme_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, PartnerRole))
    form = forms.PartnerRoleForm(posted(request), user=request.user, programme=programme)
    return edit_page(
        request, FORM, form, lambda: services.partner_role_save(partner_role=form.instance, by=request.user),
        title=_("Nouveau partenaire du programme %(code)s") % {"code": programme.code}, parent=link_to(programme),
    )


@require_form_methods
def role_update(request, pk):
    role, can_edit = selectors.get_partner_role_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.PartnerRoleForm(posted(request), instance=role, user=request.user)
    return edit_page(
        request, FORM, form, lambda: services.partner_role_save(partner_role=form.instance, by=request.user),
        title=_("Modifier le rôle du partenaire"), parent=PROGRAMMES, current=role,
    )


# --- Committees and their decisions -----------------------------------------------------------------------


@require_safe
def meeting_list(request):
    return list_page(
        request, "partners/meeting_list.html", selector=selectors.meeting_list_for,
        filter_form_class=forms.MeetingFilterForm, title=_("Comités"),
        can_create=permissions.can_create(request.user, Meeting),
        export=lambda meetings, fmt: table_response(
            filename="comites", fmt=fmt,
            headers=["Date", "Instance", "Programme", "Établissement", "Ordre du jour", "Décisions à faire",
                     "Décisions en retard"],
            rows=([m.date, m.get_kind_display(), m.programme.code if m.programme_id else "",
                   m.establishment.name if m.establishment_id else "", m.agenda, m.open_decisions,
                   m.overdue_decisions] for m in meetings),
        ),
    )


@require_safe
def meeting_detail(request, pk):
    meeting, can_edit = selectors.get_meeting_for(request.user, pk)
    groups = {}
    for attendee in meeting.attendees.all():
        groups.setdefault(attendee.organisation, []).append(attendee)
    return object_page(
        request, "partners/meeting_detail.html", meeting, parent=MEETINGS, can_edit=can_edit,
        can_create=permissions.can_create(request.user, Decision), attendee_groups=list(groups.items()),
        today=selectors._today(),
    )


def _meeting_form(request, form, **page):
    """The committee's fields and its attendance list (a formset), saved together."""
    formset = forms.attendee_formset(user=request.user, meeting=form.instance if form.instance.pk else Meeting(),
                                     data=posted(request))
    return edit_page(
        request, "partners/meeting_form.html", form, lambda: services.meeting_save(
            meeting=form.instance, attendees=formset.attendees(), by=request.user),
        formsets=[formset], formset=formset, **page,
    )


@require_form_methods
def meeting_create(request, pk):
    programme, _can_edit = get_programme_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, Meeting))
    form = forms.MeetingForm(posted(request), user=request.user, programme=programme)
    return _meeting_form(request, form, title=_("Nouveau comité du programme %(code)s") % {"code": programme.code},
                         parent=link_to(programme))


@require_form_methods
def meeting_create_establishment(request, pk):
    establishment, _can_edit = get_establishment_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, Meeting))
    form = forms.MeetingForm(posted(request), user=request.user, establishment=establishment)
    return _meeting_form(request, form, parent=link_to(establishment),
                         title=_("Nouveau comité de l'établissement %(name)s") % {"name": establishment.name})


@require_form_methods
def meeting_update(request, pk):
    meeting, can_edit = selectors.get_meeting_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.MeetingForm(posted(request), instance=meeting, user=request.user)
    return _meeting_form(request, form, title=_("Modifier le comité"), parent=MEETINGS, current=meeting)


@require_form_methods
def decision_create(request, pk):
    meeting, _can_edit = selectors.get_meeting_for(request.user, pk)
    permissions.require(permissions.can_create(request.user, Decision))
    form = forms.DecisionForm(posted(request), user=request.user, meeting=meeting)
    return edit_page(request, FORM, form, lambda: services.decision_save(decision=form.instance, by=request.user),
                     title=_("Nouvelle décision — %(meeting)s") % {"meeting": meeting}, parent=link_to(meeting))


@require_form_methods
def decision_update(request, pk):
    decision, can_edit = selectors.get_decision_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.DecisionForm(posted(request), instance=decision, user=request.user)
    return edit_page(request, FORM, form, lambda: services.decision_save(decision=form.instance, by=request.user),
                     title=_("Modifier la décision"), parent=MEETINGS, current=decision)


# --- Events -------------------------------------------------------------------------------------------------


@require_safe
def event_list(request):
    return list_page(
        request, "partners/event_list.html", selector=selectors.event_list_for,
        filter_form_class=forms.EventFilterForm, title=_("Événements"),
        can_create=permissions.can_create(request.user, Event),
        export=lambda events, fmt: table_response(
            filename="evenements", fmt=fmt,
            headers=["Date", "Intitulé", "Régions", "Co-organisateurs", "Lien du replay", "Projets issus"],
            rows=([event.date, event.title, ", ".join(r.name for r in event.regions.all()),
                   ", ".join(o.name for o in event.co_organisers.all()), event.replay_url, event.project_count]
                  for event in events),
        ),
    )


@require_safe
def event_detail(request, pk):
    event, can_edit = selectors.get_event_for(request.user, pk)
    return object_page(request, "partners/event_detail.html", event, parent=EVENTS, can_edit=can_edit,
                       projects=selectors.event_projects_for(user=request.user, event=event))


def _save_event(request, form):
    return lambda: services.event_save(
        event=form.instance, regions=form.cleaned_data["regions"], co_organisers=form.cleaned_data["co_organisers"],
        projects=form.cleaned_data["projects"], by=request.user,
    )


@require_form_methods
def event_create(request):
    permissions.require(permissions.can_create(request.user, Event))
    form = forms.EventForm(posted(request), user=request.user)
    return edit_page(request, FORM, form, _save_event(request, form), title=_("Nouvel événement"), parent=EVENTS)


@require_form_methods
def event_update(request, pk):
    event, can_edit = selectors.get_event_for(request.user, pk)
    permissions.require(can_edit)
    form = forms.EventForm(posted(request), instance=event, user=request.user)
    return edit_page(request, FORM, form, _save_event(request, form), title=_("Modifier l'événement"),
                     parent=EVENTS, current=event)
