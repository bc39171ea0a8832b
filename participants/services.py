"""Writes on participants and pathways: lock, check, save, log. Nothing half-saved, nothing overwritten silently.

Every pathway step locks the row (SELECT ... FOR UPDATE), checks the version the user saw
(``expected_version``, from the form), checks the step is allowed from the current status
(rules.ALLOWED_FROM) and its dates, then saves, bumps the version and writes one PathwayLog row.
"""

import datetime

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audit import history
from audit.context import records_by
from core.formatting import format_date
from dashboards import summaries
from programmes import rates
from programmes import rules as programme_rules

from . import rules
from .enums import (
    CLOSED_STATUSES,
    RELEASE_REASONS,
    STAY_ENDING_REASONS,
    ClassificationDecision,
    ContractKind,
    EventKind,
    FollowUpMilestone,
    PathwayStatus,
    SessionDecision,
    Transition,
)
from .models import (
    AccompanimentEvent,
    FollowUp,
    HoursSheet,
    Participant,
    Pathway,
    PathwayLog,
    RecruitmentSession,
    Suspension,
)


class EditConflict(ValidationError):
    """Someone else saved the record after this user opened it; their input is kept by the form."""


def _today() -> datetime.date:
    return timezone.localdate()


def _raise(errors: dict):
    if errors:
        non_field = errors.pop(None, None)
        if non_field:
            errors["__all__"] = non_field
        raise ValidationError(errors)


def user_label(user) -> str:
    """Who did it, as the log shows it: the name and the role at that time."""
    if user is None:
        return _("Système")
    name = user.get_full_name() or user.get_username()
    return f"{name} ({user.get_role_display()})" if getattr(user, "role", "") else name


def _conflict(model_label: str, updated_at) -> EditConflict:
    when = timezone.localtime(updated_at)
    return EditConflict(
        _("%(what)s a été modifié par quelqu'un d'autre le %(date)s à %(time)s, pendant votre saisie. Rien n'a été "
          "enregistré. Votre saisie est conservée ci-dessous : vérifiez la version actuelle, puis enregistrez à "
          "nouveau pour la remplacer.")
        % {"what": model_label, "date": when.strftime("%d/%m/%Y"), "time": when.strftime("%H:%M")},
        code="conflict",
    )


def _lock_pathway(pathway: Pathway, expected_version: int | None) -> Pathway:
    # of=("self",): PostgreSQL refuses FOR UPDATE on the nullable side of the outer join to the session.
    current = (
        Pathway.objects.select_for_update(of=("self",))
        .select_related("session", "participant", "programme")
        .get(pk=pathway.pk)
    )
    if expected_version is not None and current.version != expected_version:
        raise _conflict(_("Ce parcours"), current.updated_at)
    return current


def _log(pathway: Pathway, transition: str, from_status: str, on, by, by_label: str = "") -> PathwayLog:
    return PathwayLog.objects.create(
        pathway=pathway, transition=transition, from_status=from_status, to_status=pathway.status, on=on,
        by=by, by_label=by_label or user_label(by),
    )


def _save_step(pathway: Pathway, transition: str, from_status: str, on, by) -> Pathway:
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    _log(pathway, transition, from_status, on, by)
    return pathway


# --- Participants -------------------------------------------------------------------------------------


def check_participant(participant: Participant, today: datetime.date) -> dict:
    errors = rules.check_birth_date(participant.birth_date, today)
    if participant.stay_ended_on:
        errors |= rules.check_not_future("stay_ended_on", participant.stay_ended_on, today,
                                         _("Le départ de l'établissement"))
        if participant.pk and participant.pathways.exclude(status__in=CLOSED_STATUSES).exists():
            errors["stay_ended_on"] = _(
                "Cette personne a un parcours en cours : enregistrez d'abord sa sortie ou son désistement.")
    if participant.quartier_id and participant.quartier.establishment_id != participant.establishment_id:
        errors["quartier"] = _("Ce quartier n'appartient pas à l'établissement de la personne.")
    if not rules.ecrou_key(participant.ecrou):
        errors["ecrou"] = _("Le numéro d'écrou doit contenir au moins une lettre ou un chiffre.")
    return errors


