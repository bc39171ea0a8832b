"""The annual open-data release (issue 16 §2): by calendar quarter and year × national / DISP / region × SIAE kind,
the people counts (entrants and their profile, in the pathway, exits by reason and by outcome) and the rates, the
whole release protected as one table with its margins (``table``, ``suppression``), then written as CSV + JSON + a
README by the command ``publish_release`` and the national staff's page.

No establishment, programme or person in it: the finest published unit is a region × an SIAE kind × a quarter.
"""

import csv
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.template.loader import render_to_string

from programmes.exports import neutralise
from programmes.models import Disp, Region

from ..periods import EARLIEST_YEAR, LATEST_YEAR
from . import LEGEND, SYMBOL, data
from .audit import audit
from .suppression import protect
from .table import NATIONAL, TOTAL, Geography, Table, build

FILES = ("valeurs.csv", "taux.csv", "diffusion.json", "LISEZMOI.md")
HEADERS = ["periode", "niveau", "code", "libelle", "type_siae", "mesure", "categorie", "valeur"]
RATE_HEADERS = ["periode", "niveau", "code", "libelle", "type_siae", "taux", "libelle_taux", "numerateur",
                "denominateur", "valeur"]
LEVELS = {"national": "national", "disp": "DISP", "region": "région"}
MEASURE_LABELS = {"entrees": "Entrées en atelier", "sorties": "Sorties du programme",
                  "en_parcours": "En parcours à la fin de la période"}
# Rates: (key, label, numerator categories (summed), the measure, denominator categories added, subtracted).
RATES = [
    ("part_retours_detention", "Part des retours en détention ordinaire", "sorties",
     ["motif:RETURN_ORDINARY_DETENTION"], [TOTAL], []),
    ("part_liberations", "Part des libérations", "sorties", [data.RELEASES], [TOTAL], []),
    ("taux_sorties_dynamiques", "Taux de sorties dynamiques", "sorties",
     ["situation:DURABLE", "situation:TRANSITION", "situation:POSITIVE"], [TOTAL], ["situation:NEUTRALISED"]),
    ("taux_sortie_emploi", "Taux de sortie vers l'emploi", "sorties",
     ["situation:DURABLE", "situation:TRANSITION"], [TOTAL], ["situation:NEUTRALISED"]),
    ("taux_sortie_emploi_durable", "Taux de sortie vers l'emploi durable", "sorties",
     ["situation:DURABLE"], [TOTAL], ["situation:NEUTRALISED"]),
    *[(f"part_{question}_{answer}", f"Part des entrées {question} : {answer}", "entrees",
       [f"{question}:{answer}"], [TOTAL], [])
      for question, answers in data.PROFILE.items() for answer in answers],
]


def parse_year(value) -> int:
    """The release's year from the command line or the page's form; ValueError (French message) otherwise."""
    text = str(value).strip()
    if not text.isdigit() or not EARLIEST_YEAR <= int(text) <= LATEST_YEAR:
        raise ValueError(f"Année « {text} » non reconnue : attendu une année de {EARLIEST_YEAR} à {LATEST_YEAR}, "
                         "par exemple 2018.")
    return int(text)


def threshold() -> int:
    return settings.INDICATORS_SMALL_CELL_THRESHOLD


@dataclass
class Release:
    year: int
    table: Table
    primary: set
    suppressed: set
    threshold: int
    labels: dict = field(default_factory=dict)  # geography key -> label
    seconds: float = 0.0

    def shown(self, cell):
        return SYMBOL if cell in self.suppressed else self.table.values[cell]

    def published(self) -> dict:
        return {cell: value for cell, value in self.table.values.items() if cell not in self.suppressed}

    def audit(self):
        """The findings of the audit (none for a sound release)."""
        return audit(self.table.equations, self.published(), self.suppressed, self.threshold,
                     known=self.table.values)


def protect_table(table: Table, limit: int | None = None) -> tuple[set, set]:
    return protect(table, limit or threshold())


def build_release(year: int, programmes=None, limit: int | None = None) -> Release:
    """The protected release of ``year`` for ``programmes`` (all of them by default)."""
    started = time.monotonic()
    programmes = data.all_programmes() if programmes is None else programmes
    limit = limit or threshold()
    regions = {str(region): str(disp) for region, disp in data.geography_of(programmes).items() if region}
    table = build(data.finest_counts(programmes, year), year=year, measures=data.MEASURES,
                  geography=Geography(regions), kinds=data.kinds_of(programmes), stock_flow=data.STOCK_FLOW,
                  yearly_categories=True)
    first, suppressed = protect(table, limit)
    labels = {NATIONAL: "France entière"}
    labels |= {f"disp:{code}": name for code, name in Disp.objects.filter(code__in=regions.values())
               .values_list("code", "name")}
    labels |= {f"region:{code}": name for code, name in Region.objects.filter(code__in=regions)
               .values_list("code", "name")}
    return Release(year, table, first, suppressed, limit, labels, time.monotonic() - started)


