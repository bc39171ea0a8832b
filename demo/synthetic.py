"""Synthetic data at national scale, for the dashboards' benchmark and the query-budget tests (issue 6, section 5).

This is a generator, not the services path: rows are written in bulk (COPY through psycopg's ``cursor.copy`` on
PostgreSQL, ``bulk_create`` elsewhere), without the services' per-row checks, without the pathway log, and
without the timeline's "recorded by" users. What it writes still satisfies every database constraint and the
pathway rules (participants/rules.py: dates in order, exit reason, outcome and job fields that go together,
the default outcome of each reason, pay at least 45 % of the SMIC in force), so the dashboards count it as they
would count real data.

Every identity is invented and obviously so: participants are ``SYNTH-000123`` « Fictif »/« Fictive », with
numéros d'écrou ``S0000123``; establishments, SIAE and State services are ``SYNTH …``, programme codes
``SYN-0001``; SIRET numbers are built from a counter (valid check digit), never real ones. Nothing is read from
real data. The same seed gives the same rows (only the record timestamps differ).

Scales (``--multiplier`` multiplies establishments, programmes and pathways):

- ``national``: every DISP (9 and the DSPOM) and department of the reference data, about 190 establishments,
  600 programmes run by ACI and EI, 200,000 participants, 250,000 pathways over 2017 to today, 2,000,000
  timeline events;
- ``small``: 4 establishments in two DISP (Paris, Strasbourg), 8 programmes, about 2,000 pathways: for tests.

Synthetic rows already present are replaced. The command refuses to write into a database that holds
non-synthetic pathways (see ``real_pathways``) unless forced.
"""

import datetime
import heapq
import math
import operator
import random
import re
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from dashboards import summaries
from dashboards.models import MonthlySummary
from participants import rules
from participants.enums import (
    DEFAULT_OUTCOME,
    RELEASE_REASONS,
    STAY_ENDING_REASONS,
    AdjustmentDecision,
    CpuOpinion,
    EducationLevel,
    EventKind,
    ExitReason,
    FollowUpMilestone,
    JobContract,
    JobseekerDuration,
    Outcome,
    PathwayStatus,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
    SuspensionReason,
)
from participants.models import (
    AccompanimentEvent,
    FollowUp,
    Participant,
    Pathway,
    PathwayLog,
    RecruitmentSession,
    Suspension,
    age_on,
)
from partners.enums import OrganisationKind
from partners.models import Organisation
from programmes import rates
from programmes.enums import (
    AnnexStatus,
    AspMeasure,
    ConventionStatus,
    EstablishmentKind,
    Funder,
    ProgrammePhase,
    ProgrammeStage,
    QuartierKind,
    SiaeKind,
)
from programmes.models import (
    AidRate,
    Department,
    Disp,
    Establishment,
    FinancialAnnex,
    FundingLine,
    Programme,
    Quartier,
    Region,
    Siae,
    SmicRate,
    StateConvention,
)
from programmes.reference import load_reference
from programmes.validators import luhn_is_valid

PARTICIPANT_PREFIX = "SYNTH-"  # participants' last names: what tells a synthetic pathway from a real one
NAME_PREFIX = "SYNTH "  # establishments, SIAE, State services
PROGRAMME_PREFIX = "SYN-"
MARK = "Données synthétiques"  # SIAE.network: "Données synthétiques v1 — échelle national, graine 1, ×1"
VERSION = 1  # of the drawing: raise it when the same seed would give other rows (the benchmark then regenerates)
HISTORY_START = datetime.date(2017, 1, 1)
DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Scale:
    name: str
    establishments: int
    programmes: int
    pathways: int
    disps: tuple[str, ...] = ()  # empty: every DISP of the reference data


SCALES = {
    "national": Scale("national", establishments=190, programmes=600, pathways=250_000),
    "small": Scale("small", establishments=4, programmes=8, pathways=2_000, disps=("DISP_PARIS", "DISP_STRASBOURG")),
}


def real_pathways():
    """Pathways that are not synthetic: the generator does not write beside them unless forced."""
    return Pathway.objects.exclude(participant__last_name__startswith=PARTICIPANT_PREFIX)


def describe() -> str | None:
    """The mark of the synthetic data present (see ``mark``), or None."""
    return (Siae.objects.filter(network__startswith=MARK).order_by("pk").values_list("network", flat=True).first())


def mark(scale: str, seed: int, multiplier: int) -> str:
    return f"{MARK} v{VERSION} — échelle {scale}, graine {seed}, ×{multiplier}"


def synthetic_siret(index: int) -> str:
    base = f"7{index:012d}"
    return next(base + str(digit) for digit in range(10) if luhn_is_valid(base + str(digit)))


def weekdays(first: datetime.date, last: datetime.date) -> int:
    """Monday-to-Friday days from ``first`` to ``last``, both included (0 when last < first)."""
    days = (last - first).days + 1
    if days <= 0:
        return 0
    weeks, rest = divmod(days, 7)
    start = first.weekday()
    return weeks * 5 + sum(1 for n in range(rest) if (start + n) % 7 < 5)