@records_by
@transaction.atomic
def participant_save(*, participant: Participant, by, expected_version: int | None = None) -> Participant:
    """Create or correct a participant. ``expected_version``: the version the editor's form was built on."""
    born_before = None
    if participant.pk and not participant._state.adding:
        current = Participant.objects.select_for_update().get(pk=participant.pk)
        born_before = current.birth_date
        if expected_version is not None and current.version != expected_version:
            raise _conflict(_("Ce dossier"), current.updated_at)
        if participant.establishment_id != current.establishment_id and current.pathways.exists():
            raise ValidationError({"establishment": _(
                "Cette personne a un parcours dans cet établissement : un transfert se saisit comme une sortie, "
                "puis un nouveau dossier dans le nouvel établissement.")})
        participant.version = current.version + 1
    _raise(check_participant(participant, _today()))
    participant.ecrou = rules.normalise_identifier(participant.ecrou)
    participant.ecrou_key = rules.ecrou_key(participant.ecrou)
    participant.full_clean()
    participant.save()
    if born_before is not None and born_before != participant.birth_date:  # the ages at entry follow a correction
        pathways = list(participant.pathways.filter(contract_start__isnull=False)
                        .only("programme_id", "contract_start", "age_at_entry"))
        for pathway in pathways:
            pathway.fill_age_at_entry(participant)
            Pathway.objects.filter(pk=pathway.pk).update(age_at_entry=pathway.age_at_entry)
        # An .update() sends no signal: the age bands of the dashboards' summaries are refreshed here.
        summaries.refresh({pathway.programme_id for pathway in pathways},
                          {pathway.contract_start for pathway in pathways}, parts=("pathways",))
    return participant


# --- Recruitment sessions -------------------------------------------------------------------------------


@records_by
@transaction.atomic
def session_save(*, session: RecruitmentSession, by) -> RecruitmentSession:
    if session.pk and session.programme_id != RecruitmentSession.objects.get(pk=session.pk).programme_id:
        if session.pathways.exists():
            raise ValidationError({"programme": _("Cette session a des candidat·es : son programme ne change plus.")})
    session.full_clean()
    session.save()
    return session


# --- Pathway steps ------------------------------------------------------------------------------------


@records_by
@transaction.atomic
def pathway_create(*, participant: Participant, programme, session: RecruitmentSession | None = None,
                   by) -> Pathway:
    """A candidacy: the person stays in the programme's establishment and has no open pathway in it.

    The participant row is locked, so two simultaneous candidacies (or a candidacy and a release) are
    checked one after the other and the second gets the French message, not a database error."""
    participant = Participant.objects.select_for_update().get(pk=participant.pk)
    errors = {}
    if programme.establishment_id != participant.establishment_id:
        errors["programme"] = _("Ce programme se déroule dans un autre établissement que celui de la personne.")
    if participant.stay_ended_on:
        errors["programme"] = _("Cette personne a quitté l'établissement le %(date)s.") % {
            "date": format_date(participant.stay_ended_on)}
    if session is not None and session.programme_id != programme.pk:
        errors["session"] = _("Cette session appartient à un autre programme.")
    _raise(errors)
    pathway = Pathway(participant=participant, programme=programme, session=session,
                      status=PathwayStatus.CANDIDATE)
    pathway.full_clean()
    pathway.save()
    _log(pathway, Transition.CREATE, "", session.date if session else _today(), by)
    return pathway


@records_by
@transaction.atomic
def pathway_join_session(*, pathway: Pathway, session: RecruitmentSession, by) -> Pathway:
    """A candidacy recorded without a session, attached to one (the session's board, issue 18 §5): no decision yet."""
    pathway = _lock_pathway(pathway, None)
    if session.programme_id != pathway.programme_id:
        _raise({"session": _("Cette session appartient à un autre programme.")})
    if pathway.status != PathwayStatus.CANDIDATE or pathway.session_id is not None:
        _raise({None: _("Cette candidature est déjà rattachée à une session, ou a déjà reçu une décision.")})
    pathway.session = session
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    return pathway


