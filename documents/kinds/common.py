"""What the kinds of documents share: French formatting, organisations and their names by date, the people who
sign, signature blocks, and the list of what is missing.

Every value a snapshot holds is already formatted for print (the templates only place and escape them):

- dates in words, "1er juillet 2017" (``long_date``), the one form all documents use;
- amounts "12 081,50 €" (``euros``, non-breaking spaces), numbers "6,50" (``number``), SIRET "123 456 789 00012";
- an organisation under the name it bore on the document's date (``name_on``, the one rule every kind uses:
  DIRECCTE before 1 April 2021, Pôle emploi before 1 January 2024, as the organisation's recorded former names
  say); a name beside a dated fact (a partner's role, a year of funding) is the one it bore then
  (``name_during``);
- hours "26 h" (``hours``), the number of originals in words (``copies``);
- the PDF's metadata (``metadata``): the kind, the programme and the reference, never a person's name;
- the letterhead (``state_letterhead``, ``siae_letterhead``, ``justice_letterhead``): the State's block on the
  State's documents only, the SIAE's identity on those the SIAE issues, the prison administration's on those it
  signs;
- a party to a document (``party``) carries the organisation's name, its identity lines, and who signs for it;
  the templates print it with ``includes/_parties.html`` and ``includes/_signatures.html``.

``Needs`` gathers what a document certifies and the data lacks, each item with the form where it is entered, so
that ``missing(subject)`` refuses the request before any work instead of printing a blank where a name should be.
"""

import datetime
import unicodedata
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.urls import reverse

from core.formatting import NBSP, long_date
from core.formatting import format_euros as euros
from partners.enums import OrganisationKind
from partners.models import Contact, Organisation

from ..registry import Missing

DOTS = "\u2026" * 14  # a place to write by hand: "Fait à ……………, le …"
# Overseas regions: their DEETS is the State's regional and departmental labour service at once (no DDETS).
OVERSEAS_REGIONS = frozenset({"01", "02", "03", "04", "06"})
# The DIRECCTE and its unités départementales became the DREETS and DDETS on that day (décret 2020-1545).
DREETS_SINCE = datetime.date(2021, 4, 1)


# --- French formatting -----------------------------------------------------------------------------------


def period(start: datetime.date, end: datetime.date | None) -> str:
    if end is None:
        return f"depuis le {long_date(start)}"
    return f"du {long_date(start)} au {long_date(end)}"


def number(value, places: int = 2) -> str:
    """Decimal("6.5") -> "6,50"; thousands separated by a non-breaking space."""
    quantum = Decimal(1).scaleb(-places)
    text = f"{Decimal(value).quantize(quantum, rounding=ROUND_HALF_UP):,.{places}f}"
    return text.replace(",", NBSP).replace(".", ",")


def siret(value: str) -> str:
    """"12345678900012" -> "123 456 789 00012" (SIREN by threes, then the NIC)."""
    value = (value or "").strip()
    if len(value) != 14 or not value.isdigit():
        return value
    return NBSP.join([value[0:3], value[3:6], value[6:9], value[9:]])


def duration(start: datetime.date, end: datetime.date) -> str:
    """The length of an inclusive period in years and months: "18 mois", "3 ans", "7 ans"."""
    delta = relativedelta(end + datetime.timedelta(days=1), start)
    months = delta.years * 12 + delta.months
    if delta.days:
        days = (end - start).days + 1
        return f"{days} jours" if months == 0 else f"{months} mois et {delta.days} jours"
    if months % 12 == 0:
        years = months // 12
        return f"{years} an" if years == 1 else f"{years} ans"
    return f"{months} mois"


def one_line(text: str) -> str:
    """A multi-line address on one line: "12 rue X\n77100 Meaux" -> "12 rue X, 77100 Meaux"."""
    return ", ".join(" ".join(line.split()) for line in (text or "").splitlines() if line.strip())


