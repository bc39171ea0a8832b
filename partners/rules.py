"""Pure rules of partners' records, shared by the services and the forms.

Each function returns the French message of a broken rule, or None; nothing here reads the database except
through the arguments it is given.
"""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .enums import DecisionStatus

NO_REGION = gettext_lazy("Choisissez au moins une région.")  # an event's regions: the form and the service


def contact_error(contact, organisation) -> str | None:
    """A partner role's contact must be a person of the role's organisation."""
    if contact is None or organisation is None or contact.organisation_id == organisation.pk:
        return None
    return _("Ce contact n'appartient pas à l'organisation choisie : choisissez une personne de "
             "« %(organisation)s ».") % {"organisation": organisation}


def done_on_error(*, status, done_on, meeting_date) -> str | None:
    """A decision's completion date: given when, and only when, it is done, and not before its meeting."""
    if status == DecisionStatus.DONE and not done_on:
        return _("Indiquez la date à laquelle la décision a été faite.")
    if status and status != DecisionStatus.DONE and done_on:
        return _("Une date de réalisation ne se saisit que pour une décision « Faite » : videz ce champ ou changez "
                 "le suivi.")
    if done_on and meeting_date and done_on < meeting_date:
        return _("Une décision ne peut être faite avant le comité qui l'a prise.")
    return None