_DECISION_STATUS = {
    SessionDecision.SELECTED: PathwayStatus.SELECTED,
    SessionDecision.NOT_SELECTED: PathwayStatus.NOT_SELECTED,
    SessionDecision.WITHDRAWN: PathwayStatus.WITHDRAWN,
}


@records_by
@transaction.atomic
def pathway_decide(*, pathway: Pathway, decision: str, reason: str = "", session: RecruitmentSession | None = None,
                   by, expected_version: int | None = None) -> Pathway:
    """The selection commission's decision for a candidate (selected, not selected, withdrawn)."""
    pathway = _lock_pathway(pathway, expected_version)
    errors = rules.check_allowed(Transition.DECIDE, pathway.status)
    _raise(errors)
    if session is not None:
        if session.programme_id != pathway.programme_id:
            _raise({"session": _("Cette session appartient à un autre programme.")})
        pathway.session = session
    if pathway.session is None:
        _raise({"session": _("Rattachez d'abord la candidature à une session de recrutement.")})
    _raise(rules.check_not_future("session", pathway.session.date, _today(), _("La commission de sélection")))
    if decision not in _DECISION_STATUS:
        _raise({"decision": _("Choisissez une décision : retenu·e, non retenu·e ou désisté·e.")})
    if decision == SessionDecision.NOT_SELECTED and not reason.strip():
        _raise({"decision_reason": _("Indiquez le motif de la non-sélection.")})
    before = pathway.status
    pathway.decision, pathway.decision_reason = decision, reason.strip()
    pathway.status = _DECISION_STATUS[decision]
    if decision == SessionDecision.WITHDRAWN:
        pathway.withdrawn_on = pathway.session.date
    return _save_step(pathway, Transition.DECIDE, before, pathway.session.date, by)


def _previous_step_date(pathway: Pathway):
    dates = [pathway.session.date if pathway.session else None, pathway.classified_on, pathway.assigned_on]
    dates = [day for day in dates if day]
    return max(dates) if dates else None


@records_by
@transaction.atomic
def pathway_classify(*, pathway: Pathway, opinion: str, on: datetime.date, by,
                     decision: str = ClassificationDecision.GRANTED, reason: str = "",
                     expected_version: int | None = None) -> Pathway:
    """The establishment head's decision on the classification for work, after the CPU's opinion: granted (the
    pathway goes on to the assignment) or refused, with its reason (the pathway closes: « Classement refusé »)."""
    pathway = _lock_pathway(pathway, expected_version)
    errors = rules.check_allowed(Transition.CLASSIFY, pathway.status)
    _raise(errors)
    _raise(rules.check_required("classified_on", on, _("la date de la décision de classement")))
    errors = rules.check_not_future("classified_on", on, _today(), _("Le classement"))
    errors |= rules.check_not_before("classified_on", on, _previous_step_date(pathway), _(
        "Le classement (%(date)s) ne peut pas précéder la commission de sélection (%(earlier)s)."))
    if not opinion:
        errors["cpu_opinion"] = _("Indiquez l'avis de la CPU.")
    if decision not in ClassificationDecision.values:
        errors["classification_decision"] = _("Indiquez la décision : classement accordé ou refusé.")
    elif decision == ClassificationDecision.REFUSED and not reason.strip():
        errors["classification_refusal_reason"] = _("Indiquez le motif du refus de classement.")
    elif decision == ClassificationDecision.GRANTED and reason.strip():
        errors["classification_refusal_reason"] = _("Le motif ne se saisit que pour un refus de classement.")
    _raise(errors)
    before = pathway.status
    pathway.cpu_opinion, pathway.classified_on = opinion, on
    if decision == ClassificationDecision.REFUSED:
        pathway.status, pathway.classification_refusal_reason = PathwayStatus.NOT_CLASSIFIED, reason.strip()
    else:
        pathway.status = PathwayStatus.CLASSIFIED
    return _save_step(pathway, Transition.CLASSIFY, before, on, by)


