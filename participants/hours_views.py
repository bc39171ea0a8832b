"""The month's hours sheet of a workshop (issue 18 §2): the list of the user's workshops, one month's sheet (enter,
copy last month, validate, correct), its CSV/XLSX export and import.

Reads start from access.scope (a programme outside it, or a role that reads no names: 404); who enters and who
validates: access.permissions.can_edit_hours / can_validate_hours (403 otherwise). Every write is hours.sheet_save or
hours.sheet_validate.
"""

import datetime

from django.contrib import messages
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from access import permissions, scope
from core.views import crumb

from . import hours, hours_io
from .enums import AbsenceReason
from .hours_forms import HoursSheetForm
from .views import require_names

MAX_FILE_SIZE = 2 * 1024 * 1024
# Each input's label (read by screen readers; the columns' headers say the same on screen).
CELL_LABELS = {hours.HOURS: "Heures", **{reason.value: f"Jours d'absence ({reason.label.lower()})"
                                         for reason in AbsenceReason}}


def _month_label(month: datetime.date) -> str:
    return date_format(month, "F Y")


def _sheet_url(programme, month: datetime.date) -> str:
    return reverse("participants:hours_sheet", args=[programme.pk, month.year, month.month])


def _programme_and_month(request, pk: int, year: int, month: int):
    """The programme in the user's scope and a month up to the current one; 404 otherwise (also for the roles that
    read no names: the sheet names everyone)."""
    if not scope.reads_names(request.user):
        raise Http404
    programme = get_object_or_404(scope.programmes_for(request.user).select_related("siae", "establishment"), pk=pk)
    try:
        first = hours.month_of(year, month)
    except ValueError:
        raise Http404 from None
    if first > timezone.localdate().replace(day=1) or year < 2000:
        raise Http404
    return programme, first


@require_safe
def hours_index(request):
    """The user's workshops, each with the current and the previous month's sheets (their files for the roles that
    read but do not enter the hours)."""
    require_names(request.user)
    month = timezone.localdate().replace(day=1)
    programmes = scope.programmes_for(request.user).select_related("siae", "establishment").order_by("code")
    months = [month, hours.previous_month(month)]
    can_edit = permissions.can_edit_hours(request.user)

    def link(programme, m):
        if can_edit:
            return _sheet_url(programme, m)
        return reverse("participants:hours_export", args=[programme.pk, m.year, m.month]) + "?format=xlsx"

    return render(request, "participants/hours/index.html", {
        "title": _("Heures du mois"), "breadcrumb_current": _("Heures du mois"), "can_edit": can_edit,
        "rows": [(programme, [(m, _month_label(m), link(programme, m)) for m in months]) for programme in programmes],
    })


@require_http_methods(["GET", "HEAD", "POST"])
def hours_sheet(request, pk: int, year: int, month: int):
    """One month's sheet: GET shows it (``?copier=1``: with last month's cells proposed, nothing saved); POST saves
    it through hours.sheet_save, all or nothing."""
    programme, month = _programme_and_month(request, pk, year, month)
    can_edit = permissions.can_edit_hours(request.user)
    permissions.require(can_edit, _("Votre rôle ne permet pas de saisir les heures du mois : le fichier de la "
                                    "feuille reste à votre disposition depuis la liste « Heures du mois »."))
    sheet = hours.sheet_for(programme, month)
    if request.method != "POST":
        proposed = None
        if request.GET.get("copier") and can_edit and not sheet.is_validated:
            proposed = hours.previous_entries(programme, month)
            messages.info(request, _("Les valeurs de %(month)s sont recopiées pour les %(count)s personne(s) déjà "
                                     "présentes : vérifiez-les, puis enregistrez la feuille.")
                          % {"month": _month_label(hours.previous_month(month)), "count": len(proposed)})
        return _page(request, sheet, HoursSheetForm(sheet=sheet, initial_cells=proposed), can_edit)
    form = HoursSheetForm(request.POST, sheet=sheet)
    if form.is_valid():
        try:
            hours.sheet_save(programme=programme, month=month, entries=form.cleaned_data["entries"],
                             reason=form.cleaned_data["reason"], by=request.user)
        except hours.SheetError as error:
            form.apply(error)
        else:
            messages.success(request, _("Les heures de %(month)s sont enregistrées.") % {"month": _month_label(month)})
            return HttpResponseRedirect(_sheet_url(programme, month))
    return _page(request, sheet, form, can_edit)


@require_POST
def hours_validate(request, pk: int, year: int, month: int):
    """« Valider la feuille »: the SIAE director locks the month (every person's hours entered)."""
    programme, month = _programme_and_month(request, pk, year, month)
    permissions.require(permissions.can_validate_hours(request.user),
                        _("Seul·e la direction de la SIAE valide la feuille d'heures du mois."))
    try:
        hours.sheet_validate(programme=programme, month=month, by=request.user)
    except hours.SheetError as error:
        messages.error(request, _("La feuille n'est pas validée. %(reasons)s")
                       % {"reasons": _plural_reasons(error)})
    else:
        messages.success(request, _("La feuille d'heures de %(month)s est validée : une correction demandera "
                                    "désormais un motif.") % {"month": _month_label(month)})
    return HttpResponseRedirect(_sheet_url(programme, month))


