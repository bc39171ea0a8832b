"""Checks a reader can trust (issue 17, §5): every kind with a section in docs/domain.md §7 rendered once for each
demo subject (the programmes MEAUX-APRES, MEAUX-ARES and METZ-EFIC, the State convention of each one's period and
the first contracted pathway of each), read back with pdftotext and compared with the data: each field of its
section, the organisations under the names they bore on the document's own date (and not under another of their
names), the letterhead (the State's on the State convention only), numbered pages, and the archival checks that can
be made here (PDF/A-3b identification and the title, author, subject and language in the XMP metadata and the
document information that poppler reads, the output intent, A4, every font embedded and Marianne, no encryption,
no transparency group). The fiche-projet holds on two pages at most (§7.1). Each document is rendered once for the
whole suite: tests/documents/test_pdfa.py checks the activity report only.

The demo is loaded once for the module (tests/demo.py); documents are rendered through the renderer, without Celery.
Expected values are read from the database and formatted as the documents print them (documents.kinds.common), so a
value the data holds and the PDF leaves out, or a name of the wrong date, fails here.
"""

import datetime
import re
import shutil
import subprocess
import time
import zlib
from decimal import Decimal

import pytest
from dateutil.relativedelta import relativedelta
from django.db.models import Q
from django.utils import timezone

from documents.enums import DocumentKind as K
from documents.kinds import accompaniment_charter, implantation_contract, work_contract
from documents.kinds import common as c
from documents.registry import spec_of
from documents.renderer import render_document
from participants import contract_changes, pay
from participants.enums import PathwayStatus, Transition
from participants.models import Pathway
from partners.models import Organisation
from programmes import rates
from programmes.enums import EstablishmentKind, SiaeKind
from programmes.models import Programme, SmicRate
from tests.demo import demo_for_module
from tests.documents.test_kinds_contract_life import JUDICIAL_WORDS, folded
from tests.documents.test_pdfa import NS, catalog_language, pdfinfo, xmp_of

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not all(shutil.which(tool) for tool in ("pdfinfo", "pdffonts", "pdftotext")),
                       reason="poppler-utils (pdfinfo, pdffonts, pdftotext) is not installed"),
]

CODES = ("MEAUX-APRES", "MEAUX-ARES", "METZ-EFIC")
KINDS = (K.PROJECT_SHEET, K.APPLICATION_FILE, K.STATE_CONVENTION, K.IMPLANTATION_CONTRACT, K.ACCOMPANIMENT_CHARTER,
         K.WORK_CONTRACT)
CASES = [(code, kind) for code in CODES for kind in KINDS]


@pytest.fixture(scope="module", autouse=True)
def demo(django_db_setup, django_db_blocker):
    with demo_for_module(django_db_blocker):
        yield


def subject_of(kind: str, programme: Programme):
    if kind == K.STATE_CONVENTION:
        return c.programme_period(programme, timezone.localdate()).convention
    if kind in (K.ACCOMPANIMENT_CHARTER, K.WORK_CONTRACT):
        return programme.pathways.exclude(contract_start=None).order_by("contract_start", "pk").first()
    return programme


def flat(text: str) -> str:
    """One line, single spaces (NBSP included), without hyphens: pdftotext joins a word cut after its hyphen at a
    line's end without the hyphen ("Meaux-Chauconin" read back as "MeauxChauconin")."""
    return " ".join(text.replace("\u00a0", " ").replace("-", "").split())


@pytest.fixture(scope="module")
def documents(demo, tmp_path_factory):
    """(code, kind) -> (subject, path of the PDF, its text read back, its snapshot), each rendered once."""
    folder = tmp_path_factory.mktemp("demo-documents")
    today = timezone.localdate()
    rendered = {}
    started = time.perf_counter()
    for code, kind in CASES:
        subject = subject_of(kind, Programme.objects.select_related("siae", "establishment").get(code=code))
        assert subject is not None, (code, kind)
        spec = spec_of(kind)
        assert spec.missing(subject) == [], (code, kind, spec.missing(subject))
        path = folder / f"{code}-{kind}.pdf"
        snapshot = spec.build(subject, today)
        path.write_bytes(render_document(kind, snapshot))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                              check=True, capture_output=True, text=True).stdout
        rendered[code, kind] = (subject, path, flat(text), snapshot)
    print(f"\n{len(CASES)} demo documents rendered and read back in {time.perf_counter() - started:.1f} s")  # with -s
    return rendered


