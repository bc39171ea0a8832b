"""The upload form of the pathway import: a CSV or XLSX file of 5 MB at most."""

from pathlib import Path

from django import forms
from django.core.exceptions import ValidationError

from .importing import EXTENSIONS

MAX_UPLOAD_BYTES = 5 * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="Fichier des parcours",
        help_text="CSV (UTF-8 ou Windows-1252, séparateur point-virgule ou virgule) ou XLSX ; 5 Mo au plus.",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Le fichier est vide."},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(EXTENSIONS), "class": "fr-upload"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in EXTENSIONS:
            raise ValidationError(f"« {upload.name} » n'est ni un CSV ni un XLSX : enregistrez le tableau au format "
                                  ".csv ou .xlsx, puis déposez-le.")
        if upload.size > MAX_UPLOAD_BYTES:
            raise ValidationError(f"Le fichier pèse {_megabytes(upload.size)} Mo : 5 Mo au plus. Découpez-le en "
                                  "plusieurs fichiers (par programme ou par année).")
        return upload
