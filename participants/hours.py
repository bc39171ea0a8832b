"""The month's hours sheet of a workshop (issue 18 §2): one row per person in the workshop that month, the hours
worked and the days absent by reason, the pay (hours × the hourly pay in force that month) and the ETP.

The hours stay AccompanimentEvent rows of kind HOURS_WORKED dated on the month's first day (the one truth the
dashboards, the occupation and the activity report read); the days absent are MonthlyAbsence rows; HoursSheet holds
the validation by the SIAE director, after which a save is an amendment with its reason (HoursAmendment, and one
PathwayLog row per person changed). The form and the CSV/XLSX import reach the same ``parse_cell`` and
``sheet_save``: bad input writes nothing and names each refused cell.
"""

import calendar
import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Min, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from audit.context import records_by

from . import services
from .enums import AbsenceReason, EventKind, Transition
from .models import AccompanimentEvent, HoursAmendment, HoursSheet, MonthlyAbsence, Pathway, PathwayLog
from .pay import hourly_pay_on

HOURS = "hours"
COLUMNS = (HOURS, *AbsenceReason.values)  # the cells of a row, in the sheet's order
MAX_HOURS_PER_DAY = 10  # the legal daily maximum: hours beyond 10 a day present are not plausible
ONE_DECIMAL = Decimal("0.1")


def _constraint_message(model, name: str) -> str:
    return next(c.violation_error_message for c in model._meta.constraints if c.name == name)


HOURS_BOUNDS = _constraint_message(AccompanimentEvent, "event_hours_only_for_hours_worked")


class SheetError(ValidationError):
    """Refused cells: ``cells`` maps (pathway id as text, column) to its French message; ``None`` as the key for
    what is about the whole sheet."""

    def __init__(self, cells: dict):
        self.cells = cells
        super().__init__([message for message in cells.values()])


# --- Months and rows ------------------------------------------------------------------------------------------


def month_of(year: int, month: int) -> datetime.date:
    return datetime.date(year, month, 1)


def month_end(month: datetime.date) -> datetime.date:
    return month.replace(day=calendar.monthrange(month.year, month.month)[1])


def previous_month(month: datetime.date) -> datetime.date:
    return (month - datetime.timedelta(days=1)).replace(day=1)


def next_month(month: datetime.date) -> datetime.date:
    return month_end(month) + datetime.timedelta(days=1)


def first_month(programme) -> datetime.date:
    """The workshop's first month with a sheet: its programme's start or its first entry, whichever is earlier (this
    month when it has neither)."""
    first_entry = programme.pathways.aggregate(first=Min("contract_start"))["first"]
    days = [day for day in (programme.start_date, first_entry) if day]
    return (min(days) if days else timezone.localdate()).replace(day=1)


def monthly_full_time(programme) -> Decimal:
    """The legal monthly full time of the programme's measure: its annual reference hours (the dashboards' ETP,
    settings.INDICATORS_REFERENCE_HOURS) ÷ 12, i.e. 151,67 h for 1 820 h."""
    from dashboards.indicators import MEASURE_OF_KIND  # the dashboards read these hours: their measure, one place

    reference = settings.INDICATORS_REFERENCE_HOURS
    measure = MEASURE_OF_KIND.get(programme.siae.kind)
    return Decimal(reference.get(measure, reference.get("DEFAULT", 1820))) / 12


def pathways_in_workshop(programme, month: datetime.date):
    """The programme's pathways in the workshop on at least one day of ``month``, by name."""
    return (Pathway.objects.filter(programme=programme, contract_start__isnull=False,
                                   contract_start__lte=month_end(month))
            .filter(Q(exit_on__isnull=True) | Q(exit_on__gte=month))
            .select_related("participant")
            .prefetch_related("pay_rates", "suspensions")
            .order_by("participant__last_name", "participant__first_names", "pk"))