def month_starts(first: datetime.date, last: datetime.date):
    """The first day of each month from ``first``'s month to ``last``'s."""
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        yield datetime.date(year, month, 1)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _asp_department(code: str) -> str:
    """The department on 3 digits in an ASP number (Corsica's 2A / 2B as 020 / 021: digits only)."""
    return {"2A": "020", "2B": "021"}.get(code, re.sub(r"\D", "0", code.zfill(3))[-3:])


# --- Writing in bulk -------------------------------------------------------------------------------------


class _Table:
    """Rows of one model as tuples in the order of its concrete fields, with each field's default filled in."""

    def __init__(self, model, now):
        self.model = model
        # The database computes its generated columns (the names as searched: core.search).
        self.fields = [f for f in model._meta.concrete_fields if not f.generated]
        self.names = [f.attname for f in self.fields]
        self.defaults, self.required = {}, set()
        for f in self.fields:
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.attname] = now
            elif f.has_default() and not callable(f.default):
                self.defaults[f.attname] = f.default
            elif f.null:
                self.defaults[f.attname] = None
            elif isinstance(f, (models.CharField, models.TextField, models.FileField)):
                self.defaults[f.attname] = ""
            else:
                self.required.add(f.attname)
        self.row_of = operator.itemgetter(*self.names)
        self.rows: list[tuple] = []

    def add(self, values: dict):
        if not self.required <= values.keys():
            missing = ", ".join(sorted(self.required - values.keys()))
            raise ValueError(f"{self.model.__name__} : valeur manquante pour {missing}")
        self.rows.append(self.row_of({**self.defaults, **values}))


class Writer:
    """Buffers rows per model; COPY on PostgreSQL, bulk_create elsewhere. Flushes every ``batch`` rows."""

    ORDER = [Organisation, Establishment, Quartier, Siae, Programme, StateConvention, FinancialAnnex, FundingLine,
             RecruitmentSession, Participant, Pathway, Suspension, AccompanimentEvent, FollowUp]

    def __init__(self, now, batch: int = 100_000):
        self.tables = {model: _Table(model, now) for model in self.ORDER}
        self.batch = batch
        self.counts: Counter = Counter()
        self.copy = connection.vendor == "postgresql"

    def add(self, model, **values):
        table = self.tables[model]
        table.add(values)
        if len(table.rows) >= self.batch:
            self.flush(model)

    def flush(self, model=None):
        for current in ([model] if model else self.ORDER):
            table = self.tables[current]
            if not table.rows:
                continue
            if self.copy:
                self._copy(table)
            else:
                names = table.names
                current.objects.bulk_create([current(**dict(zip(names, row, strict=True))) for row in table.rows],
                                            batch_size=2000)
            self.counts[current] += len(table.rows)
            table.rows = []

    @staticmethod
    def _copy(table: _Table):
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in table.fields)
        with connection.cursor() as cursor:
            # Django's cursor wraps psycopg's: COPY ... FROM STDIN streams the rows in one statement.
            with cursor.cursor.copy(f"COPY {quote(table.model._meta.db_table)} ({columns}) FROM STDIN") as copy:
                for row in table.rows:
                    copy.write_row(row)


def _delete(queryset) -> int:
    """DELETE of the rows of a queryset in one statement (no cascade, no signal: the generator's own rows)."""
    model = queryset.model
    sql, params = queryset.values("pk").query.sql_with_params()
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {quote(model._meta.db_table)} WHERE {quote(model._meta.pk.column)} IN ({sql})",
                       params)
        return cursor.rowcount


def wipe() -> int:
    """Remove the synthetic rows (children first). Returns how many pathways went."""
    pathways = Pathway.objects.filter(participant__last_name__startswith=PARTICIPANT_PREFIX)
    programmes = Programme.objects.filter(code__startswith=PROGRAMME_PREFIX)
    siaes = Siae.objects.filter(network__startswith=MARK)
    _delete(AccompanimentEvent.objects.filter(pathway__in=pathways))
    _delete(FollowUp.objects.filter(pathway__in=pathways))
    _delete(Suspension.objects.filter(pathway__in=pathways))
    _delete(PathwayLog.objects.filter(pathway__in=pathways))
    removed = _delete(pathways)
    _delete(Participant.objects.filter(last_name__startswith=PARTICIPANT_PREFIX))
    _delete(RecruitmentSession.objects.filter(programme__in=programmes))
    _delete(FundingLine.objects.filter(programme__in=programmes))
    _delete(FinancialAnnex.objects.filter(convention__siae__in=siaes))
    _delete(StateConvention.objects.filter(siae__in=siaes))
    _delete(MonthlySummary.objects.filter(programme__in=programmes))
    _delete(programmes)
    _delete(siaes)
    _delete(Quartier.objects.filter(establishment__name__startswith=NAME_PREFIX))
    _delete(Establishment.objects.filter(name__startswith=NAME_PREFIX))
    _delete(Organisation.objects.filter(kind=OrganisationKind.DDETS, name__startswith=NAME_PREFIX))
    return removed


# --- What the data looks like ----------------------------------------------------------------------------

ESTABLISHMENT_KINDS = [(EstablishmentKind.MA, 40), (EstablishmentKind.CP, 30), (EstablishmentKind.CD, 16),
                       (EstablishmentKind.MC, 4), (EstablishmentKind.CSL, 6), (EstablishmentKind.CPA, 4)]
