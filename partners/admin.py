from django.contrib import admin

from access import permissions

from . import services
from .models import (
    Contact,
    Decision,
    Event,
    Meeting,
    MeetingAttendee,
    Organisation,
    OrganisationFormerName,
    PartnerRole,
)


class FormerNameInline(admin.TabularInline):
    model = OrganisationFormerName
    extra = 0


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "department", "region", "disp"]
    list_filter = ["kind"]
    search_fields = ["name", "former_names__name"]
    filter_horizontal = ["served_establishments"]
    inlines = [FormerNameInline]

    def get_readonly_fields(self, request, obj=None):
        """The relations that decide who reads names: read only for a staff member who is not an administrator."""
        return [*super().get_readonly_fields(request, obj),
                *permissions.locked_scope_fields(request.user, Organisation)]

    def save_model(self, request, obj, form, change):
        """Through the service, as the application's form: its checks, and the change history names the user."""
        services.organisation_save(organisation=obj, served_establishments=form.cleaned_data.get(
            "served_establishments"), by=request.user)


@admin.register(Contact)
class ContactAdmin(admin.ModelAdmin):
    list_display = ["last_name", "first_name", "organisation", "function", "email", "phone"]
    search_fields = ["last_name", "first_name", "email", "organisation__name"]
    list_select_related = ["organisation"]
    autocomplete_fields = ["organisation"]


@admin.register(PartnerRole)
class PartnerRoleAdmin(admin.ModelAdmin):
    list_display = ["programme", "organisation", "role", "start_date", "end_date", "contact"]
    list_filter = ["role"]
    search_fields = ["programme__code", "organisation__name"]
    list_select_related = ["programme", "organisation", "contact"]
    autocomplete_fields = ["organisation"]
    raw_id_fields = ["programme", "contact"]


class MeetingAttendeeInline(admin.TabularInline):
    model = MeetingAttendee
    extra = 0
    autocomplete_fields = ["organisation"]


class DecisionInline(admin.StackedInline):
    model = Decision
    extra = 0
    autocomplete_fields = ["owner"]


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ["date", "kind", "programme", "establishment"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    search_fields = ["programme__code", "establishment__name", "agenda"]
    list_select_related = ["programme", "establishment"]
    raw_id_fields = ["programme", "establishment"]
    inlines = [MeetingAttendeeInline, DecisionInline]


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["text", "meeting", "owner", "due_date", "status", "done_on"]
    list_filter = ["status"]
    search_fields = ["text", "owner__name"]
    list_select_related = ["meeting__programme", "meeting__establishment", "owner"]
    autocomplete_fields = ["owner"]
    raw_id_fields = ["meeting"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "date"]
    date_hierarchy = "date"
    search_fields = ["title"]
    filter_horizontal = ["regions", "co_organisers", "projects"]