@records_by
@transaction.atomic
def pathway_assign(*, pathway: Pathway, on: datetime.date, by, expected_version: int | None = None) -> Pathway:
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.ASSIGN, pathway.status))
    _raise(rules.check_required("assigned_on", on, _("la date de la décision d'affectation")))
    errors = rules.check_not_future("assigned_on", on, _today(), _("L'affectation"))
    errors |= rules.check_not_before("assigned_on", on, _previous_step_date(pathway), _(
        "L'affectation (%(date)s) ne peut pas précéder l'étape précédente (%(earlier)s)."))
    _raise(errors)
    before = pathway.status
    pathway.assigned_on, pathway.status = on, PathwayStatus.ASSIGNED
    return _save_step(pathway, Transition.ASSIGN, before, on, by)


def _workshop_frame(field: str, programme, day) -> dict:
    """The programme open and an implantation contract in force on ``day`` (programmes.rules)."""
    messages = programme_rules.workshop_frame_errors(programme, day) if day else []
    return {field: messages} if messages else {}


@records_by
@transaction.atomic
def pathway_start(*, pathway: Pathway, start: datetime.date, hours_per_week=None, hourly_pay=None,
                  signed_on: datetime.date | None = None, by, expected_version: int | None = None) -> Pathway:
    """Entry in the workshop: the contract (acte d'engagement before 1 May 2022, CEP from then) starts."""
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.START, pathway.status))
    _raise(rules.check_required("contract_start", start, _("la date d'entrée en atelier")))
    _raise(rules.check_contract(
        start=start, signed_on=signed_on, hours_per_week=hours_per_week, hourly_pay=hourly_pay,
        smic=rates.smic_or_none(start, rates.territory_of_pathway(pathway)) if start else None,
        earliest=_previous_step_date(pathway), today=_today(),
    ))
    _raise(_workshop_frame("contract_start", pathway.programme, start))
    kind = rules.contract_kind_on(start)
    _raise(rules.contract_kind_errors("contract_start", start, kind))
    before = pathway.status
    pathway.contract_start, pathway.contract_kind = start, kind
    pathway.fill_age_at_entry()
    pathway.contract_signed_on, pathway.hours_per_week, pathway.hourly_pay = signed_on, hours_per_week, hourly_pay
    pathway.status = PathwayStatus.IN_WORKSHOP
    return _save_step(pathway, Transition.START, before, start, by)


@records_by
@transaction.atomic
def pathway_update_contract(*, pathway: Pathway, signed_on, hours_per_week, hourly_pay, by,
                            expected_version: int | None = None) -> Pathway:
    """Complete or correct the contract of a pathway already in the workshop (or out of it)."""
    pathway = _lock_pathway(pathway, expected_version)
    if not pathway.contract_start:
        _raise({None: _("Ce parcours n'a pas encore de contrat : enregistrez d'abord l'entrée en atelier.")})
    if hourly_pay != pathway.hourly_pay and pathway.pay_rates.exists():
        # The pay history (participants.pay) starts from the contract's rate: a new rate is a revaluation.
        _raise({"hourly_pay": _("La rémunération de ce contrat a été revalorisée : une nouvelle rémunération "
                                "s'enregistre par une revalorisation, à partir d'une date.")})
    if hours_per_week != pathway.hours_per_week and pathway.contract_changes.filter(
            hours_per_week__isnull=False).exists():
        # The hours' history (participants.contract_changes) starts from the contract's: a change is an avenant.
        _raise({"hours_per_week": _("La durée du travail de ce contrat a été modifiée par avenant : une nouvelle "
                                    "durée s'enregistre par un avenant, à partir d'une date.")})
    _raise(rules.check_contract(
        start=pathway.contract_start, signed_on=signed_on, hours_per_week=hours_per_week, hourly_pay=hourly_pay,
        smic=rates.smic_or_none(pathway.contract_start, rates.territory_of_pathway(pathway)), earliest=None,
        today=_today(),
    ))
    pathway.contract_signed_on, pathway.hours_per_week, pathway.hourly_pay = signed_on, hours_per_week, hourly_pay
    return _save_step(pathway, Transition.EDIT, pathway.status, None, by)