QUARTIERS_OF = {
    EstablishmentKind.MA: [QuartierKind.QA, QuartierKind.QMA],
    EstablishmentKind.CP: [QuartierKind.QA, QuartierKind.QMA, QuartierKind.QCD, QuartierKind.QSL],
    EstablishmentKind.CD: [QuartierKind.QCD],
    EstablishmentKind.MC: [QuartierKind.QMC],
    EstablishmentKind.CSL: [QuartierKind.QSL],
    EstablishmentKind.CPA: [QuartierKind.QPA],
}
# Larger departments hold more establishments (a rough weight: Île-de-France, big cities, the north).
BIG_DEPARTMENTS = {"13": 4, "59": 4, "69": 3, "75": 2, "77": 3, "78": 2, "91": 3, "92": 2, "93": 2, "94": 3,
                   "95": 2, "33": 3, "31": 3, "34": 2, "44": 2, "67": 2, "57": 2, "62": 3, "06": 2, "83": 2,
                   "974": 2, "971": 2, "972": 2, "973": 2}
ACTIVITIES = [
    ("Recyclage et tri", "Tri et démantèlement de déchets électriques et électroniques"),
    ("Recyclage et tri", "Tri de textiles"),
    ("Logistique", "Conditionnement et préparation de commandes"),
    ("Bois et ameublement", "Reconditionnement de palettes"),
    ("Bois et ameublement", "Restauration de meubles"),
    ("Restauration", "Cuisine et restauration collective"),
    ("Espaces verts", "Entretien des espaces verts"),
    ("Maraîchage", "Maraîchage biologique"),
    ("Textile", "Couture et retouche"),
    ("Numérique", "Reconditionnement de matériel informatique"),
    ("Bâtiment", "Second œuvre du bâtiment"),
    ("Propreté", "Nettoyage et blanchisserie"),
]
# Start years of the programmes: the pilots from 2017, the deployment after 2022.
START_YEARS = [(2017, 10), (2018, 12), (2019, 12), (2020, 10), (2021, 11), (2022, 13), (2023, 12), (2024, 11),
               (2025, 9)]

EXIT_REASONS = [
    (ExitReason.RETURN_ORDINARY_DETENTION, 28), (ExitReason.RELEASE_END_OF_SENTENCE, 22),
    (ExitReason.RELEASE_ADJUSTMENT, 24), (ExitReason.TRANSFER, 8), (ExitReason.RESIGNATION, 7),
    (ExitReason.TERMINATION, 4), (ExitReason.HEALTH, 3), (ExitReason.OTHER, 4),
]
RELEASE_OUTCOMES = [(Outcome.DURABLE, 17), (Outcome.TRANSITION, 20), (Outcome.POSITIVE, 20), (Outcome.OTHER, 40),
                    (Outcome.NEUTRALISED, 3)]
FOLLOW_UP_SITUATIONS = [(Outcome.DURABLE, 20), (Outcome.TRANSITION, 18), (Outcome.POSITIVE, 14),
                        (Outcome.OTHER, 44), (Outcome.NEUTRALISED, 4)]
RETURN_REASONS = [(ReturnReason.OWN_REQUEST, 30), (ReturnReason.INSUFFICIENCY, 20), (ReturnReason.ACCOMPANIMENT, 20),
                  (ReturnReason.DISCIPLINARY, 22), (ReturnReason.SECURITY, 8)]
ADJUSTMENTS = [(SentenceAdjustment.SL, 22), (SentenceAdjustment.PE, 18), (SentenceAdjustment.DDSE, 25),
               (SentenceAdjustment.LC, 20), (SentenceAdjustment.LSC, 15)]
EDUCATION = [(EducationLevel.NONE, 42), (EducationLevel.LEVEL_3, 32), (EducationLevel.LEVEL_4, 16),
             (EducationLevel.LEVEL_5, 7), (EducationLevel.LEVEL_6, 3)]
JOBSEEKER = [(JobseekerDuration.NONE, 62), (JobseekerDuration.DELD, 20), (JobseekerDuration.DETLD, 18)]
HOURS_PER_WEEK = [(Decimal(20), 2), (Decimal(24), 4), (Decimal(26), 5), (Decimal(28), 3), (Decimal(30), 3),
                  (Decimal(35), 1)]
REAPPLY = 0.2  # chance that a candidacy is a new one of someone who may apply again (about 200,000 people)
NOT_SELECTED_REASON = "Motif synthétique : candidature à représenter plus tard."
RECORDED_BY = "Données synthétiques"


def _weighted(pairs):
    values, weights = zip(*pairs, strict=True)
    cumulative, total = [], 0
    for weight in weights:
        total += weight
        cumulative.append(total)
    return list(values), cumulative


@dataclass
class _Person:
    index: int
    id: uuid.UUID
    establishment_id: int
    birth_date: datetime.date
    sex: str
    profile: dict
    expected_release: datetime.date | None = None
    stay_ended_on: datetime.date | None = None


@dataclass
class _Programme:
    id: int
    code: str
    establishment_id: int
    siae_id: int
    siae_kind: str
    department: str
    start: datetime.date
    end: datetime.date | None
    places: int
    etp: Decimal
    share: float = 0.0
    pathways: int = 0
    sessions: list = field(default_factory=list)


