"""{% hours_sheet_url programme %}: the current month's hours sheet of a programme for the user, or "" for a role
that does not enter the hours (access.permissions.can_edit_hours)."""

from django import template
from django.urls import reverse
from django.utils import timezone

from access import permissions

register = template.Library()


@register.simple_tag(takes_context=True)
def hours_sheet_url(context, programme) -> str:
    user = context.get("user")
    if user is None or not permissions.can_edit_hours(user):
        return ""
    month = timezone.localdate()
    return reverse("participants:hours_sheet", args=[programme.pk, month.year, month.month])
