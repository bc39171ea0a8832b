from django.contrib import admin

from .models import DigestPreference


@admin.register(DigestPreference)
class DigestPreferenceAdmin(admin.ModelAdmin):
    """Who chose what, and when the last digest went out or was refused (the users choose on their own page)."""

    list_display = ("user", "frequency", "last_sent_on", "failed_on")
    list_filter = ("frequency",)
    search_fields = ("user__username", "user__last_name")
    readonly_fields = ("user", "last_sent_on", "failed_on")

    def has_add_permission(self, request):
        return False  # a row is created by the user's choice or by the first digest sent