def _geo(release: Release, geo: str) -> list[str]:
    level, _sep, code = geo.partition(":")
    return [LEVELS[level], code, neutralise(release.labels.get(geo, code))]


def value_rows(release: Release) -> list[list]:
    order = {key: number for number, key in enumerate(sorted(release.table.values, key=_sort_key))}
    return [[period, *_geo(release, geo), kind, measure, category, release.shown(cell)]
            for cell in sorted(release.table.values, key=order.get)
            for measure, category, period, geo, kind in [cell]]


def _sort_key(cell) -> tuple:
    measure, category, period, geo, kind = cell
    level = geo.partition(":")[0]
    return (period[:4], len(period) == 4, period, list(LEVELS).index(level), geo, kind == TOTAL, kind,
            list(MEASURE_LABELS).index(measure), category != TOTAL, category)


def rate(release: Release, measure, numerator, plus, minus, period, geo, kind):
    """The rate in % (one decimal), None when its denominator is 0, ``SYMBOL`` when one of the cells it is built
    on is suppressed (a rate is published only when its numerator and denominator are)."""
    cells = [(measure, c, period, geo, kind) for c in [*numerator, *plus, *minus]]
    if any(cell in release.suppressed for cell in cells):
        return SYMBOL
    values = release.table.values
    top = sum(values[(measure, c, period, geo, kind)] for c in numerator)
    bottom = (sum(values[(measure, c, period, geo, kind)] for c in plus)
              - sum(values[(measure, c, period, geo, kind)] for c in minus))
    return None if bottom <= 0 else round(100 * top / bottom, 1)


def rate_rows(release: Release) -> list[list]:
    rows = []
    units = sorted({(period, geo, kind) for _m, _c, period, geo, kind in release.table.values},
                   key=lambda unit: _sort_key(("entrees", TOTAL, *unit)))
    for period, geo, kind in units:
        for key, label, measure, numerator, plus, minus in RATES:
            if any((measure, c, period, geo, kind) not in release.table.values for c in [*numerator, *plus, *minus]):
                continue  # the categories are published by year only
            value = rate(release, measure, numerator, plus, minus, period, geo, kind)
            top = " + ".join(f"{measure}:{c}" for c in numerator)
            rows.append([period, *_geo(release, geo), kind, key, label, top,
                         " − ".join([" + ".join(f"{measure}:{c}" for c in plus), *[f"{measure}:{c}" for c in minus]]),
                         "" if value is None else value])
    return rows


def write(release: Release, out: Path) -> list[Path]:
    """valeurs.csv, taux.csv, diffusion.json and LISEZMOI.md in ``out`` (created if needed)."""
    out.mkdir(parents=True, exist_ok=True)
    values, rates = value_rows(release), rate_rows(release)
    for name, headers, rows in (("valeurs.csv", HEADERS, values), ("taux.csv", RATE_HEADERS, rates)):
        with open(out / name, "w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle, delimiter=";")
            writer.writerow(headers)
            writer.writerows([_csv(value) for value in row] for row in rows)
    document = {
        "annee": release.year, "seuil": release.threshold, "symbole": SYMBOL, "legende": LEGEND,
        "valeurs": [dict(zip(HEADERS, row, strict=True)) for row in values],
        "taux": [dict(zip(RATE_HEADERS, row, strict=True)) for row in rates],
    }
    (out / "diffusion.json").write_text(json.dumps(document, ensure_ascii=False, indent=1), encoding="utf-8")
    (out / "LISEZMOI.md").write_text(readme(release), encoding="utf-8")
    return [out / name for name in FILES]


def _csv(value):
    """A decimal comma, as in every CSV of the application (the delimiter is ";")."""
    return str(value).replace(".", ",") if isinstance(value, float) else value


def readme(release: Release) -> str:
    return render_to_string("dashboards/release_readme.md", {
        "release": release, "symbol": SYMBOL, "legend": LEGEND, "measures": MEASURE_LABELS, "rates": RATES,
        "cells": len(release.table.values), "suppressed": len(release.suppressed), "primary": len(release.primary),
        "profile": data.PROFILE,
    })


def read_values(path: Path) -> dict:
    """{cell: value or SYMBOL} from a valeurs.csv (what an outsider reads)."""
    cells = {}
    with open(path, newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter=";"):
            level = {label: key for key, label in LEVELS.items()}[row["niveau"]]
            geo = NATIONAL if level == "national" else f"{level}:{row['code']}"
            cell = (row["mesure"], row["categorie"], row["periode"], geo, row["type_siae"])
            cells[cell] = row["valeur"] if row["valeur"] == SYMBOL else int(row["valeur"])
    return cells


def read_rates(path: Path) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter=";"))
