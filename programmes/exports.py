"""Tables exported as CSV (for a French spreadsheet: UTF-8 with BOM, semicolons) or XLSX.

A cell that a spreadsheet would read as a formula (=, +, -, @, tab, carriage return) is prefixed with an
apostrophe, so an exported name like "=HYPERLINK(...)" stays text.
"""

import csv
import datetime
import decimal
import io

from django.http import HttpResponse
from openpyxl import Workbook

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def neutralise(value):
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, (int, float, decimal.Decimal, datetime.date)):
        return value
    return neutralise(str(value))


def table_response(*, filename: str, headers: list[str], rows, fmt: str) -> HttpResponse:
    """``rows`` yields sequences of values; ``fmt`` is "csv" or "xlsx"."""
    cells = [[_cell(value) for value in row] for row in rows]
    if fmt == "xlsx":
        workbook = Workbook()
        sheet = workbook.active
        sheet.append(headers)
        for row in cells:
            sheet.append(row)
        buffer = io.BytesIO()
        workbook.save(buffer)
        response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    else:
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";")
        writer.writerow(headers)
        for row in cells:
            writer.writerow([value.strftime("%d/%m/%Y") if isinstance(value, datetime.date) else
                             str(value).replace(".", ",") if isinstance(value, (float, decimal.Decimal)) else value
                             for value in row])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.{fmt}"'
    return response
