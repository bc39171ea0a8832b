"""The access log and the change history in the administration (/gestion/): search, read only.

Only superusers and administrators (role ADMIN) see them, even if another account is given staff status."""

from django.contrib import admin

from accounts.enums import Role
from participants.admin import ReadOnlyAdmin

from .models import AccessLog, ChangeRecord


class ReadOnlyAuditAdmin(ReadOnlyAdmin):
    list_per_page = 50
    show_full_result_count = False  # a COUNT(*) over a year of log on every page is not needed
    date_hierarchy = "at"
    ordering = ["-at", "-pk"]

    @staticmethod
    def _administrator(request) -> bool:
        user = request.user
        return user.is_active and user.is_staff and (user.is_superuser or user.role == Role.ADMIN)

    def has_module_permission(self, request):
        return self._administrator(request)

    def has_view_permission(self, request, obj=None):
        return self._administrator(request)


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAuditAdmin):
    list_display = ["at", "user_label", "action", "object_type", "object_id", "route", "detail"]
    list_filter = ["action", "at"]
    search_fields = ["user_label", "object_id", "route"]


@admin.register(ChangeRecord)
class ChangeRecordAdmin(ReadOnlyAuditAdmin):
    list_display = ["at", "user_label", "action", "object_type", "object_id"]
    list_filter = ["action", "object_type", "at"]
    search_fields = ["user_label", "object_id"]