def lower_first(text: str) -> str:
    """"Entreprise d'insertion (EI)" -> "entreprise d'insertion (EI)"; only the first letter, so that proper names
    keep their capitals ("Directeur du CP de Meaux-Chauconin" -> "directeur du CP de Meaux-Chauconin") and an
    abbreviation is left whole ("DFSPIP")."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def quantity(value) -> str:
    """Decimal("24.0") -> "24"; Decimal("24.5") -> "24,5" (hours, percentages)."""
    return number(value, 0 if Decimal(value) == Decimal(value).to_integral_value() else 1)


def hours(value) -> str:
    """Decimal("26.0") -> "26 h", Decimal("17.5") -> "17,5 h" (a non-breaking space before the unit)."""
    return f"{quantity(value)}{NBSP}h"


NUMBERS_IN_WORDS = {1: "un", 2: "deux", 3: "trois", 4: "quatre", 5: "cinq", 6: "six"}


def copies(signatories: int) -> str:
    """As many originals as signatories, in words: 2 -> "deux"."""
    return NUMBERS_IN_WORDS.get(signatories, str(signatories))


def label(choices, value) -> str:
    """The French label of an enum value ("" for an empty value)."""
    return str(choices(value).label) if value else ""


def plain(text: str) -> str:
    """Lower case without accents, for comparing free-text functions ("Directrice" == "directrice")."""
    text = unicodedata.normalize("NFKD", (text or "").replace("\u2019", "'")).casefold()
    return "".join(char for char in text if not unicodedata.combining(char))


# --- Organisations and the people who sign -----------------------------------------------------------------


def name_on(organisation: Organisation | None, day: datetime.date) -> str:
    """The one rule for a name on a document: the name ``organisation`` bore on ``day`` (the document's date:
    the convention's or contract's start, the charter's date, the report's period end), from its recorded former
    names (partners.models.Organisation.name_on); "" for no organisation."""
    return organisation.name_on(day) if organisation is not None else ""


def name_during(organisation: Organisation | None, start: datetime.date, end: datetime.date | None,
                day: datetime.date) -> str:
    """The name of an organisation beside a dated fact (a partner's role, a year of funding) on a document of
    ``day``: the one it bore at the fact's end when it is over by then, the one of ``day`` otherwise (so a
    2017–2018 signatory is "Pôle emploi Meaux" on a sheet printed in 2026)."""
    moment = day if end is None or end >= day else end
    return name_on(organisation, max(start, moment))


def disp_organisation(establishment) -> Organisation | None:
    return (Organisation.objects.filter(kind=OrganisationKind.DISP, disp_id=establishment.department.region.disp_id)
            .prefetch_related("former_names", "contacts").order_by("pk").first())


def dreets_of(region) -> Organisation | None:
    return (Organisation.objects.filter(kind=OrganisationKind.DREETS, region=region)
            .prefetch_related("former_names").order_by("pk").first())


def ddets_of(department) -> Organisation | None:
    return (Organisation.objects.filter(kind=OrganisationKind.DDETS, department=department)
            .prefetch_related("former_names").order_by("pk").first())


def spips_of(establishment) -> list[Organisation]:
    return list(Organisation.objects.filter(kind=OrganisationKind.SPIP, served_establishments=establishment)
                .prefetch_related("former_names").order_by("name"))


def establishment_organisation(establishment) -> Organisation | None:
    return (Organisation.objects.filter(establishment=establishment)
            .prefetch_related("contacts").order_by("pk").first())


def _contact(organisation: Organisation | None, preferred: tuple[str, ...], fallback: tuple[str, ...] = ()):
    """The first contact of ``organisation`` whose function contains one of ``preferred`` (then ``fallback``),
    deputies ("adjoint") excepted. Functions are free text: compared without case or accents."""
    if organisation is None:
        return None
    contacts = sorted(organisation.contacts.all(), key=lambda c: (c.last_name, c.first_name, c.pk))
    for words in (preferred, fallback):
        for contact in contacts:
            function = plain(contact.function)
            if "adjoint" not in function and any(word in function for word in words):
                return contact
    return None


def establishment_head(establishment) -> Contact | None:
    """The chef d'établissement: a contact of the establishment whose function says so (or "Directeur",
    "Directrice" of the establishment)."""
    return _contact(establishment_organisation(establishment), ("chef d'etablissement", "cheffe d'etablissement"),
                    ("directeur", "directrice"))


def disp_director(disp_org: Organisation | None) -> Contact | None:
    """The directeur or directrice interrégional(e) des services pénitentiaires (the DI)."""
    return _contact(disp_org, ("directeur interregional", "directrice interregionale"))


def service_director(organisation: Organisation | None) -> Contact | None:
    """The head of a State service (DREETS, DDETS), when recorded: "Directeur", "Directrice"…"""
    return _contact(organisation, ("directeur", "directrice"))


def person(contact: Contact | None) -> str:
    return f"{contact.first_name} {contact.last_name}".strip() if contact else ""


def metadata(kind: str, programme_code: str, reference: str = "", *, detail: str = "") -> dict:
    """The PDF's metadata (title, subject, keywords): the document's kind, its programme and its reference, never
    a person's name (a PDF travels by mail, its properties are read without opening it)."""
    title = f"{kind} — programme {programme_code}" if programme_code else kind
    subject = title + (f", {detail}" if detail else "") + (f" (référence {reference})" if reference else "")
    keywords = ", ".join(value for value in (kind, programme_code, reference, "IAE en détention") if value)
    return {"title": title, "subject": subject, "keywords": keywords}