def names_of_day(organisation: Organisation | None, day: datetime.date) -> tuple[list[str], list[str]]:
    """The name ``organisation`` bore on ``day`` (to print), and its other names (not to print)."""
    if organisation is None:
        return [], []
    name = c.name_on(organisation, day)
    others = {organisation.name, *organisation.former_names.values_list("name", flat=True)} - {name}
    return [name], [other for other in others if other not in name]


def texts(*values) -> list[str]:
    """Free texts as printed: each line of each value, whitespace made single."""
    return [flat(line) for value in values if value for line in str(value).splitlines() if line.strip()]


# --- What each kind must print, from the data -------------------------------------------------------------


def programme_facts(programme) -> list[str]:
    siae, establishment = programme.siae, programme.establishment
    return [programme.code, siae.name, flat(c.siret(siae.siret)), establishment.name, *texts(programme.activity)]


def project_sheet(programme, today) -> tuple[list[str], list[str]]:
    """§7.1: project, establishment, DISP, State services, SPIP, SIAE, public, posts, hours, premises, equipment,
    staffing, accompaniment, partners, continuity, budget and funders, timeline, contacts, stage."""
    siae, establishment = programme.siae, programme.establishment
    department = establishment.department
    expected = [*programme_facts(programme), c.label(SiaeKind, siae.kind),
                c.label(EstablishmentKind, establishment.kind),
                f"Places prévues {programme.places_planned}", f"ETP prévus {c.number(programme.etp_planned)}",
                f"Étape {programme.get_stage_display()}",
                *texts(programme.target_public, programme.schedule, programme.premises, programme.equipment,
                       programme.accompaniment_plan, programme.continuity, programme.timeline),
                f"Encadrement technique {c.number(programme.supervisors_etp)} ETP",
                f"{c.number(programme.cip_etp)} ETP, dont {programme.cip_name}"]
    absent = []
    manager = establishment.delegated_manager
    expected.append(c.name_on(manager, today) if manager else "Non (gestion publique)")
    for organisation in (c.disp_organisation(establishment), c.dreets_of(department.region), c.ddets_of(department),
                         *c.spips_of(establishment)):
        present, _ = names_of_day(organisation, today)
        expected += present
    span = c.programme_period(programme, today)
    for row in c.partner_rows(programme, today):
        expected += [row["organisation"], row["period"]]
    for field, _label in c.BUDGET_CHARGES + c.BUDGET_PRODUCTS:
        expected.append(flat(c.euros(getattr(programme, field))))
    funding = c.period_funding(programme, span, today)
    expected += [flat(funding["total"])] if funding["total"] else []
    for year in funding["years"]:
        expected += [line["organisation"] for line in year["lines"]]
    head = c.establishment_head(establishment)
    expected += [c.person(head), *texts(head.email, head.phone)]
    return expected, absent


def application_file(programme, today) -> tuple[list[str], list[str]]:
    """§7.2: identity (legal form, address, representative, governance), economic and social project, accompaniment,
    objectives, human resources, premises and equipment, provisional budget, attachments."""
    siae, establishment = programme.siae, programme.establishment
    department = establishment.department
    instructor = c.ddets_of(department) or c.dreets_of(department.region)
    expected = [*programme_facts(programme), siae.legal_form, c.one_line(siae.address), siae.director_name,
                *texts(siae.governance, programme.markets, programme.target_public, programme.schedule,
                       programme.permanent_staff, programme.accompaniment_plan, programme.premises,
                       programme.equipment),
                f"{c.number(programme.cip_etp)} ETP", str(programme.target_entries),
                f"{c.quantity(programme.target_durable_pct)} %", f"{c.quantity(programme.target_dynamic_pct)} %",
                "Pièces jointes"]
    absent = []  # the addressees by their names of the day (a funding line of 2017 may name the DIRECCTE)
    for label, organisation in (("Instruction", instructor), ("Avis de la DISP", c.disp_organisation(establishment))):
        present, others = names_of_day(organisation, today)
        expected += [f"{label} {name}" for name in present]
        absent += [f"{label} {name}" for name in others]
    for field, _label in c.BUDGET_CHARGES + c.BUDGET_PRODUCTS:
        expected.append(flat(c.euros(getattr(programme, field))))
    return expected, absent