def _workshop_days(pathway: Pathway, month: datetime.date) -> tuple[datetime.date, datetime.date]:
    return max(month, pathway.contract_start), min(month_end(month), pathway.exit_on or month_end(month))


def days_in_workshop(pathway: Pathway, month: datetime.date) -> int:
    first, last = _workshop_days(pathway, month)
    return (last - first).days + 1


def suspended_days(pathway: Pathway, month: datetime.date) -> int:
    """Days of the month in the workshop under a recorded suspension (to the day before the resumption): what the
    sheet proposes in its « Suspension » column when nothing is entered there yet."""
    first, last = _workshop_days(pathway, month)
    days = 0
    for suspension in pathway.suspensions.all():
        until = suspension.end - datetime.timedelta(days=1) if suspension.end else last
        days += max(0, (min(until, last) - max(suspension.start, first)).days + 1)
    return min(days, (last - first).days + 1)


@dataclass
class Row:
    pathway: Pathway
    days: int  # days of the month in the workshop
    hours: Decimal | None
    absences: dict  # reason -> days
    rate: Decimal | None  # the hourly pay in force on the month's last day in the workshop
    full_time: Decimal
    suspended: int = 0  # days under a recorded suspension (participants.Suspension), proposed when none are entered

    @property
    def key(self) -> str:
        return str(self.pathway.pk)

    @property
    def days_absent(self) -> int:
        return sum(self.absences.values())

    @property
    def pay(self) -> Decimal | None:
        if self.hours is None or self.rate is None:
            return None
        return (self.hours * self.rate).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)

    @property
    def etp(self) -> Decimal | None:
        return None if self.hours is None else (self.hours / self.full_time).quantize(Decimal("0.01"))

    def values(self) -> dict:
        """The row's cells (``COLUMNS``): hours and days, None when empty."""
        return {HOURS: self.hours, **{reason: self.absences.get(reason) for reason in AbsenceReason.values}}


@dataclass
class Sheet:
    programme: object
    month: datetime.date
    record: HoursSheet | None
    rows: list[Row] = field(default_factory=list)
    amendments: list = field(default_factory=list)

    @property
    def is_validated(self) -> bool:
        return self.record is not None and self.record.is_validated

    @property
    def days(self) -> int:
        return month_end(self.month).day

    def total(self, name: str):
        values = [getattr(row, name) for row in self.rows if getattr(row, name) is not None]
        return sum(values, Decimal(0)) if values else None

    @property
    def total_hours(self):
        return self.total("hours")

    @property
    def total_pay(self):
        return self.total("pay")

    @property
    def total_etp(self):
        hours = self.total_hours
        return None if hours is None or not self.rows else (hours / self.rows[0].full_time).quantize(Decimal("0.01"))

    @property
    def total_days_absent(self) -> int:
        return sum(row.days_absent for row in self.rows)

    def by_key(self) -> dict:
        return {row.key: row for row in self.rows}


def sheet_for(programme, month: datetime.date) -> Sheet:
    """The sheet as stored (four queries: the sheet, the pathways with their pay rates, the hours, the absences)."""
    pathways = list(pathways_in_workshop(programme, month))
    hours = dict(AccompanimentEvent.objects.filter(pathway__in=pathways, kind=EventKind.HOURS_WORKED, on=month)
                 .values_list("pathway_id", "hours"))
    absences: dict = {}
    for pathway_id, reason, days in MonthlyAbsence.objects.filter(pathway__in=pathways, month=month).values_list(
            "pathway_id", "reason", "days"):
        absences.setdefault(pathway_id, {})[reason] = days
    full_time = monthly_full_time(programme)
    rows = []
    for pathway in pathways:
        last_day = min(month_end(month), pathway.exit_on or month_end(month))
        rows.append(Row(pathway, days_in_workshop(pathway, month), hours.get(pathway.pk),
                        absences.get(pathway.pk, {}), hourly_pay_on(pathway, last_day), full_time,
                        suspended_days(pathway, month)))
    record = HoursSheet.objects.filter(programme=programme, month=month).first()
    amendments = list(record.amendments.all()) if record else []
    return Sheet(programme, month, record, rows, amendments)


