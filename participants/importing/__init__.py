"""Import of the pathway spreadsheets (issue 4, section 6): read a CSV or XLSX file, check every row, then write
all or nothing.

``run_import(data, file_name, user=..., wet_run=...)`` returns a report (a JSON-ready dict): counts of what is
(or would be) created, updated and left unchanged, and EVERY error with its line (as a spreadsheet numbers it:
the header is line 1) and its column, in French. The checks are those of the services (participants.rules);
the lookups are preloaded in a few queries and the writes are bulk, in one transaction: no query per row.
The format is documented in docs/import-format.md.
"""

from django.db import IntegrityError

from participants.services import user_label

from .checking import DataChanged, Importer
from .format import COLUMN_NAMES, COLUMNS, COMMAND_LINE_LABEL, EXTENSIONS, REQUIRED_COLUMNS, parse_date
from .reading import map_headers, parse_rows, read_table
from .report import FileProblem, Report, error_text

__all__ = ["COLUMNS", "COLUMN_NAMES", "COMMAND_LINE_LABEL", "EXTENSIONS", "REQUIRED_COLUMNS", "error_text",
           "parse_date", "read_table", "run_import"]


def run_import(data: bytes, file_name: str, *, user=None, wet_run: bool = False, on_progress=None,
               by_label: str | None = None) -> dict:
    """Check the file (and write it when ``wet_run`` and it has no error). ``user`` None: every programme (the
    command line, an operator); otherwise the programmes of access.scope.programmes_for(user)."""
    report = Report(file_name, wet_run)
    try:
        table = read_table(data, file_name)
    except FileProblem as problem:
        report.error(None, None, str(problem))
        return report.as_dict()
    positions = map_headers(table.headers, report)
    if report.errors:
        return report.as_dict()
    rows = parse_rows(table, positions, report)
    report.rows = len(rows)
    if on_progress:
        on_progress(0, len(rows))
    if not rows:
        report.error(None, None, "Le fichier ne contient aucune ligne de données sous l'en-tête.")
        return report.as_dict()
    importer = Importer(rows, user=user, report=report, on_progress=on_progress)
    importer.resolve()
    if report.errors or not wet_run:
        return report.as_dict()
    try:
        importer.write(by_label or (user_label(user) if user is not None else COMMAND_LINE_LABEL))
    except (DataChanged, IntegrityError):
        report.error(None, None, "Des dossiers ou des parcours de ce fichier ont été modifiés dans l'application "
                                 "pendant l'import : rien n'a été importé. Relancez l'import pour tenir compte de ces "
                                 "modifications.")
        return report.as_dict()
    report.written = True
    return report.as_dict()