def state_convention(convention, today) -> tuple[list[str], list[str]]:
    """§7.3: signatories (the prefect's delegate by name and title, the SIAE's representative), duration, annexes
    (number, period, ETP, aid), public, objectives, CDIAE opinion, data protection."""
    siae, day = convention.siae, convention.start_date
    present, absent = names_of_day(convention.authority, day)
    expected = [*present, siae.name, flat(c.siret(siae.siret)), siae.director_name, convention.reference,
                convention.signatory_name, c.lower_first(convention.signatory_title),
                f"CDIAE) du {c.long_date(convention.cdiae_opinion_on)}",
                f"sorties dynamiques (emploi durable, emploi de transition et sorties positives) d'au moins "
                f"{c.quantity(convention.target_dynamic_pct)} %",
                f"emploi durable d'au moins {c.quantity(convention.target_durable_pct)} %",
                *texts(convention.objectives), c.period(convention.start_date, convention.end_date),
                "Protection des données personnelles"]
    for annex in convention.annexes.all():
        expected += [f"n° {annex.asp_number}", f"{c.number(annex.etp)} ETP", flat(c.euros(annex.aid_amount))]
    return expected, absent


def implantation(programme, today) -> tuple[list[str], list[str]]:
    """§7.4: parties, establishment, activity, premises (location, m²), equipment, posts, hours, pay (% of the SMIC),
    accompaniment, staff access, start and end, renewal, fees, insurance, termination, signatures."""
    contract = c.latest_contract(programme)
    day = implantation_contract.contract_day(contract)
    establishment, siae = programme.establishment, programme.siae
    present, absent = names_of_day(c.disp_organisation(establishment), day)
    expected = [*present, establishment.name, c.person(c.establishment_head(establishment)), siae.name,
                siae.director_name, *texts(programme.activity, contract.premises),
                f"{contract.posts} postes", f"{c.hours(contract.weekly_hours).replace(c.NBSP, ' ')} par semaine",
                f"{flat(c.euros(contract.hourly_pay))} brut de l'heure",
                f"prend effet le {c.long_date(contract.start_date)} et prend fin le {c.long_date(contract.end_date)}",
                "renouvelé par tacite reconduction" if contract.tacit_renewal else "n'est pas renouvelé"]
    for spip in c.spips_of(establishment):
        names, others = names_of_day(spip, day)
        expected += names
        absent += others
    if contract.regime == "R2022":
        expected += [f"d'une surface de {c.quantity(contract.premises_area).replace(c.NBSP, ' ')} m²",
                     *texts(contract.equipment, contract.staff_access, contract.fluids, contract.insurance,
                            contract.renewal_terms, contract.modification_terms, contract.termination_terms),
                     f"préavis de {contract.termination_notice_months} mois", "ne peut excéder 7 ans",
                     (f"redevance mensuelle de {flat(c.euros(contract.monthly_fee))}" if contract.monthly_fee
                      else "Aucune redevance n'est due")]
    else:  # 2016: the DI signs too
        expected.append(c.person(c.disp_director(c.disp_organisation(establishment))))
    return expected, absent


def charter(pathway, today) -> tuple[list[str], list[str]]:
    """§7.5: the person and the chef d'établissement who sign, the named CIP, the SPIP and the employment service of
    the charter's date, the data notice (controller, retention, CNIL)."""
    programme = pathway.programme
    day = accompaniment_charter.charter_day(pathway, today)
    head = c.establishment_head(programme.establishment)
    expected = [accompaniment_charter.person_name(pathway.participant), programme.siae.name, programme.cip_name,
                c.person(head), head.function, "CNIL", flat(c.retention_text())]  # signs under her or his own title
    absent = []
    for organisation in (accompaniment_charter.employment_agency(programme, day), *c.spips_of(programme.establishment)):
        present, others = names_of_day(organisation, day)
        expected += present
        absent += others
    return expected, absent


