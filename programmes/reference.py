"""Reference geography (DISP, regions, departments) shipped as CSV files in programmes/data/."""

import csv
from pathlib import Path

DATA_DIR = Path(__file__).resolve().parent / "data"


def read_rows(name: str) -> list[dict[str, str]]:
    with open(DATA_DIR / name, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def load_reference(disp_model, region_model, department_model) -> None:
    """Create or update every reference row; models are passed so migrations can use historical ones."""
    for row in read_rows("disps.csv"):
        disp_model.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "seat": row["seat"]})
    for row in read_rows("regions.csv"):
        region_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "disp_id": row["disp_code"]}
        )
    for row in read_rows("departments.csv"):
        department_model.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "region_id": row["region_code"]}
        )


def load_rates(smic_model, aid_rate_model) -> None:
    """SMIC and aide au poste tables (programmes/data/*.csv); later changes are entered in the admin."""
    for row in read_rows("smic_rates.csv"):
        smic_model.objects.update_or_create(valid_from=row["valid_from"],
                                            defaults={"hourly_amount": row["hourly_amount"]})
    for row in read_rows("aid_rates.csv"):
        aid_rate_model.objects.update_or_create(
            siae_kind=row["siae_kind"], territory=row["territory"], valid_from=row["valid_from"],
            defaults={"base_amount": row["base_amount"], "detention_modulated_pct": row["detention_modulated_pct"]},
        )