@records_by
@transaction.atomic
def pathway_convert_to_cep(*, pathway: Pathway, on: datetime.date, hours_per_week=None, hourly_pay=None,
                           signed_on: datetime.date | None = None, by,
                           expected_version: int | None = None) -> Pathway:
    """An open acte d'engagement becomes a contrat d'emploi pénitentiaire from ``on``; the acte ends the day before.
    The CEP needs what any new contract needs (programme open, implantation contract in force, hours, pay floor).
    The log gets both: the end of the acte (the day before) and the start of the CEP."""
    pathway = _lock_pathway(pathway, expected_version)
    today = _today()
    _raise(rules.check_conversion(pathway=pathway, on=on, today=today))
    _raise(rules.check_contract(
        start=on, signed_on=signed_on, hours_per_week=hours_per_week, hourly_pay=hourly_pay,
        smic=rates.smic_or_none(on, rates.territory_of_pathway(pathway)), earliest=None, today=today,
    ))
    last = pathway.suspensions.order_by("-start").first()
    if last is not None:
        _raise(rules.check_not_before("cep_start", on, last.end or last.start, _(
            "Le contrat d'emploi pénitentiaire (%(date)s) ne peut pas commencer avant la dernière suspension ou "
            "reprise (%(earlier)s).")))
    _raise(_workshop_frame("cep_start", pathway.programme, on))
    _raise(rules.contract_kind_errors("cep_start", on, ContractKind.CEP))
    status = pathway.status
    pathway.contract_kind, pathway.cep_from = ContractKind.CEP, on
    pathway.contract_signed_on, pathway.hours_per_week, pathway.hourly_pay = signed_on, hours_per_week, hourly_pay
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    _log(pathway, Transition.END_ACT, status, on - datetime.timedelta(days=1), by)
    _log(pathway, Transition.CONVERT, status, on, by)
    return pathway


@records_by
@transaction.atomic
def pathway_suspend(*, pathway: Pathway, start: datetime.date, reason: str, by,
                    expected_version: int | None = None) -> Pathway:
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.SUSPEND, pathway.status))
    _raise(rules.check_required("start", start, _("la date de début de la suspension")))
    last = pathway.suspensions.order_by("-start").first()
    earliest = max(day for day in [pathway.contract_start, last.end if last else None] if day)
    errors = rules.check_not_future("start", start, _today(), _("La suspension"))
    errors |= rules.check_not_before("start", start, earliest, _(
        "La suspension (%(date)s) ne peut pas précéder l'entrée en atelier ou la dernière reprise (%(earlier)s)."))
    if not reason:
        errors["reason"] = _("Indiquez le motif de la suspension.")
    _raise(errors)
    Suspension.objects.create(pathway=pathway, start=start, reason=reason)
    before = pathway.status
    pathway.status = PathwayStatus.SUSPENDED
    return _save_step(pathway, Transition.SUSPEND, before, start, by)


@records_by
@transaction.atomic
def pathway_resume(*, pathway: Pathway, on: datetime.date, by, expected_version: int | None = None) -> Pathway:
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.RESUME, pathway.status))
    _raise(rules.check_required("on", on, _("la date de reprise")))
    suspension = pathway.suspensions.get(end__isnull=True)
    errors = rules.check_not_future("on", on, _today(), _("La reprise"))
    errors |= rules.check_not_before("on", on, suspension.start, _(
        "La reprise (%(date)s) ne peut pas précéder la suspension (%(earlier)s)."))
    _raise(errors)
    suspension.end = on
    suspension.save(update_fields=["end"])
    before = pathway.status
    pathway.status = PathwayStatus.IN_WORKSHOP
    return _save_step(pathway, Transition.RESUME, before, on, by)


