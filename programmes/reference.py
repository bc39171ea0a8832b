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


def _decimal_or_none(text: str) -> str | None:
    return text.strip() or None


def load_rates(smic_model, aid_rate_model) -> None:
    """SMIC and aide au poste tables (programmes/data/*.csv); later changes are entered in the admin.

    An aid row's empty socle is a change whose amount was not found in the sources: loaded empty, never guessed.
    A row the administrator has completed since keeps its amount (the file does not blank it again).
    """
    by_territory = any(field.name == "territory" for field in smic_model._meta.get_fields())
    for row in read_rows("smic_rates.csv"):
        key = {"valid_from": row["valid_from"]}
        if by_territory:
            key["territory"] = row["territory"]
        elif row["territory"] != "METROPOLE":
            continue  # a migration before the SMIC had territories (programmes 0007) loads the metropolitan rows
        smic_model.objects.update_or_create(**key, defaults={"hourly_amount": row["hourly_amount"]})
    for row in read_rows("aid_rates.csv"):
        values = {
            "follows_common": row["follows_common"] == "1",
            "modulated_pct": _decimal_or_none(row["modulated_pct"]),
            "etp_cap_per_establishment": _decimal_or_none(row["etp_cap_per_establishment"]),
            "source": row["source"],
        }
        if row["base_amount"].strip() or values["follows_common"]:
            values["base_amount"] = _decimal_or_none(row["base_amount"])
        aid_rate_model.objects.update_or_create(
            scheme=row["scheme"], siae_kind=row["siae_kind"], territory=row["territory"],
            valid_from=row["valid_from"], defaults=values,
        )