def contract_of_work(pathway, today) -> tuple[list[str], list[str]]:
    """§7.6: the acte d'engagement, or the CEP with the R412-25 mentions (risks, on-call periods, bonuses)."""
    programme = pathway.programme
    start = work_contract.contract_start(pathway)
    cep = work_contract.contract_kind(pathway) == "CEP"
    expected = [accompaniment_charter.person_name(pathway.participant), programme.siae.name,
                flat(c.siret(programme.siae.siret)), c.long_date(start),
                f"{c.hours(contract_changes.hours_on(pathway, start)).replace(c.NBSP, ' ')}",  # as agreed then
                f"Rémunération horaire brute {c.euros(pay.hourly_pay_on(pathway, start))}, soit",  # before any avenant
                "Contrat d'emploi pénitentiaire" if cep else "Acte d'engagement"]
    if cep:
        expected += texts(programme.post_risks, programme.on_call, programme.bonuses)
    absent = []
    for spip in c.spips_of(programme.establishment):
        present, others = names_of_day(spip, start)
        expected += present
        absent += others
    return expected, absent


CHECKS = {K.PROJECT_SHEET: project_sheet, K.APPLICATION_FILE: application_file, K.STATE_CONVENTION: state_convention,
          K.IMPLANTATION_CONTRACT: implantation, K.ACCOMPANIMENT_CHARTER: charter, K.WORK_CONTRACT: contract_of_work}


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_the_document_prints_each_field_of_its_section_and_the_names_of_its_date(documents, code, kind):
    subject, _path, text, _snapshot = documents[code, kind]
    expected, absent = CHECKS[kind](subject, timezone.localdate())
    assert [value for value in expected if flat(value) not in text] == [], text
    assert [value for value in absent if flat(value) in text] == [], text
    assert "à compléter" not in text.lower()


@pytest.mark.parametrize("code", CODES)
def test_the_project_sheet_holds_on_two_pages_at_most(documents, code):
    _subject, path, _text, _snapshot = documents[code, K.PROJECT_SHEET]
    assert 1 <= pages(path) <= 2


# --- The contract's life (issue 17 §3), on the demo's own pathways ------------------------------------------------

# Each kind on the demo's first pathway that has its subject (not every programme has an avenant or a suspension;
# the pay revaluation is MEAUX-ARES's, demo.cohorts._revalue).
LIFE = {
    K.CONTRACT_AMENDMENT: Q(contract_changes__isnull=False),
    K.PAY_AMENDMENT: Q(pay_rates__isnull=False),
    K.CONTRACT_SUSPENSION: Q(suspensions__isnull=False),
    K.CONTRACT_END: Q(exit_on__isnull=False, contract_start__isnull=False),
    K.RELEASE_CERTIFICATE: Q(exit_on__isnull=False, contract_start__isnull=False) & ~Q(skills_acquired=""),
}
LIFE_KINDS = list(LIFE)


@pytest.fixture(scope="module")
def life_documents(demo, tmp_path_factory):
    """kind -> (pathway, its text read back, its path), each rendered once."""
    folder, today, rendered = tmp_path_factory.mktemp("demo-life"), timezone.localdate(), {}
    for kind, condition in LIFE.items():
        pathway = (Pathway.objects.filter(condition).select_related("participant", "programme__siae")
                   .order_by("programme__code", "contract_start", "pk").distinct().first())
        assert pathway is not None, f"the demo has no pathway for {kind}"
        spec = spec_of(kind)
        assert spec.missing(pathway) == [], (kind, spec.missing(pathway))
        path = folder / f"{kind}.pdf"
        path.write_bytes(render_document(kind, spec.build(pathway, today)))
        text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"],  # noqa: S603, S607
                              check=True, capture_output=True, text=True).stdout
        rendered[kind] = (pathway, flat(text), path)
    return rendered


def life_facts(kind, pathway) -> list[str]:
    """What the document must say of its own subject, from the data."""
    person = pathway.participant
    facts = [person.last_name.upper(), person.first_names, pathway.programme.siae.name]
    if kind == K.CONTRACT_AMENDMENT:
        change = pathway.contract_changes.order_by("-valid_from").first()
        facts += [c.long_date(change.valid_from), *texts(change.reason.rstrip(" ."))]
        facts += [c.hours(change.hours_per_week)] if change.hours_per_week is not None else []
        facts += [change.post] if change.post else []
        in_force = pay.hourly_pay_on(pathway, change.valid_from)  # after a revaluation: the revalued pay
        facts += [f"La rémunération horaire brute ({c.euros(in_force)}) est inchangée"] if in_force else []
    elif kind == K.PAY_AMENDMENT:
        facts += pay_amendment_facts(pathway)
    elif kind == K.CONTRACT_SUSPENSION:
        suspension = pathway.suspensions.order_by("-start").first()
        facts += [c.long_date(suspension.start), suspension.get_reason_display()]
    elif kind == K.CONTRACT_END:
        facts += [c.long_date(pathway.exit_on), c.long_date(pathway.contract_start)]
    elif kind == K.RELEASE_CERTIFICATE:
        facts += [c.long_date(pathway.contract_start), c.long_date(pathway.exit_on),
                  *texts(pathway.skills_acquired)]
    return facts