@records_by
@transaction.atomic
def pathway_exit(*, pathway: Pathway, on: datetime.date, reason: str, outcome: str = "", adjustment: str = "",
                 return_reason: str = "", job_contract: str = "", job_months: int | None = None, note: str = "",
                 by, expected_version: int | None = None) -> Pathway:
    """Exit from the programme. An empty ``outcome`` takes the reason's default (rules.default_outcome) when it
    has one; a release or a transfer ends the person's stay in the establishment."""
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.EXIT, pathway.status))
    _raise(rules.check_required("exit_on", on, _("la date de sortie")))
    outcome = outcome or rules.default_outcome(reason)
    last_suspension = pathway.suspensions.order_by("-start").first()
    open_suspension = last_suspension if last_suspension and last_suspension.end is None else None
    errors = rules.check_exit(on=on, entry=pathway.contract_start, reason=reason, outcome=outcome,
                              adjustment=adjustment, return_reason=return_reason, job_contract=job_contract,
                              job_months=job_months, today=_today())
    if not errors and last_suspension:
        errors = rules.check_not_before("exit_on", on, last_suspension.end or last_suspension.start, _(
            "La sortie (%(date)s) ne peut pas précéder la dernière suspension ou reprise (%(earlier)s)."))
    _raise(errors)
    if open_suspension:
        open_suspension.end = on
        open_suspension.save(update_fields=["end"])
    before = pathway.status
    pathway.exit_on, pathway.exit_reason, pathway.outcome = on, reason, outcome
    pathway.adjustment, pathway.return_reason = adjustment, return_reason
    pathway.job_contract, pathway.job_months, pathway.exit_note = job_contract, job_months, note.strip()
    pathway.status = PathwayStatus.EXITED
    if reason in STAY_ENDING_REASONS:
        participant = Participant.objects.select_for_update().get(pk=pathway.participant_id)
        participant.stay_ended_on = on
        participant.version += 1
        participant.save(update_fields=["stay_ended_on", "version", "updated_at"])
    return _save_step(pathway, Transition.EXIT, before, on, by)


@records_by
@transaction.atomic
def pathway_withdraw(*, pathway: Pathway, on: datetime.date, reason: str = "", by,
                     expected_version: int | None = None) -> Pathway:
    """The candidate gives up before entering the workshop."""
    pathway = _lock_pathway(pathway, expected_version)
    _raise(rules.check_allowed(Transition.WITHDRAW, pathway.status))
    _raise(rules.check_required("withdrawn_on", on, _("la date du désistement")))
    errors = rules.check_not_future("withdrawn_on", on, _today(), _("Le désistement"))
    errors |= rules.check_not_before("withdrawn_on", on, _previous_step_date(pathway), _(
        "Le désistement (%(date)s) ne peut pas précéder l'étape précédente (%(earlier)s)."))
    _raise(errors)
    before = pathway.status
    pathway.status, pathway.withdrawn_on = PathwayStatus.WITHDRAWN, on
    pathway.decision_reason = reason.strip() or pathway.decision_reason
    if before == PathwayStatus.CANDIDATE:
        pathway.decision = SessionDecision.WITHDRAWN
    return _save_step(pathway, Transition.WITHDRAW, before, on, by)


# --- Timeline and follow-up ---------------------------------------------------------------------------

# Appointments may be booked ahead; everything else records what happened.
PLANNABLE_EVENTS = frozenset({EventKind.FRANCE_TRAVAIL, EventKind.MISSION_LOCALE})
PLANNING_HORIZON = relativedelta(years=1)


def month_validated_errors(pathway: Pathway, month: datetime.date, field: str | None) -> dict:
    """The hours of a month whose sheet the SIAE validated change only on that sheet, as a correction with its reason
    (participants.hours.sheet_save): not from the timeline."""
    month = month.replace(day=1)
    if HoursSheet.objects.filter(programme_id=pathway.programme_id, month=month, validated_at__isnull=False).exists():
        return {field: _("La feuille d'heures de %(month)s est validée : les heures de ce mois se corrigent sur la "
                         "feuille du mois, avec le motif de la correction.") % {"month": month.strftime("%m/%Y")}}
    return {}


