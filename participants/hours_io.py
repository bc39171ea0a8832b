"""The month's hours sheet as a CSV or XLSX file, and back: the same columns both ways, so a sheet exported, filled in
a spreadsheet and imported again goes through hours.parse_cell and hours.sheet_save like the form (nothing written
when one cell is refused; each refusal names its line and column)."""

from django.utils.translation import gettext as _

from participants.importing.reading import read_table
from participants.importing.report import FileProblem
from programmes.exports import table_response

from . import hours
from .enums import AbsenceReason

ID = "Identifiant"
PERSON = "Personne"
HEADERS = {hours.HOURS: "Heures", **{reason.value: f"{reason.label} (jours)" for reason in AbsenceReason}}
READ_ONLY = ["Taux horaire (€)", "Rémunération (€)", "ETP"]  # computed: ignored on import


def file_name(sheet: hours.Sheet) -> str:
    return f"heures-{sheet.programme.code}-{sheet.month:%Y-%m}"


def export(sheet: hours.Sheet, fmt: str):
    rows = ([row.key, str(row.pathway.participant), *[row.values()[column] for column in hours.COLUMNS],
             row.rate, row.pay, row.etp] for row in sheet.rows)
    return table_response(filename=file_name(sheet), headers=[ID, PERSON, *HEADERS.values(), *READ_ONLY], rows=rows,
                          fmt=fmt)


class ImportRefused(Exception):
    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__(" ".join(messages))


def read(data: bytes, name: str) -> tuple[dict, dict]:
    """The file's entries for hours.sheet_save ({pathway id: {column: value}}) and the line of each, or
    ImportRefused with every problem (line and column named)."""
    try:
        table = read_table(data, name)
    except FileProblem as problem:
        raise ImportRefused([str(problem)]) from problem
    headers = [str(header).strip() for header in table.headers]
    missing = [header for header in [ID, *HEADERS.values()] if header not in headers]
    if missing:
        raise ImportRefused([_("Colonne(s) absente(s) : %(columns)s. Partez du fichier exporté de la feuille.")
                             % {"columns": ", ".join(f"« {header} »" for header in missing)}])
    at = {header: headers.index(header) for header in [ID, *HEADERS.values()]}
    entries, problems, lines = {}, [], {}
    for line, cells in table.rows:
        cells = list(cells) + [""] * (len(headers) - len(cells))
        key = str(cells[at[ID]]).strip()
        if key in entries:
            problems.append(_("Ligne %(line)s : cette personne figure déjà ligne %(first)s.")
                            % {"line": line, "first": lines[key]})
            continue
        values = {}
        for column, header in HEADERS.items():
            try:
                values[column] = hours.parse_cell(column, cells[at[header]])
            except hours.ValidationError as error:
                problems.append(_("Ligne %(line)s, colonne « %(column)s » : %(message)s")
                                % {"line": line, "column": header, "message": " ".join(error.messages)})
        entries[key], lines[key] = values, line
    if problems:
        raise ImportRefused(problems)
    return entries, lines


def refusals(error: hours.SheetError, lines: dict) -> list[str]:
    """The service's refusals with the file's line and column."""
    messages = []
    for key, message in error.cells.items():
        if isinstance(key, tuple):
            line = lines.get(key[0], "?")
            column = HEADERS.get(key[1])
            where = (_("Ligne %(line)s, colonne « %(column)s »") % {"line": line, "column": column} if column
                     else _("Ligne %(line)s") % {"line": line})
            messages.append(f"{where} : {message}")
        else:
            messages.append(message)
    return messages