def state_letterhead(*lines: str) -> dict:
    """The State's block (République française) and the service under it: the State convention and its annexes."""
    return {"state": True, "name": lines[0] if lines else "", "lines": [line for line in lines[1:] if line]}


def siae_letterhead(siae) -> dict:
    """The SIAE's identity on the documents it issues: its logo (checked, frozen in the snapshot as a data: URL,
    programmes.logos), its name, its address and its SIRET."""
    from programmes.logos import logo_data_url

    lines = [one_line(siae.address) if siae.address else "", f"SIRET {siret(siae.siret)}" if siae.siret else ""]
    return {"state": False, "name": siae.name, "lines": [line for line in lines if line],
            "logo": logo_data_url(siae)}


def justice_letterhead(establishment, day: datetime.date) -> dict:
    """The prison administration's block, as its signatories are: the ministry, the DISP (by its name on ``day``)
    and the establishment."""
    disp = name_on(disp_organisation(establishment), day)
    lines = ["Direction de l'administration pénitentiaire", disp, establishment.name]
    return {"state": False, "name": "Ministère de la Justice", "lines": [line for line in lines if line]}


def contact_row(contact: Contact, day: datetime.date) -> dict:
    return {"name": person(contact), "function": contact.function,
            "organisation": name_on(contact.organisation, day),
            "reach": "\n".join(value for value in (contact.email, contact.phone) if value)}


def party(*, role: str, name: str, lines=(), signatory: str = "", quality: str = "", heading: str = "",
          designation: str = "", feminine: bool = False, stamp: bool = True) -> dict:
    """A party to a document, as the templates print it (includes/_parties.html, includes/_signatures.html).

    ``role``: what the party is ("L'établissement pénitentiaire"); ``name``: its name as printed (by the
    document's date); ``lines``: identity and representation lines ("SIRET …", "représentée par …");
    ``designation``: "la SIAE" in "ci-après désignée « la SIAE »" (``feminine`` for the agreement);
    for the signature block: who signs (``signatory``), as what (``quality``), under which ``heading``
    ("Pour l'État et par délégation"), and whether a stamp is expected (``stamp``).
    """
    return {"role": role, "name": name, "lines": [line for line in lines if line], "signatory": signatory,
            "quality": quality, "heading": heading or f"Pour {name}", "designation": designation,
            "feminine": feminine, "stamp": stamp}


