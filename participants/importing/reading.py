"""Reading a CSV (UTF-8 with or without BOM, or Windows-1252; ``;``, ``,`` or tab) or XLSX file into rows."""

import codecs
import csv
import datetime
import io
import re
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from participants.models import Participant, Pathway, RecruitmentSession

from .format import (
    COLUMN_NAMES,
    EXTENSIONS,
    HEADER_ALIASES,
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_XLSX_UNCOMPRESSED,
    PARSERS,
    REQUIRED_COLUMNS,
    REQUIRED_SET,
    CellError,
    token,
)
from .report import FileProblem, Report


@dataclass
class Table:
    headers: list
    rows: list  # (line number, cells), blank rows left out


def _decode(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    elif data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError as error:
        raise FileProblem("Le fichier n'est ni en UTF-8 ni en Windows-1252 : enregistrez-le au format « CSV UTF-8 "
                          "(délimité par des points-virgules) ».") from error


def _delimiter(text: str) -> str:
    """The separator the header line uses most: ``;`` (French Excel), ``,`` or a tab."""
    header = next((line for line in text.splitlines() if line.strip()), "")
    header = re.sub(r'"[^"]*"', "", header)  # a quoted header may hold either sign
    counts = {sign: header.count(sign) for sign in (";", ",", "\t")}
    best = max(counts, key=counts.get)
    return best if counts[best] else ","


def _cell(value):
    """An XLSX cell as the checks read it: text, or a date for date cells."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _is_blank(cells) -> bool:
    return all(cell == "" or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def read_table(data: bytes, file_name: str) -> Table:
    extension = Path(file_name).suffix.lower()
    if extension not in EXTENSIONS:
        raise FileProblem(f"Le fichier « {file_name} » n'est ni un CSV ni un XLSX (extension .csv ou .xlsx).")
    if extension == ".xlsx":
        records = _xlsx_records(data)
    else:
        text = _decode(data)
        records = csv.reader(io.StringIO(text, newline=""), delimiter=_delimiter(text))
    headers, rows = None, []
    try:
        for line, cells in enumerate(records, start=1):
            if len(cells) > MAX_COLUMNS and not _is_blank(cells[MAX_COLUMNS:]):
                raise FileProblem(f"La ligne {line} a {_count(len(cells))} cellules : le fichier en a {MAX_COLUMNS} au "
                                  f"plus par ligne (le format compte {len(COLUMN_NAMES)} colonnes). Supprimez les "
                                  f"colonnes en trop.")
            cells = cells[:MAX_COLUMNS]
            if headers is None:
                if _is_blank(cells):
                    raise FileProblem("La première ligne du fichier doit porter les noms des colonnes : elle est vide.")
                headers = cells
            elif not _is_blank(cells):
                if len(rows) == MAX_ROWS:
                    raise FileProblem(f"Le fichier a plus de {_count(MAX_ROWS)} lignes de données : découpez-le en "
                                      f"fichiers de {_count(MAX_ROWS)} lignes au plus, chacun avec la ligne d'en-tête, "
                                      f"et importez-les l'un après l'autre.")
                rows.append((line, cells))
    except csv.Error as error:
        raise FileProblem(f"Le fichier CSV est mal formé ({error}).") from error
    if headers is None:
        raise FileProblem("Le fichier est vide.")
    return Table(headers, rows)


def _xlsx_records(data: bytes):
    import openpyxl  # only XLSX files need it

    _check_unzipped_size(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds of errors for a damaged file
        raise FileProblem("Le fichier XLSX ne peut pas être lu : enregistrez-le à nouveau depuis votre tableur.") \
            from error
    try:
        sheet = workbook.worksheets[0]
        for row in sheet.iter_rows(values_only=True):
            yield [_cell(value) for value in row]
    finally:
        workbook.close()


def _check_unzipped_size(data: bytes) -> None:
    """An XLSX is a zip: refuse it before openpyxl reads it when its parts would unzip to too much."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError) as error:
        raise FileProblem("Le fichier XLSX ne peut pas être lu : enregistrez-le à nouveau depuis votre tableur.") \
            from error
    if size > MAX_XLSX_UNCOMPRESSED:
        raise FileProblem(f"Le classeur XLSX décompressé pèse {size // (1024 * 1024)} Mo, au-delà des "
                          f"{MAX_XLSX_UNCOMPRESSED // (1024 * 1024)} Mo acceptés : gardez une seule feuille, avec "
                          f"les colonnes du format, ou enregistrez-la en CSV.")


def _count(number: int) -> str:
    return f"{number:,}".replace(",", "\u202f")


def map_headers(headers, report: Report) -> dict:
    """Column name -> position in the row. Missing required columns are errors on line 1."""
    positions, seen_names = {}, {}
    for position, header in enumerate(headers):
        if header == "" or header is None:
            continue
        name = token(header)
        name = HEADER_ALIASES.get(name, name)
        if name not in COLUMN_NAMES:
            report.warnings.append(f"La colonne « {header} » ne fait pas partie du format : elle est ignorée.")
            continue
        if name in positions:
            report.error(1, None, f"la colonne « {name} » figure deux fois dans l'en-tête (« {seen_names[name]} » "
                                  f"et « {header} »).")
            continue
        positions[name], seen_names[name] = position, header
    for name in REQUIRED_COLUMNS:
        if name not in positions:
            report.error(1, None, f"la colonne obligatoire « {name} » est absente de l'en-tête.")
    report.columns = [name for name in COLUMN_NAMES if name in positions]
    return positions


class RawCells:
    """A row's cells as written (date cells as JJ/MM/AAAA), by column name: for messages and the preview only,
    so worked out when asked rather than stored for every row."""

    __slots__ = ("cells", "positions")

    def __init__(self, cells: list, positions: dict):
        self.cells, self.positions = cells, positions

    def __getitem__(self, name: str):
        position = self.positions.get(name)
        cell = self.cells[position] if position is not None and position < len(self.cells) else ""
        if isinstance(cell, datetime.date):
            return cell.strftime("%d/%m/%Y")
        return cell.strip() if isinstance(cell, str) else cell


@dataclass(eq=False)
class Row:
    line: int
    values: dict  # column -> parsed value, None when the cell is empty or wrong
    raw: RawCells  # column -> the cell as written
    bad: set = field(default_factory=set)  # columns whose cell could not be read
    participant: Participant | None = None
    pathway: Pathway | None = None
    session: RecruitmentSession | None = None
    action: str = ""  # created, updated, unchanged
    outcome_defaulted: bool = False


def parse_rows(table: Table, positions: dict, report: Report) -> list[Row]:
    rows = []
    for line, cells in table.rows:
        values, bad = {}, set()
        for name in COLUMN_NAMES:
            position = positions.get(name)
            cell = cells[position] if position is not None and position < len(cells) else ""
            if isinstance(cell, str):
                cell = cell.strip()
            values[name] = None
            if cell == "":
                if name in REQUIRED_SET:
                    report.error(line, name, "cette cellule est obligatoire et elle est vide.")
                    bad.add(name)
                continue
            try:
                values[name] = PARSERS[name](cell)
            except CellError as error:
                report.error(line, name, str(error))
                bad.add(name)
        rows.append(Row(line, values, RawCells(cells, positions), bad))
    return rows