def pay_amendment_facts(pathway) -> list[str]:
    """The contract's parties and reference, both rates with their share of the SMIC, the date of effect, the SMIC."""
    row = pathway.pay_rates.order_by("-valid_from").first()
    start, cep = work_contract.contract_start(pathway), work_contract.contract_kind(pathway) == "CEP"
    siae, establishment = pathway.programme.siae, pathway.programme.establishment
    facts = [f"du {c.long_date(start)}", f"Date d'effet {c.long_date(row.valid_from)}",
             f"À compter du {c.long_date(row.valid_from)}"]
    for label, hourly in (("Rémunération horaire brute avant l'avenant", row.previous_hourly_pay),
                          ("Nouvelle rémunération horaire brute", row.hourly_pay)):
        facts.append(f"{label} {c.euros(hourly)}, soit {c.quantity(rates.smic_share_pct(hourly, row.smic))} % du SMIC")
    facts += [f"SMIC horaire brut en vigueur à cette date {c.euros(row.smic)}",
              *([f"SIRET {c.siret(siae.siret)}", "« le donneur d'ordre »", "« l'opérateur »"] if cep
                else [establishment.name, "« la personne détenue »"])]
    return facts


def test_the_demo_s_pay_avenant_follows_the_smic_held_in_the_data(life_documents):
    """The demo's revaluation (demo.cohorts._revalue): a contract paid 45 % of the SMIC in force at its start, raised
    on the day the SMIC was revalued to 45 % of the new SMIC (domain.md §3.3: 11,88 € then 12,02 € from 1 January
    2026), through the pathway page's service (its log says who); the pathway's pay is the new one. Loaded after the
    last SMIC held in data (make test-dates), the SIAE raises it by 0,20 € after six months instead."""
    pathway, text, _path = life_documents[K.PAY_AMENDMENT]
    row = pathway.pay_rates.get()
    start = work_contract.contract_start(pathway)
    assert (pathway.programme.code, pathway.status) == ("MEAUX-ARES", PathwayStatus.IN_WORKSHOP)
    assert start < row.valid_from and row.smic == rates.smic_on(row.valid_from)
    assert row.previous_hourly_pay == rates.pay_floor(rates.smic_on(start)) == pay.hourly_pay_on(pathway, start)
    if rates.smic_on(start) < row.smic:  # the SMIC rose since the start: raised on that day to its new floor
        assert SmicRate.objects.filter(valid_from=row.valid_from,
                                       territory=rates.territory_of_pathway(pathway)).exists()
        assert row.hourly_pay == rates.pay_floor(row.smic) == pathway.hourly_pay
    else:
        assert row.valid_from == (start + relativedelta(months=7)).replace(day=1)
        assert row.hourly_pay == row.previous_hourly_pay + Decimal("0.20") == pathway.hourly_pay
    assert row.recorded_by.username == "siae.ares"
    assert pathway.log.filter(transition=Transition.REVALUE, on=row.valid_from).count() == 1
    assert "Avenant de revalorisation de la rémunération" in text


@pytest.mark.parametrize("kind", LIFE_KINDS)
def test_each_document_of_the_contract_s_life_reads_back_its_demo_pathway(life_documents, kind):
    pathway, text, path = life_documents[kind]
    assert [fact for fact in life_facts(kind, pathway) if flat(fact) not in text] == [], text
    assert "à compléter" not in text.lower()
    everything = pdf_objects(path)
    assert re.search(rb"pdfaid:part(?:>|=\")3", everything) and b"/Encrypt" not in everything
    assert not re.search(rb"/S\s*/Transparency", everything), "a transparency group"


