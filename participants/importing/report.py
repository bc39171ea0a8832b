"""The report of an import: counts, and every error with its line and column, in French."""

from .format import COLUMN_NAMES


def _sentence_case(message: str) -> str:
    """After "Ligne 12, colonne x :" a rule's message goes on in lower case ("La sortie" -> "la sortie")."""
    if len(message) > 1 and message[0].isupper() and not message[1].isupper():
        return message[0].lower() + message[1:]
    return message


def error_text(error: dict) -> str:
    """"Ligne 12, colonne date_entree : la date « 31/02/2024 » n'existe pas." """
    if error.get("line") is None:
        return error["message"][:1].upper() + error["message"][1:]
    where = f"Ligne {error['line']}" + (f", colonne {error['column']}" if error.get("column") else "")
    return f"{where} : {error['message']}"


class Report:
    def __init__(self, file_name: str, wet_run: bool):
        self.file_name, self.wet_run = file_name, wet_run
        self.errors: list[dict] = []
        self.warnings: list[str] = []
        self.rows = 0
        self.columns: list[str] = []
        self.preview: list[dict] = []
        self.written = False
        self.counts = {kind: {"created": 0, "updated": 0, "unchanged": 0}
                       for kind in ("participants", "sessions", "pathways")}
        self._seen = set()

    def error(self, line: int | None, column: str | None, message: str):
        key = (line, column, message)
        if key not in self._seen:  # one cell may break two rules that say the same thing
            self._seen.add(key)
            # After "Ligne 12, colonne x :" the message goes on in lower case; a file-level message is a sentence.
            text = _sentence_case(message) if line is not None else message[:1].upper() + message[1:]
            self.errors.append({"line": line, "column": column, "message": text})

    def as_dict(self) -> dict:
        self.errors.sort(key=lambda error: (error["line"] or 0, COLUMN_NAMES.index(error["column"])
                                            if error["column"] in COLUMN_NAMES else -1))
        return {"file_name": self.file_name, "wet_run": self.wet_run, "written": self.written, "rows": self.rows,
                "columns": self.columns, "counts": self.counts, "errors": self.errors,
                "error_count": len(self.errors), "warnings": self.warnings, "preview": self.preview}


class FileProblem(Exception):
    """The file cannot be read as a table: nothing is checked further."""


class DataChanged(Exception):
    """Records the import writes were changed by someone else between the check and the write."""