def represented(signatory: str, quality: str = "", *, feminine: bool = False) -> str:
    """"représentée par Dominique Laurent, directrice" (empty when nobody is named)."""
    if not signatory:
        return ""
    return f"représenté{'e' if feminine else ''} par {signatory}" + (f", {quality}" if quality else "")


def siae_identity(siae, *, with_address: bool = True) -> list[str]:
    lines = [f"{siae.legal_form}, " if siae.legal_form else "", f"SIRET {siret(siae.siret)}"]
    lines = ["".join(lines)]
    if with_address and siae.address:
        lines.append("dont le siège est situé " + one_line(siae.address))
    return lines


# --- What is missing ----------------------------------------------------------------------------------------


def url(name: str, *args) -> str:
    return reverse(name, args=args)


class Needs:
    """Collects Missing items in order, once each: ``needs.check(value, label, url)``."""

    def __init__(self):
        self.items: list[Missing] = []

    def add(self, text: str, where: str) -> None:
        if all(item.label != text for item in self.items):
            self.items.append(Missing(text, where))

    def check(self, value, text: str, where: str) -> bool:
        """Records ``text`` when ``value`` is empty (None, "" or blank); True when the value is there."""
        if value is None or (isinstance(value, str) and not value.strip()):
            self.add(text, where)
            return False
        return True

    def siae(self, siae, *, address=False, legal_form=False, director=False) -> None:
        where = url("programmes:siae_update", siae.pk)
        self.check(siae.siret, f"le SIRET de la SIAE « {siae.name} »", where)
        if legal_form:
            self.check(siae.legal_form, f"la forme juridique de la SIAE « {siae.name} »", where)
        if address:
            self.check(siae.address, f"l'adresse du siège de la SIAE « {siae.name} »", where)
        if director:
            self.check(siae.director_name,
                       f"le nom de la personne qui dirige la SIAE « {siae.name} » (son représentant légal)", where)

    def establishment_head(self, establishment) -> Contact | None:
        head = establishment_head(establishment)
        if head is None:
            organisation = establishment_organisation(establishment)
            where = (url("partners:contact_create", organisation.pk) if organisation
                     else url("partners:organisation_create"))
            self.add(f"le chef d'établissement {of(establishment)} (un contact de l'établissement dont la "
                     "fonction est « Chef d'établissement » ou « Directeur »)", where)
        return head

    def disp(self, establishment, *, director=False) -> Organisation | None:
        organisation = disp_organisation(establishment)
        disp = establishment.department.region.disp
        if organisation is None:
            self.add(f"l'organisation de la {disp.name}", url("partners:organisation_create"))
            return None
        if director and disp_director(organisation) is None:
            self.add(f"le directeur interrégional de la {disp.name} (un contact de la DISP dont la fonction est "
                     "« Directeur interrégional » ou « Directrice interrégionale »)",
                     url("partners:contact_create", organisation.pk))
        return organisation

    def state_services(self, department) -> tuple[Organisation | None, Organisation | None]:
        """The region's DREETS and the department's DDETS (none overseas, where the DEETS is both)."""
        dreets = dreets_of(department.region)
        if dreets is None:
            self.add(f"la DREETS de la région {department.region.name}", url("partners:organisation_create"))
        ddets = ddets_of(department)
        if ddets is None and department.region_id not in OVERSEAS_REGIONS:
            self.add(f"la DDETS du département {department}", url("partners:organisation_create"))
        return dreets, ddets

    def spips(self, establishment) -> list[Organisation]:
        found = spips_of(establishment)
        if not found:
            self.add(f"le SPIP qui intervient {at(establishment)} (établissements desservis d'un SPIP)",
                     url("partners:organisation_list") + "?kind=SPIP")
        return found

    def programme(self, programme, **siae_details) -> None:
        """What every programme document names: the SIAE (with ``siae_details``: address, legal_form,
        director), the places and ETP planned, the DISP, the State's services and the SPIP."""
        self.siae(programme.siae, **siae_details)
        edit = url("programmes:programme_update", programme.pk)
        self.check(programme.places_planned, f"le nombre de places prévues du programme {programme.code}", edit)
        self.check(programme.etp_planned, f"les ETP prévus du programme {programme.code}", edit)
        self.disp(programme.establishment)
        self.state_services(programme.establishment.department)
        self.spips(programme.establishment)