# --- Reading a cell (the form and the import) ---------------------------------------------------------------


def parse_cell(column: str, raw) -> Decimal | int | None:
    """A cell as typed or read from a file ("151,5", 151.5, "", None): hours as a decimal with one decimal at most,
    days as a whole number; ValidationError with the French message otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    text = str(raw).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValidationError(_("Saisissez un nombre (par exemple 151,5).")) from None
    if not value.is_finite():
        raise ValidationError(_("Saisissez un nombre (par exemple 151,5)."))
    if abs(value) > 10_000:  # far beyond any bound (and beyond what quantize takes: "1e999999")
        raise ValidationError(str(HOURS_BOUNDS) if column == HOURS
                              else _("Les jours d'absence d'un mois sont compris entre 0 et 31."))
    if column == HOURS:
        if value != value.quantize(ONE_DECIMAL):
            raise ValidationError(_("Les heures se saisissent avec une décimale au plus (par exemple 151,5)."))
        return value.quantize(ONE_DECIMAL)
    if value != value.to_integral_value():
        raise ValidationError(_("Les jours d'absence se saisissent en jours entiers."))
    return int(value)


# --- The rules of a row --------------------------------------------------------------------------------------


def check_row(row: Row, values: dict) -> dict:
    """{column: message} for the refused cells of one row (``values`` parsed, ``COLUMNS``)."""
    errors = {}
    hours = values.get(HOURS)
    if hours is not None and not (0 <= hours <= 400):
        errors[HOURS] = str(HOURS_BOUNDS)
    absent = 0
    for reason in AbsenceReason.values:
        days = values.get(reason)
        if days is None:
            continue
        if days < 0:
            errors[reason] = _("Un nombre de jours ne peut pas être négatif.")
        elif days > row.days:
            errors[reason] = _("Au plus %(days)s jours : la personne est en atelier %(days)s jours ce mois-ci.") % {
                "days": row.days}
        else:
            absent += days
    if absent > row.days and not errors:
        last = next(reason for reason in reversed(AbsenceReason.values) if values.get(reason))
        errors[last] = _("%(absent)s jours d'absence en tout dépassent les %(days)s jours en atelier ce mois-ci.") % {
            "absent": absent, "days": row.days}
    if HOURS not in errors and hours is not None and not errors:
        present = row.days - absent
        ceiling = present * MAX_HOURS_PER_DAY
        if hours > ceiling:
            errors[HOURS] = _("%(hours)s h dépassent les %(max)s h possibles sur %(present)s jour(s) de présence "
                              "(%(absent)s jour(s) d'absence) : vérifiez les heures ou les absences.") % {
                "hours": str(hours).replace(".", ","), "max": ceiling, "present": present, "absent": absent}
    return errors


def _check_month(month: datetime.date) -> None:
    if month > timezone.localdate().replace(day=1):
        raise SheetError({None: _("Les heures d'un mois à venir ne se saisissent pas encore.")})


# --- Writing -------------------------------------------------------------------------------------------------


def _lock_sheet(programme, month) -> HoursSheet:
    record, _created = HoursSheet.objects.get_or_create(programme=programme, month=month)
    return HoursSheet.objects.select_for_update().get(pk=record.pk)


def _text(value) -> str:
    return "" if value is None else str(value)


@records_by
@transaction.atomic
def sheet_save(*, programme, month: datetime.date, entries: dict, by, reason: str = "") -> Sheet:
    """Save the cells of ``entries`` ({pathway id as text: {column: parsed value or None}}; a row or a column left
    out is left as it is; None empties the cell). All or nothing: SheetError names every refused cell. On a
    validated sheet the ``reason`` is required and the change is an amendment."""
    _check_month(month)
    record = _lock_sheet(programme, month)
    reason = (reason or "").strip()
    if record.is_validated and not reason:
        raise SheetError({None: _("Cette feuille est validée : indiquez le motif de la correction.")})
    sheet = sheet_for(programme, month)
    rows = sheet.by_key()
    errors, changes = {}, []
    for key, values in entries.items():
        row = rows.get(str(key))
        if row is None:
            errors[(str(key), None)] = _("Cette personne n'est pas en atelier dans ce programme ce mois-ci.")
            continue
        merged = {**row.values(), **values}
        for column, message in check_row(row, merged).items():
            errors[(row.key, column)] = message
        changes += [[row.key, column, _text(row.values()[column]), _text(merged[column])]
                    for column in COLUMNS if column in values and merged[column] != row.values()[column]]
    if errors:
        raise SheetError(errors)
    by_label = services.user_label(by)
    changed_rows = {}
    for key, column, _before, after in changes:
        row = rows[key]
        changed_rows[key] = row
        value = parse_cell(column, after)
        if column == HOURS:
            _write_hours(row.pathway, month, value, by, by_label)
        else:
            _write_absence(row.pathway, month, column, value)
    if record.is_validated and changes:
        HoursAmendment.objects.create(sheet=record, reason=reason[:300], changes=changes, by=by, by_label=by_label)
        for row in changed_rows.values():
            PathwayLog.objects.create(pathway=row.pathway, transition=Transition.HOURS_AMEND,
                                      from_status=row.pathway.status, to_status=row.pathway.status, on=month,
                                      by=by, by_label=by_label)
    return sheet_for(programme, month)


def _write_hours(pathway, month, hours, by, by_label) -> None:
    event = AccompanimentEvent.objects.filter(pathway=pathway, kind=EventKind.HOURS_WORKED, on=month).first()
    if hours is None:
        if event:
            event.delete()
        return
    if event is None:
        event = AccompanimentEvent(pathway=pathway, kind=EventKind.HOURS_WORKED, on=month)
    event.hours = hours
    event.recorded_by, event.recorded_by_label = by, by_label
    event.full_clean()
    event.save()


def _write_absence(pathway, month, reason, days) -> None:
    if not days:
        MonthlyAbsence.objects.filter(pathway=pathway, month=month, reason=reason).delete()
        return
    absence = MonthlyAbsence.objects.filter(pathway=pathway, month=month, reason=reason).first() or MonthlyAbsence(
        pathway=pathway, month=month, reason=reason)
    absence.days = days
    absence.full_clean()
    absence.save()


def previous_entries(programme, month: datetime.date) -> dict:
    """« Copier le mois précédent »: the previous month's cells for the people in the workshop both months (what
    the form proposes; nothing is saved until the sheet is)."""
    before = sheet_for(programme, previous_month(month)).by_key()
    return {row.key: before[row.key].values() for row in sheet_for(programme, month).rows if row.key in before}


@records_by
@transaction.atomic
def sheet_validate(*, programme, month: datetime.date, by) -> HoursSheet:
    """Lock the month: every person's hours entered. A validated sheet is not validated again."""
    _check_month(month)
    record = _lock_sheet(programme, month)
    if record.is_validated:
        raise SheetError({None: _("Cette feuille est déjà validée.")})
    sheet = sheet_for(programme, month)
    if not sheet.rows:
        raise SheetError({None: _("Personne n'est en atelier ce mois-ci : il n'y a rien à valider.")})
    missing = {(row.key, HOURS): _("Saisissez les heures avant de valider la feuille.")
               for row in sheet.rows if row.hours is None}
    if missing:
        raise SheetError(missing)
    record.validated_at = timezone.now()
    record.validated_by, record.validated_by_label = by, services.user_label(by)
    record.full_clean()
    record.save()
    return record