class Generator:
    def __init__(self, *, scale: str = "small", seed: int = 1, multiplier: int = 1, today=None, log=print):
        if scale not in SCALES:
            raise ValueError(f"Échelle « {scale} » inconnue : {', '.join(SCALES)}.")
        self.scale = SCALES[scale]
        self.seed, self.multiplier = seed, max(1, int(multiplier))
        self.rng = random.Random(seed)
        self.today = today or timezone.localdate()
        self.log = log
        self.now = timezone.now()
        self.writer = Writer(self.now)
        self.next_id: dict = {}
        self.person_count = 0
        self.started = time.monotonic()
        self.choices = {name: _weighted(pairs) for name, pairs in {
            "reason": EXIT_REASONS, "release_outcome": RELEASE_OUTCOMES, "follow_up": FOLLOW_UP_SITUATIONS,
            "return_reason": RETURN_REASONS, "adjustment": ADJUSTMENTS, "education": EDUCATION,
            "jobseeker": JOBSEEKER, "hours": HOURS_PER_WEEK, "establishment_kind": ESTABLISHMENT_KINDS,
            "start_year": START_YEARS}.items()}

    # --- helpers ------------------------------------------------------------------------------------------

    def pick(self, name: str):
        values, cumulative = self.choices[name]
        return self.rng.choices(values, cum_weights=cumulative)[0]

    def new_id(self, model) -> int:
        if model not in self.next_id:
            self.next_id[model] = (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1
        value = self.next_id[model]
        self.next_id[model] += 1
        return value

    def uuid(self) -> uuid.UUID:
        return uuid.UUID(int=self.rng.getrandbits(128), version=4)

    def elapsed(self) -> str:
        return f"{time.monotonic() - self.started:.0f} s"

    # --- the run ------------------------------------------------------------------------------------------

    def run(self) -> dict:
        with transaction.atomic():
            removed = wipe()
            if removed:
                self.log(f"Données synthétiques précédentes supprimées ({removed:,} parcours).".replace(",", " "))
            self._reference()
            self._structures()
            self._people()
            self.writer.flush()
            self._reset_sequences()
            # COPY sends no signal: the dashboards' summaries of the generated programmes, in the same transaction.
            summaries.refresh(Programme.objects.filter(code__startswith=PROGRAMME_PREFIX).values_list("pk", flat=True))
        self._analyze()
        counts = self.counts()
        self.log(f"Terminé en {self.elapsed()}.")
        return counts

    def counts(self) -> dict:
        written = self.writer.counts
        return {
            "establishments": written[Establishment], "siae": written[Siae], "programmes": written[Programme],
            "conventions": written[StateConvention], "annexes": written[FinancialAnnex],
            "funding_lines": written[FundingLine], "sessions": written[RecruitmentSession],
            "participants": written[Participant], "pathways": written[Pathway], "events": written[AccompanimentEvent],
            "follow_ups": written[FollowUp], "suspensions": written[Suspension],
        }

    def _reference(self):
        """DISP, regions and departments come from the reference migration; load them if they are missing."""
        if not Department.objects.exists():
            load_reference(Disp, Region, Department)
        self.smic_rates = list(SmicRate.objects.all())
        self.aid_rates = list(AidRate.objects.all())
        if not self.smic_rates or not self.aid_rates:
            raise RuntimeError("Les barèmes du SMIC et de l'aide au poste manquent (migration programmes 0004).")

    def _smic(self, day):
        return rates.smic_in_force(self.smic_rates, day) or self.smic_rates[-1].hourly_amount

    def _aid(self, kind, measure, etp, start, end) -> tuple[Decimal, Decimal]:
        """ETP and aid of an annex from the table in force at its start (programmes.rates), the ETP within the cap of
        the specific prison aid; where the table lacks the socle (ACI from 2025, not found), the latest socle it
        knows, as a signed annex might say (a demo figure, never written to the table)."""
        try:
            socle = rates.aid_socle_in_force(self.aid_rates, siae_kind=kind, territory="METROPOLE", measure=measure,
                                             day=start)
        except ValidationError:
            known = max((r for r in self.aid_rates if r.scheme == "COMMON" and r.siae_kind == kind
                         and r.territory == "METROPOLE" and r.base_amount and r.valid_from <= start),
                        key=lambda r: r.valid_from)
            socle = rates.AidSocle(socle=known.base_amount, modulated_pct=Decimal(5), etp_cap=None, socle_row=known,
                                   rule_row=known)
        if socle.etp_cap is not None:
            etp = min(etp, socle.etp_cap)
        days, year_days = rates.year_share(start, end)
        return etp, rates.AidComputation(etp=etp, socle=socle, days=days, year_days=year_days).amount

    # --- establishments, SIAE, programmes, conventions, funding --------------------------------------------

    def _structures(self):
        rng, scale, m = self.rng, self.scale, self.multiplier
        departments = Department.objects.select_related("region").order_by("code")
        if scale.disps:
            departments = departments.filter(region__disp_id__in=scale.disps)
        departments = list(departments)
        if not departments:
            raise RuntimeError("Aucun département de référence pour cette échelle.")
        wanted = scale.establishments * m
        # Every department gets one establishment (round robin when there are fewer establishments), then more
        # for the larger ones.
        spread = [departments[n % len(departments)] for n in range(min(wanted, len(departments)))]
        if scale.disps:  # small scales: alternate the DISP so that each has establishments
            by_disp = {}
            for department in departments:
                by_disp.setdefault(department.region.disp_id, []).append(department)
            lists = [by_disp[code] for code in scale.disps if code in by_disp]
            spread = [lists[n % len(lists)][(n // len(lists)) % len(lists[n % len(lists)])] for n in range(wanted)]
        weights = [BIG_DEPARTMENTS.get(d.code, 1) for d in departments]
        while len(spread) < wanted:
            spread.append(rng.choices(departments, weights=weights)[0])

        ddets = {}
        for department in sorted({d.code: d for d in spread}.values(), key=lambda d: d.code):
            ddets[department.code] = org = self.new_id(Organisation)
            self.writer.add(Organisation, id=org, kind=OrganisationKind.DDETS.value,
                            name=f"{NAME_PREFIX}DDETS ({department.code})", department_id=department.code)

        establishments = []
        for number, department in enumerate(spread, start=1):
            kind = self.pick("establishment_kind")
            pk = self.new_id(Establishment)
            self.writer.add(Establishment, id=pk, name=f"{NAME_PREFIX}{kind.value} {number:03d} ({department.code})",
                            kind=kind.value, department_id=department.code,
                            address=f"Adresse fictive, {department.name}")
            quartiers = []
            for quartier_kind in QUARTIERS_OF[kind]:
                quartier = self.new_id(Quartier)
                self.writer.add(Quartier, id=quartier, establishment_id=pk, kind=quartier_kind.value)
                quartiers.append(quartier)
            establishments.append((pk, department, quartiers))

        # Programmes: each establishment one at least, the others where the larger ones are.
        count = scale.programmes * m
        hosts = [establishments[n % len(establishments)] for n in range(min(count, len(establishments)))]
        while len(hosts) < count:
            hosts.append(rng.choice(establishments))
        self.programmes: list[_Programme] = []
        siaes_by_region: dict = {}
        siae_count = 0
        for number, (establishment, department, quartiers) in enumerate(hosts, start=1):
            region_siaes = siaes_by_region.setdefault(department.region_id, [])
            if region_siaes and rng.random() < 0.2:  # an SIAE running a second programme in its region
                siae_id, siae_kind, siae_department = rng.choice(region_siaes)
            else:
                siae_count += 1
                siae_id, siae_kind = self.new_id(Siae), (SiaeKind.ACI if rng.random() < 0.72 else SiaeKind.EI)
                siae_department = department.code
                self.writer.add(Siae, id=siae_id, name=f"{NAME_PREFIX}SIAE {siae_count:04d} ({siae_kind.value})",
                                kind=siae_kind.value, siret=synthetic_siret(siae_count),
                                legal_form="Association" if siae_kind == SiaeKind.ACI else "SAS",
                                network=mark(scale.name, self.seed, m), department_id=department.code,
                                address=f"Adresse fictive, {department.name}")
                region_siaes.append((siae_id, siae_kind, siae_department))
            year = self.pick("start_year")
            start = datetime.date(year, 1, 1) + DAY * rng.randint(0, 364)
            start = min(start, self.today - DAY * 120)
            end = None
            if rng.random() < 0.06 and (self.today - start).days > 800:  # a programme that has closed
                end = start + DAY * rng.randint(700, (self.today - start).days - 90)
            places = rng.choice([6, 8, 10, 12, 12, 15, 16, 20, 24, 30])
            etp = (Decimal(places) * Decimal(26) / Decimal(35)).quantize(Decimal("0.01"))
            sector, activity = rng.choice(ACTIVITIES)
            pk = self.new_id(Programme)
            code = f"{PROGRAMME_PREFIX}{number:04d}"
            self.writer.add(Programme, id=pk, code=code, siae_id=siae_id, establishment_id=establishment,
                            quartier_id=rng.choice(quartiers + [None]), activity=activity, sector=sector,
                            start_date=start, end_date=end,
                            phase=(ProgrammePhase.PILOT if year <= 2018 else ProgrammePhase.DEPLOYMENT).value,
                            stage=(ProgrammeStage.BILAN if end else ProgrammeStage.MISE_EN_OEUVRE).value,
                            places_planned=places, etp_planned=etp)
            self.programmes.append(_Programme(pk, code, establishment, siae_id, siae_kind, siae_department, start,
                                              end, places, etp))
        self._conventions(ddets)
        self.log(f"Structures : {len(establishments)} établissements, {siae_count} SIAE, "
                 f"{len(self.programmes)} programmes ({self.elapsed()}).")

    def _conventions(self, ddets: dict):
        """One State convention per SIAE over its programmes' years, one validated annex a year (next year's in
        draft), and each programme's funding lines (the State's aid, and some local funders)."""
        rng, today = self.rng, self.today
        by_siae: dict = {}
        for programme in self.programmes:
            by_siae.setdefault(programme.siae_id, []).append(programme)
        structure = 5000  # demo ASP numbers use 0001 to 0008: no clash when both are loaded
        for siae_id, programmes in by_siae.items():
            structure += 1
            kind, department = programmes[0].siae_kind, programmes[0].department
            first = min(p.start for p in programmes)
            open_programmes = [p for p in programmes if p.end is None]
            last_year = today.year + 1 if open_programmes else max(p.end for p in programmes).year
            convention = self.new_id(StateConvention)
            self.writer.add(StateConvention, id=convention, siae_id=siae_id, authority_id=ddets[department],
                            reference=f"SYNTH-{siae_id}", start_date=datetime.date(first.year, 1, 1),
                            end_date=datetime.date(last_year, 12, 31),
                            status=(ConventionStatus.ACTIVE if last_year >= today.year
                                    else ConventionStatus.EXPIRED).value)
            measure = AspMeasure.ACI_MP if kind == SiaeKind.ACI else AspMeasure.EI_MP
            for year in range(first.year, last_year + 1):
                start, end = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
                running = [p for p in programmes if p.start <= end and (p.end is None or p.end >= start)]
                if not running:
                    continue
                etp = sum((p.etp for p in running), Decimal(0))
                annex_start = max(start, min(p.start for p in running))
                annex_etp, aid = self._aid(kind, measure, etp, annex_start, end)
                self.writer.add(FinancialAnnex, id=self.new_id(FinancialAnnex), convention_id=convention,
                                asp_number=f"{kind.value}{_asp_department(department)}{year % 100:02d}{structure:04d}",
                                measure=measure.value, year=year, start_date=annex_start, end_date=end, etp=annex_etp,
                                aid_amount=aid,
                                status=(AnnexStatus.DRAFT if year > today.year else AnnexStatus.VALIDATED).value)
                if year > today.year:
                    continue
                for programme in running:
                    share = (aid * programme.etp / etp).quantize(Decimal("0.01"))
                    self.writer.add(FundingLine, id=self.new_id(FundingLine), programme_id=programme.id, year=year,
                                    funder=Funder.STATE.value, amount=share)
        for programme in self.programmes:
            local = [(funder, low, high) for funder, p, low, high in [
                (Funder.DEPARTEMENT, 0.35, 5_000, 40_000), (Funder.REGION, 0.15, 10_000, 60_000),
                (Funder.EPCI, 0.10, 2_000, 15_000)] if rng.random() < p]
            last = (programme.end or today).year
            for year in range(programme.start.year, last + 1):
                for funder, low, high in local:
                    self.writer.add(FundingLine, id=self.new_id(FundingLine), programme_id=programme.id, year=year,
                                    funder=funder.value, amount=Decimal(rng.randrange(low, high, 500)))

    # --- sessions, people, pathways, timelines ------------------------------------------------------------

    def _people(self):
        rng, today = self.rng, self.today
        total = self.scale.pathways * self.multiplier
        for programme in self.programmes:
            last = min(programme.end - DAY * 120 if programme.end else today, today)
            day = programme.start + DAY * rng.randint(20, 45)
            while day <= last:
                programme.sessions.append(day)
                day += DAY * rng.randint(35, 60)
            if not programme.sessions:
                programme.sessions.append(min(programme.start + DAY * 20, today))
            programme.share = programme.places * len(programme.sessions)
        weight = sum(p.share for p in self.programmes)
        done, step = 0, max(1, len(self.programmes) // 10)
        for number, programme in enumerate(self.programmes, start=1):
            self._programme_people(programme, round(total * programme.share / weight))
            done += programme.pathways
            if number % step == 0 or number == len(self.programmes):
                events = self.writer.counts[AccompanimentEvent] + len(self.writer.tables[AccompanimentEvent].rows)
                self.log(f"  programmes {number}/{len(self.programmes)} : {done:,} parcours, {events:,} actions "
                         f"({self.elapsed()})".replace(",", " "))

    def _programme_people(self, programme: _Programme, wanted: int):
        rng = self.rng
        sessions = programme.sessions
        per_session = [wanted // len(sessions)] * len(sessions)
        for n in rng.sample(range(len(sessions)), wanted % len(sessions)):
            per_session[n] += 1
        people: dict[int, _Person] = {}
        pool: list[tuple[datetime.date, int]] = []  # heap of people who may apply again: (from, person index)
        for date, candidates in zip(sessions, per_session, strict=True):
            session = self.new_id(RecruitmentSession)
            self.writer.add(RecruitmentSession, id=session, programme_id=programme.id, date=date,
                            information_meeting_on=date - DAY * rng.randint(14, 24),
                            interviews_on=date - DAY * rng.randint(3, 9))
            for _ in range(candidates):
                person = None
                # Someone not selected, or back in ordinary detention, applies again a month later at least.
                if pool and pool[0][0] < date - DAY * 30 and rng.random() < REAPPLY:
                    person = people[heapq.heappop(pool)[1]]
                if person is None:
                    person = self._person(programme, date)
                    people[person.index] = person
                closed = self._pathway(programme, session, date, person)
                if closed:
                    heapq.heappush(pool, (closed, person.index))
                programme.pathways += 1
        for person in people.values():
            self.writer.add(Participant, id=person.id, establishment_id=programme.establishment_id,
                            ecrou=f"S{person.index:07d}", ecrou_key=f"S{person.index:07d}",
                            stay_ended_on=person.stay_ended_on, last_name=f"{PARTICIPANT_PREFIX}{person.index:06d}",
                            first_names="Fictive" if person.sex == Sex.F else "Fictif", birth_date=person.birth_date,
                            sex=person.sex, expected_release_date=person.expected_release, **person.profile)

    def _person(self, programme: _Programme, date: datetime.date) -> _Person:
        rng = self.rng
        self.person_count += 1
        band = rng.random()
        age = rng.randint(18, 25) if band < 0.27 else rng.randint(26, 49) if band < 0.88 else rng.randint(50, 66)
        birth = date - DAY * (age * 365 + rng.randint(30, 330))
        benefits = rng.random()
        profile = {"rsa": benefits < 0.24, "ass": 0.24 <= benefits < 0.29, "aah": 0.29 <= benefits < 0.33,
                   "jobseeker": self.pick("jobseeker").value, "education_level": self.pick("education").value,
                   "rqth": rng.random() < 0.06}
        return _Person(self.person_count, self.uuid(), programme.establishment_id, birth,
                       (Sex.F if rng.random() < 0.07 else Sex.M).value, profile,
                       expected_release=date + DAY * rng.randint(120, 900))

    def _pathway(self, programme: _Programme, session: int, date: datetime.date, person: _Person):
        """Write one pathway and its timeline; returns the day it closed when the person may apply again."""
        rng, today = self.rng, self.today
        row = {"id": self.uuid(), "participant_id": person.id, "programme_id": programme.id, "session_id": session,
               "version": 1}
        add = self.writer.add
        if date > today - DAY * 7 and rng.random() < 0.8:  # the commission has not decided yet
            add(Pathway, status=PathwayStatus.CANDIDATE.value, **row)
            return None
        draw = rng.random()
        if draw < 0.25:
            add(Pathway, status=PathwayStatus.NOT_SELECTED.value, decision=SessionDecision.NOT_SELECTED.value,
                decision_reason=NOT_SELECTED_REASON, **row)
            return date
        if draw < 0.31:
            add(Pathway, status=PathwayStatus.WITHDRAWN.value, decision=SessionDecision.WITHDRAWN.value,
                withdrawn_on=date, **row)
            return date
        row.update(decision=SessionDecision.SELECTED.value, cpu_opinion=CpuOpinion.FAVOURABLE.value)
        classified = date + DAY * rng.randint(3, 14)
        if classified > today:
            add(Pathway, status=PathwayStatus.SELECTED.value, **row)
            return None
        assigned = classified + DAY * rng.randint(0, 21)
        if assigned > today:
            add(Pathway, status=PathwayStatus.CLASSIFIED.value, classified_on=classified, **row)
            return None
        start = assigned + DAY * rng.randint(0, 10)
        row.update(classified_on=classified, assigned_on=assigned)
        if start > today:
            add(Pathway, status=PathwayStatus.ASSIGNED.value, **row)
            return None
        if rng.random() < 0.05:  # withdraws before the workshop
            add(Pathway, status=PathwayStatus.WITHDRAWN.value, withdrawn_on=start, **row)
            return start
        hours = self.pick("hours")
        floor = rates.pay_floor(self._smic(start))
        row.update(contract_kind=rules.contract_kind_on(start).value, contract_start=start, contract_signed_on=start,
                   age_at_entry=age_on(person.birth_date, start),
                   hours_per_week=hours, hourly_pay=floor + Decimal(rng.choice([0, 0, 0, 10, 25, 50])) / 100)
        days = int(math.exp(rng.gauss(math.log(170), 0.65)))
        exit_on = start + DAY * min(900, max(7, days))
        if programme.end and exit_on > programme.end:
            exit_on = max(start, programme.end)
        if exit_on > today:
            suspended = rng.random() < 0.03 and (today - start).days > 30
            last = today
            if suspended:
                since = today - DAY * rng.randint(3, min(40, (today - start).days - 10))
                add(Suspension, id=self.new_id(Suspension), pathway_id=row["id"], start=since,
                    reason=rng.choice(list(SuspensionReason)).value)
                last = since - DAY
            status = PathwayStatus.SUSPENDED if suspended else PathwayStatus.IN_WORKSHOP
            add(Pathway, status=status.value, **row)
            self._timeline(row["id"], start, last, None, hours)
            return None
        reason = self.pick("reason")
        outcome = self._exit(row, reason)
        add(Pathway, status=PathwayStatus.EXITED.value, exit_on=exit_on, exit_reason=reason.value, **row)
        person.expected_release = exit_on if reason in RELEASE_REASONS else person.expected_release
        if reason in STAY_ENDING_REASONS:
            person.stay_ended_on = exit_on
        self._timeline(row["id"], start, exit_on, reason, hours)
        if reason in RELEASE_REASONS:
            self._follow_ups(row["id"], exit_on, outcome)
        return None if reason in STAY_ENDING_REASONS else exit_on

    def _exit(self, row: dict, reason) -> str:
        """Outcome and the fields that go with the reason (rules.check_exit holds for every one)."""
        rng = self.rng
        if reason in RELEASE_REASONS:
            outcome = self.pick("release_outcome")
        else:
            outcome = DEFAULT_OUTCOME.get(reason, Outcome.OTHER)
        outcome = outcome.value
        row["outcome"] = outcome
        if reason == ExitReason.RELEASE_ADJUSTMENT:
            row["adjustment"] = self.pick("adjustment").value
        if reason == ExitReason.RETURN_ORDINARY_DETENTION:
            row["return_reason"] = self.pick("return_reason").value
        if outcome == Outcome.DURABLE:
            contract = rng.choices([JobContract.CDI, JobContract.CDD, JobContract.INTERIM, JobContract.PUBLIC_SERVICE,
                                    JobContract.BUSINESS_CREATION], weights=[45, 30, 12, 7, 6])[0]
            row["job_contract"] = contract.value
            if contract in (JobContract.CDD, JobContract.INTERIM):
                row["job_months"] = rng.randint(7, 24)
        elif outcome == Outcome.TRANSITION:
            contract = rng.choices([JobContract.CDD, JobContract.INTERIM, JobContract.SUBSIDISED],
                                   weights=[45, 35, 20])[0]
            row["job_contract"] = contract.value
            if contract != JobContract.SUBSIDISED:
                row["job_months"] = rng.randint(1, 6)
        elif outcome == Outcome.POSITIVE and rng.random() < 0.4:
            row["job_contract"] = JobContract.CDDI.value  # hired by an SIAE outside; otherwise a training
        return outcome

    def _timeline(self, pathway, start: datetime.date, last: datetime.date, reason, hours: Decimal):
        """Monthly hours worked on the 1st of each month, CIP interviews, workshops, trainings, PMSMP, and the
        release preparation, all between the start and ``last`` (the exit, or today)."""
        rng, add = self.rng, self.writer.add
        common = {"pathway_id": pathway, "recorded_by_label": RECORDED_BY}

        def event(kind, on, **extra):
            add(AccompanimentEvent, id=self.new_id(AccompanimentEvent), kind=kind, on=on, **common, **extra)

        stay = (last - start).days
        for month in month_starts(start, last):
            next_month = datetime.date(month.year + month.month // 12, month.month % 12 + 1, 1)
            days = weekdays(max(month, start), min(last, next_month - DAY))
            worked = Decimal(days) * hours / 5 * Decimal(rng.randint(82, 100)) / 100
            event(EventKind.HOURS_WORKED.value, month,
                  hours=(worked * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2)
        day = start + DAY * rng.randint(1, 5)
        while day <= last:
            event(EventKind.CIP_INTERVIEW.value, day, detail="Entretien synthétique")
            day += DAY * rng.randint(50, 80)
        if stay > 30 and rng.random() < 0.45:
            event(EventKind.COLLECTIVE_WORKSHOP.value, start + DAY * rng.randint(10, stay))
        if stay > 25 and rng.random() < 0.45:
            on = start + DAY * rng.randint(7, stay - 1)
            event(EventKind.TRAINING.value, on, end_on=on + DAY)
            if rng.random() < 0.25:
                event(EventKind.CERTIFICATION.value, on + DAY)
        if stay > 60 and rng.random() < 0.12:
            on = start + DAY * rng.randint(30, stay - 5)
            event(EventKind.PMSMP.value, on, end_on=min(on + DAY * 4, last))
        if stay > 20 and rng.random() < 0.15:
            event(EventKind.BARRIER_ID.value, start + DAY * rng.randint(5, stay))
        if reason in RELEASE_REASONS and stay > 20:
            if rng.random() < 0.5:
                event(EventKind.PRE_RELEASE.value, last - DAY * rng.randint(1, min(30, stay - 1)))
            if reason == ExitReason.RELEASE_ADJUSTMENT and stay > 70:
                event(EventKind.ADJUSTMENT_REQUEST.value, last - DAY * rng.randint(40, 65))
                event(EventKind.ADJUSTMENT_DECISION.value, last - DAY * rng.randint(5, 15),
                      adjustment_decision=AdjustmentDecision.GRANTED.value)

    def _follow_ups(self, pathway, exit_on: datetime.date, outcome: str):
        rng = self.rng
        for milestone, chance in ((FollowUpMilestone.M6, 0.7), (FollowUpMilestone.M12, 0.5)):
            due = exit_on + relativedelta(months=milestone.value)
            if due > self.today or rng.random() >= chance:
                continue
            reached = rng.random() < 0.65
            situation = ""
            if reached:
                situation = outcome if rng.random() < 0.55 else self.pick("follow_up").value
            self.writer.add(FollowUp, id=self.new_id(FollowUp), pathway_id=pathway, milestone=milestone.value,
                            reached=reached, contacted_on=min(self.today, due + DAY * rng.randint(0, 20)),
                            situation=situation, continued_in_siae=reached and situation == Outcome.POSITIVE
                            and rng.random() < 0.3, recorded_by_label=RECORDED_BY)

    # --- after the rows ----------------------------------------------------------------------------------

    def _reset_sequences(self):
        """Ids were given here: move each auto-increment past them."""
        auto = [model for model in Writer.ORDER if isinstance(model._meta.pk, models.AutoField)]
        statements = connection.ops.sequence_reset_sql(no_style(), auto)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)

    def _analyze(self):
        """Fresh planner statistics (and, outside a transaction, the visibility map) for what was written."""
        if connection.vendor != "postgresql":
            return
        command = "ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)"
        with connection.cursor() as cursor:
            for model in Writer.ORDER:
                cursor.execute(f"{command} {connection.ops.quote_name(model._meta.db_table)}")


def generate(*, scale: str = "small", seed: int = 1, multiplier: int = 1, today=None, log=print) -> dict:
    """Replace the synthetic data by a new set; returns the counts written."""
    return Generator(scale=scale, seed=seed, multiplier=multiplier, today=today, log=log).run()
