"""Administration: read-only. Participants and pathways change only through the application's pages and
services (state machine, version check, log); the admin is for looking, not for bypassing them."""

from django.contrib import admin

from . import selectors
from .models import ContractChange, ImportJob, Participant, Pathway, PathwayLog, RecruitmentSession


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Participant)
class ParticipantAdmin(ReadOnlyAdmin):
    list_display = ["last_name", "first_names", "establishment", "expected_release_date", "stay_ended_on"]
    list_filter = ["establishment"]
    search_fields = ["last_name"]  # the box is shown; the search itself is the application's (person_match)
    exclude = ["work_constraints_note"]

    def get_search_results(self, request, queryset, search_term):
        if not search_term.strip():
            return queryset, False
        return queryset.filter(selectors.person_match(search_term)), False


@admin.register(RecruitmentSession)
class RecruitmentSessionAdmin(ReadOnlyAdmin):
    list_display = ["date", "programme"]
    list_filter = ["programme"]


class PathwayLogInline(admin.TabularInline):
    model = PathwayLog
    fields = ["at", "transition", "from_status", "to_status", "on", "reconstituted", "by_label"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


class ContractChangeInline(admin.TabularInline):
    """The avenants of hours or post (participants.contract_changes): recorded from the pathway page only."""

    model = ContractChange
    fields = ["valid_from", "previous_hours_per_week", "hours_per_week", "previous_post", "post", "reason",
              "recorded_at", "recorded_by_label"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Pathway)
class PathwayAdmin(ReadOnlyAdmin):
    list_display = ["participant", "programme", "status", "contract_start", "exit_on", "outcome"]
    list_filter = ["status", "programme", "exit_reason", "outcome"]
    inlines = [ContractChangeInline, PathwayLogInline]


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyAdmin):
    list_display = ["file_name", "created_by", "created_at", "status", "total_rows"]
    list_filter = ["status"]
