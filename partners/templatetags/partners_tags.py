"""The programme page's section on partners and committees (templates/partners/includes/_programme_partners.html)."""

from django import template

from access import permissions
from partners import selectors
from partners.models import Meeting, PartnerRole

register = template.Library()


@register.inclusion_tag("partners/includes/_programme_partners_section.html")
def programme_partners(programme, user):
    """Partners by role and committees of ``programme`` as ``user`` sees them: three queries whatever their number."""
    return {
        **selectors.programme_partners_for(user=user, programme=programme),
        "programme": programme,
        "can_add_role": permissions.can_create(user, PartnerRole),
        "can_edit_role": permissions.can_edit(user, PartnerRole),
        "can_add_meeting": permissions.can_create(user, Meeting),
    }


@register.filter
def name_on(organisation, date):
    """The name an organisation bore on a date: "Pôle emploi Meaux" on a 2017 convention."""
    return organisation.name_on(date) if date else organisation.name
