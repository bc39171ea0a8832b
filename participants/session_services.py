"""The candidate board's two actions, all or nothing: add people as candidates of a recruitment session, and record
the commission's decision for several candidates at once.

Each person goes through the service of one pathway (services.pathway_create, services.pathway_decide), all in one
transaction: any refusal undoes them all and raises ``BulkRefused``, which says who could not be recorded and why.
"""

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from audit.context import records_by

from . import services
from .enums import PathwayStatus
from .models import Pathway, RecruitmentSession

# Errors of pathway_decide that are the same for every person, by the argument of session_decide they are about
# (NON_FIELD_ERRORS: the decision as a whole). The others (the person's status) are said person by person.
_SHARED_BY_FIELD = {"decision": "decision", "decision_reason": "reason", "session": NON_FIELD_ERRORS}


class BulkRefused(Exception):
    """Nothing was recorded. ``people``: [(participant, [French messages])], those refused for their own reason;
    ``shared``: what refused everybody alike, said once (a ValidationError keyed by the action's arguments), or
    None."""

    def __init__(self, people: list, shared: ValidationError | None = None):
        super().__init__(people, shared)
        self.people = people
        self.shared = shared


@records_by
def session_add_candidates(*, session: RecruitmentSession, participants, by) -> int:
    """A candidacy at ``session`` for each of ``participants``: their candidacy in the programme recorded without a
    session is attached to it, otherwise a new one is made; how many were added."""
    participants = list(participants)
    waiting = {pathway.participant_id: pathway for pathway in Pathway.objects.filter(
        participant__in=participants, programme_id=session.programme_id, status=PathwayStatus.CANDIDATE,
        session__isnull=True)}

    def add(person):
        if person.pk in waiting:
            return services.pathway_join_session(pathway=waiting[person.pk], session=session, by=by)
        return services.pathway_create(participant=person, programme=session.programme, session=session, by=by)

    _all_or_nothing((person, lambda person=person: add(person)) for person in participants)
    return len(participants)


@records_by
def session_decide(*, pathways, decision: str, reason: str, versions: dict, by) -> int:
    """The same decision (and reason) for each of ``pathways``; ``versions``: the version of each pathway the user's
    page showed, by its pk (None or absent: no conflict check). How many were decided."""
    pathways = list(pathways)
    _all_or_nothing(
        ((pathway.participant, lambda pathway=pathway: services.pathway_decide(
            pathway=pathway, decision=decision, reason=reason, by=by, expected_version=versions.get(pathway.pk)))
         for pathway in pathways),
        shared_by_field=_SHARED_BY_FIELD,
    )
    return len(pathways)


def _all_or_nothing(steps, *, shared_by_field=None) -> None:
    """Run every ``(participant, callable)`` in one transaction; any refusal undoes them all (BulkRefused)."""
    people, shared = [], {}
    with transaction.atomic():
        for participant, step in steps:
            try:
                step()
            except services.EditConflict:
                people.append((participant, [_(
                    "sa fiche a été modifiée par quelqu'un d'autre pendant votre saisie ; rechargez la page "
                    "pour voir sa situation actuelle.")]))
            except ValidationError as error:
                own = _set_aside_shared(error, shared, shared_by_field or {})
                if own:
                    people.append((participant, own))
            except IntegrityError:  # the same change saved by someone else between the check and the write
                people.append((participant, [_(
                    "quelqu'un d'autre l'a enregistrée au même moment ; rechargez la page pour voir sa "
                    "situation actuelle.")]))
        refused = bool(people or shared)
        if refused:
            transaction.set_rollback(True)
    if refused:
        raise BulkRefused(people, ValidationError(shared) if shared else None)


def _set_aside_shared(error: ValidationError, shared: dict, shared_by_field: dict) -> list[str]:
    """Put the part of ``error`` shared by everybody in ``shared`` (once each); return the person's own part."""
    by_field = error.message_dict if hasattr(error, "error_dict") else {NON_FIELD_ERRORS: error.messages}
    own = []
    for field, texts in by_field.items():
        if field not in shared_by_field:
            own += texts
            continue
        said = shared.setdefault(shared_by_field[field], [])
        said += [text for text in texts if text not in said]
    return own