# --- A programme's facts, shared by the programme documents -----------------------------------------------

FEMININE_ESTABLISHMENTS = frozenset({"MA", "MC", "SAS"})  # maison d'arrêt, maison centrale, structure…


def _articles(establishment) -> tuple[str, str, str]:
    if plain(establishment.name[:1]) in "aeiouyh":
        return "l'", "à l'", "de l'"
    if establishment.kind in FEMININE_ESTABLISHMENTS:
        return "la ", "à la ", "de la "
    return "le ", "au ", "du "


def the(establishment) -> str:
    """"le CP de Meaux-Chauconin", "la MA de Nice", "l'EPM de Lavaur"."""
    return _articles(establishment)[0] + establishment.name


def at(establishment, place: str = "") -> str:
    """"au CP de Meaux-Chauconin", "à la MA de Nice" (``place``: the name with its quartier)."""
    return _articles(establishment)[1] + (place or establishment.name)


def of(establishment) -> str:
    """"du CP de Meaux-Chauconin", "de la MA de Nice"."""
    return _articles(establishment)[2] + establishment.name


def programme_place(programme) -> str:
    """"CP de Meaux-Chauconin, quartier nouveau concept"."""
    place = programme.establishment.name
    if programme.quartier_id:
        place += ", " + programme.quartier.get_kind_display()[:1].lower() + programme.quartier.get_kind_display()[1:]
    return place


def partner_rows(programme, day: datetime.date) -> list[dict]:
    """Every partner role of the programme (organisation by its name on ``day``), current ones first."""
    roles = (programme.partner_roles.select_related("organisation", "contact", "contact__organisation")
             .prefetch_related("organisation__former_names", "contact__organisation__former_names"))
    rows = []
    for role in roles:
        current = role.start_date <= day and (role.end_date is None or role.end_date >= day)
        name = name_during(role.organisation, role.start_date, role.end_date, day)
        rows.append({"organisation": name, "role": role.get_role_display(),
                     "period": period(role.start_date, role.end_date), "current": current,
                     "contact": person(role.contact), "contact_function": role.contact.function if role.contact else "",
                     "sort": (not current, str(role.role), plain(name))})
    rows.sort(key=lambda row: row.pop("sort"))
    return rows


def funding_years(programme, day: datetime.date, *, years=None) -> dict:
    """Funding lines by year (oldest first) with each year's total and the grand total, formatted; ``years``: only
    those (the document's period)."""
    lines = (programme.funding_lines.select_related("organisation").prefetch_related("organisation__former_names")
             .order_by("year", "funder", "pk"))
    if years is not None:
        lines = lines.filter(year__in=list(years))
    years: dict[int, dict] = {}
    grand = Decimal(0)
    for line in lines:
        year = years.setdefault(line.year, {"year": str(line.year), "lines": [], "total": Decimal(0)})
        year["lines"].append({"funder": line.get_funder_display(),
                              "organisation": name_during(line.organisation, datetime.date(line.year, 1, 1),
                                                          datetime.date(line.year, 12, 31), day),
                              "amount": euros(line.amount)})
        year["total"] += line.amount
        grand += line.amount
    result = []
    for year in years.values():
        year["total"] = euros(year["total"])
        result.append(year)
    return {"years": result, "total": euros(grand) if result else ""}


