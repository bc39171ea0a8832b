"""The contract's changes of weekly hours or post (issue 17 §3, the avenant) and the skills the pathway leaves.

``Pathway.hours_per_week`` and ``Pathway.post`` are the values in force today; each ContractChange row changes one or
both from ``valid_from`` and keeps the values it replaced, so the values in force on any day are known without a row
for the contract's start (``hours_on``, ``post_on``). A change is never dated in the future and each follows the
previous one, so the current values are always the last row's. The hours worked stay the timeline's monthly
HOURS_WORKED rows: a change of weekly hours alters no past month, no hours sheet, no dashboard.

``skills_record``: the skills acquired, printed on the attestation de fin de parcours (shown to an employer or to
France Travail: no word of the justice system in them).
"""

import datetime
import re
import unicodedata
from decimal import Decimal

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import records_by
from core.formatting import format_date

from . import rules, services
from .enums import PathwayStatus, Transition
from .models import ContractChange, Pathway

# A contract that exists: the pathway entered the workshop (in it, suspended, or since left).
CHANGEABLE_STATUSES = frozenset({PathwayStatus.IN_WORKSHOP, PathwayStatus.SUSPENDED, PathwayStatus.EXITED})
MAX_SKILLS, MAX_SKILL_LENGTH = 10, 150
# Words an attestation shown to an employer never says (accents and case folded; each the start of a word).
JUDICIAL_WORDS = ("detention", "detenu", "codetenu", "ecrou", "prison", "penitentiaire", "incarcer", "spip", "cpip",
                  "jap", "juge", "justice", "tribunal", "condamn", "peine", "permission de sortir")


def hours_label(value: Decimal | None) -> str:
    """Decimal("24.0") -> "24 h", Decimal("17.5") -> "17,5 h" (a non-breaking space), None -> "—"."""
    if value is None:
        return "—"
    return f"{value.normalize():f}".replace(".", ",") + "\u00a0h"


def current_post(pathway: Pathway) -> str:
    """The post held now: the one an avenant set, else the programme's activity."""
    return pathway.post or pathway.programme.activity


def _rows(pathway: Pathway, changes=None) -> list[ContractChange]:
    return sorted(pathway.contract_changes.all() if changes is None else changes, key=lambda row: row.valid_from)


def hours_on(pathway: Pathway, day: datetime.date, changes=None) -> Decimal | None:
    """The weekly hours in force on ``day`` (``changes``: the pathway's rows, already loaded, any order): the last
    change of hours on or before that day, else the hours the first change of hours replaced, else today's."""
    rows = [row for row in _rows(pathway, changes) if row.hours_per_week is not None]
    if not rows:
        return pathway.hours_per_week
    in_force = [row for row in rows if row.valid_from <= day]
    return in_force[-1].hours_per_week if in_force else rows[0].previous_hours_per_week


def post_on(pathway: Pathway, day: datetime.date, changes=None) -> str:
    """The post held on ``day``, as ``hours_on`` for the hours."""
    rows = [row for row in _rows(pathway, changes) if row.post]
    if not rows:
        return current_post(pathway)
    in_force = [row for row in rows if row.valid_from <= day]
    return in_force[-1].post if in_force else rows[0].previous_post


def latest_change(pathway: Pathway) -> ContractChange | None:
    return pathway.contract_changes.order_by("-valid_from").first()


def check_change(*, pathway: Pathway, valid_from, hours_per_week, post: str, reason: str, last_valid_from,
                 today: datetime.date) -> dict:
    """A change from ``valid_from``: for a contract that started, within it (not before its start, not after its
    exit), after the last change, not in the future; new hours within 10 to 35; something that changes; a reason.
    ``hours_per_week`` None and ``post`` empty mean unchanged."""
    if pathway.status not in CHANGEABLE_STATUSES or not pathway.contract_start:
        return {None: _("Ce parcours n'a pas de contrat : un avenant suit l'entrée en atelier.")}
    errors = rules.check_required("valid_from", valid_from, _("la date d'effet de l'avenant"))
    if errors:
        return errors
    errors = rules.check_not_future("valid_from", valid_from, today, _("La date d'effet de l'avenant"))
    errors |= rules.check_not_before("valid_from", valid_from, pathway.contract_start, _(
        "L'avenant (%(date)s) ne peut pas précéder le début du contrat (%(earlier)s)."))
    if pathway.exit_on and valid_from > pathway.exit_on:
        errors.setdefault("valid_from", _("L'avenant (%(date)s) ne peut pas suivre la fin du contrat (%(end)s).") % {
            "date": format_date(valid_from), "end": format_date(pathway.exit_on)})
    if last_valid_from and valid_from <= last_valid_from and "valid_from" not in errors:
        errors["valid_from"] = _("L'avenant (%(date)s) doit suivre le précédent, en vigueur depuis le %(earlier)s.") % {
            "date": format_date(valid_from), "earlier": format_date(last_valid_from)}
    if hours_per_week is not None and not rules.MIN_HOURS_PER_WEEK <= hours_per_week <= rules.MAX_HOURS_PER_WEEK:
        errors["hours_per_week"] = _("La durée hebdomadaire est comprise entre 10 et 35 heures (saisi : %(h)s).") % {
            "h": hours_label(hours_per_week)}
    elif hours_per_week is None and not post:
        errors[None] = _("Rien ne change : indiquez une nouvelle durée hebdomadaire, un nouveau poste, ou les deux.")
    if post and judicial_word(post):
        errors["post"] = _("Le poste figure sur l'attestation de fin de parcours remise à un employeur : nommez-le "
                           "sans mention de la détention ni de la justice (« %(word)s »).") % {
            "word": judicial_word(post)}
    if not reason.strip():
        errors["reason"] = _("Indiquez le motif de l'avenant.")
    return errors