def test_the_demo_s_attestation_names_no_part_of_the_justice_system(life_documents):
    """Shown to an employer or to France Travail: no word of detention, as for its own test with built data."""
    pathway, text, _path = life_documents[K.RELEASE_CERTIFICATE]
    words = [*JUDICIAL_WORDS, "permission de sortir", "ecrou", folded(flat(pathway.participant.ecrou)),
             folded(flat(pathway.programme.establishment.name))]
    assert [word for word in words if word in folded(text)] == [], text


# --- Archival PDF (PDF/A-3b) ---------------------------------------------------------------------------------


def pages(path) -> int:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    return int(re.search(r"^Pages:\s+(\d+)", out, re.M).group(1))


def pdf_objects(path) -> bytes:
    """The PDF's bytes and each of its streams inflated (the catalog, the XMP packet and the groups may sit in
    compressed streams). A decompressor object stops at the end of the compressed data: the end-of-line bytes before
    "endstream" (or a last data byte that looks like one) do not matter."""
    data = path.read_bytes()
    parts = [data]
    for match in re.finditer(rb"stream\r?\n", data):
        if data[max(0, match.start() - 3):match.start()] == b"end":
            continue
        try:
            parts.append(zlib.decompressobj().decompress(data[match.end():data.find(b"endstream", match.end())]))
        except zlib.error:
            continue  # an uncompressed stream: already in the bytes
    return b"".join(parts)


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_the_document_is_an_archival_pdf(documents, code, kind):
    _subject, path, _text, snapshot = documents[code, kind]
    everything = pdf_objects(path)
    assert re.search(rb"pdfaid:part(?:>|=\")3", everything), "no PDF/A identification in the XMP metadata"
    assert re.search(rb"pdfaid:conformance(?:>|=\")B", everything)
    assert b"/OutputIntents" in everything and b"/GTS_PDFA1" in everything
    assert b"/Encrypt" not in everything
    assert not re.search(rb"/S\s*/Transparency", everything), "a transparency group"
    assert all(float(alpha) == 1 for alpha in re.findall(rb"/(?:CA|ca)\s+([0-9.]+)", everything)), "a constant alpha"
    # The metadata name the document (kind, programme, reference), never a person: XMP and document information.
    xmp, metadata = xmp_of(path.read_bytes()), snapshot["metadata"]
    ids = [d for d in xmp.iter(f"{{{NS['rdf']}}}Description") if d.get(f"{{{NS['pdfaid']}}}part")]
    assert [(d.get(f"{{{NS['pdfaid']}}}part"), d.get(f"{{{NS['pdfaid']}}}conformance")) for d in ids] == [("3", "B")]
    assert xmp.find(".//dc:title/rdf:Alt/rdf:li", NS).text == metadata["title"]
    assert [li.text for li in xmp.findall(".//dc:creator/rdf:Seq/rdf:li", NS)] == [snapshot["author"]]
    assert xmp.find(".//dc:description/rdf:Alt/rdf:li", NS).text == metadata["subject"]
    assert catalog_language(path.read_bytes()) == "fr"
    info = pdfinfo(path)
    assert (info["Title"], info["Author"], info["Subject"], info["Keywords"]) == (
        metadata["title"], snapshot["author"], metadata["subject"], metadata["keywords"])
    assert (info["Encrypted"], info["PDF version"]) == ("no", "1.7") and info["Page size"].endswith("(A4)")
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True, text=True).stdout  # noqa: S603, S607
    rows = [line.split() for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(row[-5] == "yes" for row in rows), f"a font is not embedded:\n{fonts}"
    names = {row[0].split("+")[-1] for row in rows}
    assert {"Marianne", "Marianne-Bold"} <= names <= {"Marianne", "Marianne-Bold", "Marianne-Italic",
                                                      "Marianne-Regular_Italic"}, fonts


@pytest.mark.parametrize(("code", "kind"), CASES)
def test_the_document_names_its_siae_and_establishment_under_its_letterhead_on_numbered_pages(documents, code, kind):
    """The State's bloc-marque on the State convention only (tests/documents/test_layout.py for the others')."""
    _subject, path, text, _snapshot = documents[code, kind]
    programme = Programme.objects.get(code=code)
    assert flat(programme.siae.name) in text and flat(programme.establishment.name) in text
    assert ("RÉPUBLIQUE" in text and "FRANÇAISE" in text) is (kind == K.STATE_CONVENTION)
    total = pages(path)
    assert [n for n in range(1, total + 1) if f"Page {n} / {total}" not in text] == []