def contacts_of(programme, day: datetime.date, *extra: Contact | None) -> list[dict]:
    """The people to reach: the contacts designated on the partner roles, then ``extra`` ones, once each."""
    seen, rows = set(), []
    designated = [role.contact for role in programme.partner_roles.select_related("contact__organisation")
                  .prefetch_related("contact__organisation__former_names") if role.contact_id]
    for contact in [*designated, *extra]:
        if contact is None or contact.pk in seen:
            continue
        seen.add(contact.pk)
        rows.append(contact_row(contact, day))
    return rows


def latest_contract(programme):
    return programme.implantation_contracts.order_by("-start_date", "-pk").first()


def latest_convention(siae):
    return siae.conventions.select_related("authority").order_by("-start_date", "-pk").first()


# --- One period per document: its convention, its contract, its funding and its budget ---------------------


@dataclass(frozen=True)
class Period:
    """The period a programme document is about: the convention whose annexes count for the programme (in force on
    the document's day, else the latest begun, else the next), or the programme's own dates without one."""

    start: datetime.date | None
    end: datetime.date | None
    convention: object = None

    def years(self) -> range:
        return range(self.start.year, self.end.year + 1) if self.start and self.end else range(0)

    def text(self) -> str:
        return period(self.start, self.end) if self.start else ""


def programme_conventions(programme) -> list:
    """The SIAE's conventions with an annex that counts for the programme: an annex of the programme's establishment
    (or of none) whose dates meet the programme's (a programme that ended in 2018 does not take the SIAE's 2025
    convention of a later programme in the same prison: dashboards.indicators does the same)."""
    from programmes.models import FinancialAnnex, StateConvention

    annexes = FinancialAnnex.objects.filter(convention__siae_id=programme.siae_id).filter(
        Q(establishment__isnull=True) | Q(establishment_id=programme.establishment_id))
    if programme.start_date:
        annexes = annexes.filter(end_date__gte=programme.start_date)
    if programme.end_date:
        annexes = annexes.filter(start_date__lte=programme.end_date)
    return list(StateConvention.objects.filter(pk__in=annexes.values("convention_id")).select_related("authority")
                .prefetch_related("authority__former_names").order_by("start_date", "pk"))


def programme_period(programme, day: datetime.date) -> Period:
    conventions = programme_conventions(programme)
    begun = [convention for convention in conventions if convention.start_date <= day]
    chosen = next((cv for cv in reversed(begun) if cv.end_date >= day), None) or (begun[-1] if begun else None)
    chosen = chosen or (conventions[0] if conventions else None)
    if chosen is not None:
        return Period(chosen.start_date, chosen.end_date, chosen)
    end = programme.end_date or (datetime.date(day.year, 12, 31) if programme.start_date else None)
    return Period(programme.start_date, end)


def contract_of_period(programme, span: Period):
    """The implantation contract in force at the period's end (or its latest one that meets the period)."""
    contracts = programme.implantation_contracts.order_by("-start_date", "-pk")
    if span.start and span.end:
        contracts = contracts.filter(start_date__lte=span.end, end_date__gte=span.start)
    return contracts.first()


def period_funding(programme, span: Period, day: datetime.date) -> dict:
    """The funding lines of the period's years only (each line is that year's amount)."""
    years = list(span.years())
    table = funding_years(programme, day, years=years if span.start else None)
    return table


BUDGET_CHARGES = [
    ("budget_pay", "Rémunération des personnes en parcours"),
    ("budget_staff", "Encadrement technique et accompagnement socio-professionnel"),
    ("budget_purchases", "Achats, matières et sous-traitance"),
    ("budget_premises", "Locaux, fluides, équipements et transports"),
    ("budget_overheads", "Frais de structure"),
]
BUDGET_PRODUCTS = [("budget_sales", "Ventes et prestations")]


def year_fraction(span: Period) -> Decimal:
    """The period in years, each calendar year weighted by its own length: 1 January–31 December = 1; 1 July 2017 –
    31 December 2018 = 184/365 + 1 (pro rata for the partial years, as the annexes' aid, programmes.rates)."""
    if not (span.start and span.end):
        return Decimal(1)
    total = Decimal(0)
    for year in span.years():
        first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
        days = (min(last, span.end) - max(first, span.start)).days + 1
        total += Decimal(days) / Decimal((last - first).days + 1)
    return total


