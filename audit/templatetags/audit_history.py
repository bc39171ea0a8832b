from django import template

from audit import history

register = template.Library()


@register.inclusion_tag("audit/_history.html", takes_context=True)
def change_history(context, obj):
    """{% load audit_history %}{% change_history object %}: the "Historique des modifications" of a record, for
    the user looking at its page."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"rows": history.rows_for(obj, user) if user is not None else [], "limit": history.HISTORY_LIMIT}
