"""Names as searched (issue 18, §1): case, accents, spaces, hyphens and apostrophes ignored, so that "saidi",
"SAÏDI" and "Saïdi" are the same, and "jean pierre" is "Jean-Pierre".

One table of letters, in two forms: ``fold`` in Python (the term typed) and ``Fold`` as a database expression
(the stored columns, ``GeneratedField`` that the database keeps itself, whoever writes the row: forms, services,
the import's bulk statements, the administration, the anonymisation). PostgreSQL computes it with ``lower`` and
``translate`` (both immutable); SQLite (make run) calls ``fold`` itself, registered on each of its connections.
A change of the table needs a migration that recomputes the columns (drop and add them again).
"""

import unicodedata

from django.db.backends.signals import connection_created
from django.db.models import Func, TextField

# Ligatures and letters without a decomposition.
_SPECIAL = {"æ": "ae", "Æ": "ae", "œ": "oe", "Œ": "oe", "ß": "ss", "ø": "o", "Ø": "o", "đ": "d", "Đ": "d",
            "ł": "l", "Ł": "l", "ħ": "h", "Ħ": "h", "ı": "i"}
# Letters of Latin-1 and Latin Extended-A (U+00C0 to U+017F) that are an ASCII letter with marks.
_ACCENTED = {
    char: base.lower()
    for char in map(chr, range(0xC0, 0x180))
    if (base := unicodedata.normalize("NFKD", char)[:1]).isascii() and base.isalpha() and base != char
}
FOLDS = {**_ACCENTED, **_SPECIAL}
REMOVED = " -'’."
SQLITE_FUNCTION = "iae_fold"


def fold(text: str | None) -> str:
    text = (text or "").lower()
    return "".join(FOLDS.get(char, char) for char in text if char not in REMOVED)


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


class Fold(Func):
    """``fold`` of a text column, computed by the database."""

    output_field = TextField()

    def as_postgresql(self, compiler, connection, **extra_context):
        # translate(): one letter for one letter, the separators dropped; replace() for the ligatures.
        single = {char: to for char, to in FOLDS.items() if len(to) == 1}
        source = "".join(single) + REMOVED
        target = "".join(single.values())
        template = f"translate(lower(%(expressions)s), {_quoted(source)}, {_quoted(target)})"
        for char, to in FOLDS.items():
            if len(to) > 1:
                template = f"replace({template}, {_quoted(char)}, {_quoted(to)})"
        return self.as_sql(compiler, connection, template=template, **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, function=SQLITE_FUNCTION, **extra_context)


def _register_on_sqlite(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function(SQLITE_FUNCTION, 1, fold, deterministic=True)


connection_created.connect(_register_on_sqlite)