def budget(programme, span: Period) -> dict:
    """The yearly provisional budget and its amount over the period (pro rata for partial years)."""
    fraction = year_fraction(span)

    def rows(items):
        result, annual_total = [], Decimal(0)
        for field, text in items:
            value = getattr(programme, field)
            if value is None:
                continue
            annual_total += value
            result.append({"label": text, "annual": euros(value),
                           "period": euros((value * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))})
        total = {"annual": euros(annual_total),
                 "period": euros((annual_total * fraction).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))}
        return result, total

    charges, charges_total = rows(BUDGET_CHARGES)
    products, _products_total = rows(BUDGET_PRODUCTS)
    return {"charges": charges, "charges_total": charges_total, "products": products,
            "period": span.text(), "pro_rata": span.start is not None and fraction != Decimal(1) * len(span.years())}


# --- The project's fields: each missing one named with the programme's form ----------------------------------

PROJECT_FIELDS = {
    "target_public": "le public visé",
    "schedule": "les horaires et l'organisation de la semaine",
    "markets": "les produits, clients et le modèle économique",
    "premises": "les locaux",
    "equipment": "les équipements",
    "supervisors_etp": "l'encadrement technique (ETP)",
    "cip_etp": "les conseillers en insertion professionnelle (ETP de CIP)",
    "cip_name": "le prénom et le nom de la personne CIP de l'atelier",
    "permanent_staff": "les salariés permanents (fonctions, ETP, qualifications)",
    "accompaniment_plan": "le plan d'accompagnement",
    "continuity": "la continuité à la sortie (embauche en CDDI, relais)",
    "timeline": "le calendrier prévisionnel",
    "target_entries": "l'objectif de personnes entrées en parcours par an",
    "target_durable_pct": "l'objectif de sorties vers l'emploi durable",
    "target_dynamic_pct": "l'objectif de sorties dynamiques",
    "budget_pay": "le budget prévisionnel : rémunération des personnes en parcours",
    "budget_staff": "le budget prévisionnel : encadrement et accompagnement",
    "budget_purchases": "le budget prévisionnel : achats, matières et sous-traitance",
    "budget_premises": "le budget prévisionnel : locaux, fluides, équipements et transports",
    "budget_overheads": "le budget prévisionnel : frais de structure",
    "budget_sales": "le budget prévisionnel : ventes et prestations",
    "post_risks": "les risques particuliers du poste",
    "on_call": "les périodes d'astreinte du poste (« Aucune astreinte » s'il n'y en a pas)",
    "bonuses": "les primes du poste (« Aucune prime » s'il n'y en a pas)",
}


def project_needs(needs, programme, fields) -> None:
    """Each of ``fields`` (PROJECT_FIELDS) left empty in the programme's project, with the programme's form."""
    where = url("programmes:programme_update", programme.pk)
    for field in fields:
        needs.check(getattr(programme, field), f"{PROJECT_FIELDS[field]} du programme {programme.code}", where)


def contact_needs(needs, contacts) -> None:
    """Each contact a document lists needs a way to reach them: an e-mail address or a telephone number."""
    for contact in contacts:
        if contact is not None and not (contact.email or contact.phone):
            needs.add(f"les coordonnées (courriel ou téléphone) de {person(contact)}",
                      url("partners:contact_update", contact.pk))


def retention_text() -> str:
    """How long a person's file is kept after their last pathway (settings.RETENTION_MONTHS_AFTER_EXIT, the value
    participants.retention applies and the privacy notice states): "24 mois (2 ans)"."""
    from django.conf import settings

    months = settings.RETENTION_MONTHS_AFTER_EXIT
    if months % 12 == 0:
        years = months // 12
        return f"{months} mois ({years} an{'s' if years > 1 else ''})"
    return f"{months} mois"