@records_by
@transaction.atomic
def contract_change_record(*, pathway: Pathway, valid_from: datetime.date | None, hours_per_week: Decimal | None = None,
                           post: str = "", reason: str, by, expected_version: int | None = None) -> ContractChange:
    """An avenant: the contract's weekly hours and/or post changed from ``valid_from``. A ContractChange row keeping
    the values it replaced, the pathway's current values, one log row. A value equal to the current one is no change;
    nothing written when a rule refuses it (French messages by field)."""
    pathway = services._lock_pathway(pathway, expected_version)
    post = " ".join((post or "").split())
    if hours_per_week is not None:
        hours_per_week = Decimal(hours_per_week).quantize(Decimal("0.1"))
        if hours_per_week == pathway.hours_per_week:
            hours_per_week = None
    if post == current_post(pathway):
        post = ""
    last = pathway.contract_changes.aggregate(last=Max("valid_from"))["last"]
    services._raise(check_change(pathway=pathway, valid_from=valid_from, hours_per_week=hours_per_week, post=post,
                                 reason=reason or "", last_valid_from=last, today=timezone.localdate()))
    row = ContractChange(
        pathway=pathway, valid_from=valid_from, reason=reason.strip(), recorded_by=by,
        recorded_by_label=services.user_label(by), hours_per_week=hours_per_week,
        previous_hours_per_week=None if hours_per_week is None else pathway.hours_per_week,
        post=post, previous_post=current_post(pathway) if post else "")
    row.full_clean()
    row.save()
    if hours_per_week is not None:
        pathway.hours_per_week = hours_per_week
    if post:
        pathway.post = post
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    services._log(pathway, Transition.EDIT, pathway.status, valid_from, by)
    return row


# --- The skills acquired (the attestation de fin de parcours) -------------------------------------------------


def _folded(text: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFKD", text.casefold()) if not unicodedata.combining(ch))


def judicial_word(text: str) -> str:
    """The first word of the justice system ``text`` holds (folded: « detention »), else ""."""
    folded = _folded(text)
    return next((word for word in JUDICIAL_WORDS if re.search(rf"\b{word}", folded)), "")


def skill_lines(text: str) -> list[str]:
    """One skill a line, spaces tidied, empty lines and list marks (« - », « • ») dropped."""
    lines = (" ".join(line.split()).lstrip("-•*– ").strip() for line in (text or "").splitlines())
    return [line for line in lines if line]


def check_skills(text: str) -> dict:
    lines = skill_lines(text)
    if len(lines) > MAX_SKILLS:
        return {"skills_acquired": _("Au plus %(max)s compétences, une par ligne (saisies : %(count)s).") % {
            "max": MAX_SKILLS, "count": len(lines)}}
    long = [line for line in lines if len(line) > MAX_SKILL_LENGTH]
    if long:
        return {"skills_acquired": _("Une compétence tient en %(max)s caractères au plus : « %(start)s… » en a "
                                     "%(length)s.") % {"max": MAX_SKILL_LENGTH, "start": long[0][:30],
                                                       "length": len(long[0])}}
    word = judicial_word(" ".join(lines))
    if word:
        return {"skills_acquired": _("Ces compétences figurent sur l'attestation remise à un employeur ou à France "
                                     "Travail : n'y mentionnez ni la détention ni la justice (« %(word)s »).") % {
            "word": word}}
    return {}


def skills_refusal(pathway: Pathway) -> str:
    """Why the skills cannot be entered yet (the contract has not started), else ""."""
    if pathway.status not in CHANGEABLE_STATUSES or not pathway.contract_start:
        return _("Les compétences acquises se saisissent une fois le contrat commencé.")
    return ""


@records_by
@transaction.atomic
def skills_record(*, pathway: Pathway, skills: str, by, expected_version: int | None = None) -> Pathway:
    """The skills acquired during the pathway (one a line, tidied), once its contract started."""
    pathway = services._lock_pathway(pathway, expected_version)
    if refusal := skills_refusal(pathway):
        services._raise({None: refusal})
    services._raise(check_skills(skills))
    pathway.skills_acquired = "\n".join(skill_lines(skills))
    pathway.version += 1
    pathway.full_clean()
    pathway.save()
    services._log(pathway, Transition.EDIT, pathway.status, None, by)
    return pathway