def _plural_reasons(error: hours.SheetError) -> str:
    missing = [key for key in error.cells if isinstance(key, tuple)]
    if missing:
        return _("%(count)s personne(s) sans heures saisies.") % {"count": len(missing)}
    return " ".join(error.messages)


def _page(request, sheet, form, can_edit: bool):
    title = _("Heures de %(month)s — %(code)s") % {"month": _month_label(sheet.month), "code": sheet.programme.code}
    today_month = timezone.localdate().replace(day=1)
    next_month = hours.next_month(sheet.month)
    amendments = _amendments(sheet)
    return render(request, "participants/hours/sheet.html", {
        "title": title, "sheet": sheet, "form": form,
        "can_edit": can_edit, "can_validate": permissions.can_validate_hours(request.user),
        "rows": [(row, [(form.cell(row, column), CELL_LABELS[column]) for column in hours.COLUMNS])
                 for row in sheet.rows],
        "columns": list(hours_io.HEADERS.values()), "amendments": amendments,
        "month_label": _month_label(sheet.month),
        "previous_url": (_sheet_url(sheet.programme, hours.previous_month(sheet.month))
                         if sheet.month > hours.first_month(sheet.programme) else ""),
        "next_url": _sheet_url(sheet.programme, next_month) if next_month <= today_month else "",
        "export_url": reverse("participants:hours_export", args=[sheet.programme.pk, sheet.month.year,
                                                                 sheet.month.month]),
        "validate_url": reverse("participants:hours_validate", args=[sheet.programme.pk, sheet.month.year,
                                                                     sheet.month.month]),
        "import_url": reverse("participants:hours_import", args=[sheet.programme.pk, sheet.month.year,
                                                                 sheet.month.month]),
        "breadcrumb_parent": crumb(_("Heures du mois"), reverse("participants:hours_index")),
        "breadcrumb_current": title,
    }, status=200)


def _amendments(sheet) -> list[dict]:
    """Each correction with its changes in words: the person, the column, before and after."""
    names = {row.key: str(row.pathway.participant) for row in sheet.rows}
    return [{"amendment": amendment,
             "changes": [(names.get(key, _("Personne sortie de la feuille")), hours_io.HEADERS.get(column, column),
                          _french(before), _french(after)) for key, column, before, after in amendment.changes]}
            for amendment in sheet.amendments]


def _french(value: str) -> str:
    return value.replace(".", ",") if value else "—"


@require_safe
def hours_export(request, pk: int, year: int, month: int):
    """The sheet as ``?format=csv`` (the default) or ``xlsx``: the file the import takes back."""
    programme, month = _programme_and_month(request, pk, year, month)
    fmt = request.GET.get("format", "csv")
    if fmt not in ("csv", "xlsx"):
        raise Http404
    return hours_io.export(hours.sheet_for(programme, month), fmt)


@require_POST
def hours_import(request, pk: int, year: int, month: int):
    """The sheet's file, filled in a spreadsheet, saved through the same rules as the form: all or nothing."""
    programme, month = _programme_and_month(request, pk, year, month)
    permissions.require(permissions.can_edit_hours(request.user),
                        _("Votre rôle ne permet pas de saisir les heures du mois."))
    upload = request.FILES.get("fichier")
    url = _sheet_url(programme, month)
    if upload is None:
        messages.error(request, _("Choisissez le fichier de la feuille (CSV ou XLSX) à importer."))
        return HttpResponseRedirect(url)
    if upload.size > MAX_FILE_SIZE:
        messages.error(request, _("Le fichier dépasse 2 Mo : ce n'est pas une feuille d'heures exportée."))
        return HttpResponseRedirect(url)
    try:
        entries, lines = hours_io.read(upload.read(), upload.name)
        hours.sheet_save(programme=programme, month=month, entries=entries,
                         reason=request.POST.get("reason", ""), by=request.user)
    except hours_io.ImportRefused as refused:
        _refused(request, refused.messages)
    except hours.SheetError as error:
        _refused(request, hours_io.refusals(error, lines))
    else:
        messages.success(request, _("Le fichier est importé : les heures de %(month)s sont enregistrées (%(count)s "
                                    "ligne(s)).") % {"month": _month_label(month), "count": len(entries)})
    return HttpResponseRedirect(url)


def _refused(request, problems: list[str]) -> None:
    shown = problems[:20]
    more = len(problems) - len(shown)
    text = _("Rien n'a été importé. ") + " ".join(shown)
    if more:
        text += " " + _("(et %(count)s autre(s) problème(s))") % {"count": more}
    messages.error(request, text)