@records_by
@transaction.atomic
def event_record(*, pathway: Pathway, kind: str, on: datetime.date, end_on=None, detail: str = "", hours=None,
                 adjustment_decision: str = "", by) -> AccompanimentEvent:
    """Add an item to the accompaniment timeline. Monthly hours are dated on the first of their month.

    The pathway row is locked so that two saves of the same month's hours are checked one after the other."""
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    today = _today()
    _raise(rules.check_required("on", on, _("la date")))
    errors = {}
    if kind == EventKind.HOURS_WORKED:
        on = on.replace(day=1)
        if not pathway.contract_start:
            errors["kind"] = _("Les heures travaillées se saisissent après l'entrée en atelier.")
        elif on < pathway.contract_start.replace(day=1) or on > (pathway.exit_on or today):
            errors["on"] = _("Ce mois est hors de la période en atelier.")
        if hours is None:
            errors["hours"] = _("Indiquez le nombre d'heures travaillées du mois.")
        errors |= month_validated_errors(pathway, on, "on")
    elif hours is not None:
        errors["hours"] = _("Les heures se saisissent avec le type « Heures travaillées du mois ».")
    horizon = today + PLANNING_HORIZON if kind in PLANNABLE_EVENTS else today
    errors |= rules.check_not_future("on", on, horizon, _("Cette date"))
    if kind == EventKind.ADJUSTMENT_DECISION and not adjustment_decision:
        errors["adjustment_decision"] = _("Indiquez la décision du juge de l'application des peines.")
    if kind != EventKind.ADJUSTMENT_DECISION and adjustment_decision:
        errors["adjustment_decision"] = _("La décision ne se saisit que pour une décision d'aménagement.")
    _raise(errors)
    event = AccompanimentEvent(
        pathway=pathway, kind=kind, on=on, end_on=end_on, detail=detail.strip(), hours=hours,
        adjustment_decision=adjustment_decision, recorded_by=by, recorded_by_label=user_label(by),
    )
    event.full_clean()
    event.save()
    return event


@records_by
@transaction.atomic
def event_delete(*, event: AccompanimentEvent, by) -> None:
    """Removes a timeline item; the pathway's history keeps what it was and who had recorded it."""
    if event.kind == EventKind.HOURS_WORKED:
        _raise(month_validated_errors(event.pathway, event.on, None))
    what = _("%(kind)s du %(date)s, saisie par %(author)s") % {
        "kind": event.get_kind_display(), "date": event.on.strftime("%d/%m/%Y"), "author": event.recorded_by_label}
    event.delete()
    history.record_removal(event.pathway, _("Action d'accompagnement supprimée"), what)


def follow_up_due_on(pathway: Pathway, milestone: int) -> datetime.date | None:
    if pathway.exit_on is None or pathway.exit_reason not in RELEASE_REASONS:
        return None
    return pathway.exit_on + relativedelta(months=milestone)


@records_by
@transaction.atomic
def follow_up_record(*, pathway: Pathway, milestone: int, reached: bool, contacted_on: datetime.date,
                     situation: str = "", continued_in_siae: bool = False, note: str = "", by) -> FollowUp:
    """Record (or correct) the follow-up at +3, +6 or +12 months after a release."""
    if milestone not in FollowUpMilestone.values:
        _raise({"milestone": _("L'échéance du suivi est de 3, 6 ou 12 mois.")})
    pathway = Pathway.objects.select_for_update(of=("self",)).get(pk=pathway.pk)
    _raise(rules.check_required("contacted_on", contacted_on, _("la date du contact")))
    errors = {}
    if pathway.status != PathwayStatus.EXITED or pathway.exit_reason not in RELEASE_REASONS:
        errors[None] = _("Le suivi après la libération se saisit pour un parcours terminé par une libération.")
    else:
        errors |= rules.check_not_before("contacted_on", contacted_on, pathway.exit_on, _(
            "Le contact (%(date)s) ne peut pas précéder la libération (%(earlier)s)."))
    errors |= rules.check_not_future("contacted_on", contacted_on, _today(), _("Le contact"))
    if reached and not situation:
        errors["situation"] = _("Indiquez la situation de la personne jointe.")
    if not reached and (situation or continued_in_siae):
        errors["situation"] = _("La situation ne se saisit que si la personne a été jointe.")
    _raise(errors)
    follow_up = FollowUp.objects.filter(pathway=pathway, milestone=milestone).first() or FollowUp(
        pathway=pathway, milestone=milestone
    )
    follow_up.reached, follow_up.contacted_on, follow_up.situation = reached, contacted_on, situation
    follow_up.continued_in_siae, follow_up.note = continued_in_siae, note.strip()
    follow_up.recorded_by, follow_up.recorded_by_label = by, user_label(by)
    follow_up.full_clean()
    follow_up.save()
    return follow_up
