"""Goal R-15: every edit page gives back what it shows. Fill an object (every field the page edits set to a value
that is not a default, with accents, multi-line text and decimals), GET its edit page, POST exactly what a browser
would send without any change (inputs, checked boxes, selected options, textareas: tests/security/forms_catalogue.py
HtmlForm), then every field of the object, its many-to-many links and the rows the page edits with it are unchanged.

Left out of the comparison, by design: the optimistic-locking counter (``version``: +1 on each save) and the
``updated_at`` stamp. The edit pages are forms_catalogue.EDIT_PAGES (a meta-test checks it names every *_update URL).
"""

import datetime
from decimal import Decimal
from urllib.parse import urlsplit

import pytest
from django.urls import get_resolver, reverse

from participants.models import Participant, Pathway, RecruitmentSession
from participants.rules import ecrou_key
from partners.models import Contact, Decision, Event, Meeting, Organisation, PartnerRole
from programmes.models import (
    Establishment,
    FinancialAnnex,
    FundingLine,
    ImplantationContract,
    PartnershipConvention,
    Programme,
    Region,
    Siae,
    StateConvention,
)
from tests.security.forms_catalogue import CATALOGUE, EDIT_PAGES, form_posting_to

NOT_COMPARED = {"version", "updated_at"}
# Rows edited on the same page as their parent (formsets): compared without their own ids.
CHILD_ROWS = {"programmes:partnership_update": "parties", "partners:meeting_update": "attendees"}
TEXT = "Ligne 1 : « accentuée », l'œuvre\nLigne 2 — suite"


def fill_participant(obj, scope):
    obj.first_names, obj.ecrou = "Éloïse Marie-Noëlle", "012 345"
    obj.ecrou_key = ecrou_key(obj.ecrou)
    obj.expected_release_date, obj.adjustment_eligibility_date = datetime.date(2027, 3, 1), datetime.date(2026, 9, 1)
    obj.rsa = obj.aah = obj.rqth = True
    obj.jobseeker, obj.education_level = "DETLD", "3"
    obj.work_constraints_note = TEXT
    obj.save()


def fill_establishment(obj, scope):
    obj.address = TEXT
    obj.save()


def fill_siae(obj, scope):
    obj.legal_form, obj.network, obj.address, obj.director_name = "SAS", "Coorace", TEXT, "Zoé d'Argent"
    obj.save()


def fill_programme(obj, scope):
    obj.sector, obj.start_date, obj.end_date = "Logistique", datetime.date(2024, 1, 8), datetime.date(2026, 12, 31)
    obj.places_planned, obj.etp_planned = 12, Decimal("6.50")
    obj.save()


def fill_convention(obj, scope):
    obj.reference = "CONV-77-2024/01"
    obj.save()


def fill_contract(obj, scope):
    obj.signed_on, obj.tacit_renewal, obj.premises = datetime.date(2022, 12, 15), True, TEXT
    obj.weekly_hours, obj.hourly_pay = Decimal("24.5"), Decimal("5.75")
    obj.save()


def fill_partnership(obj, scope):
    obj.purpose = TEXT
    obj.save()


def fill_funding(obj, scope):
    obj.amount = Decimal("15000.50")
    obj.save()


def fill_organisation(obj, scope):
    obj.name = "SPIP de Seine-et-Marne — antenne de Meaux"
    obj.save()


def fill_contact(obj, scope):
    obj.function, obj.email, obj.phone = "Directrice adjointe", "claire.alpha@example.org", "0123456789"
    obj.save()


def fill_role(obj, scope):
    obj.end_date = datetime.date(2026, 6, 30)
    obj.save()


def fill_meeting(obj, scope):
    obj.minutes = TEXT
    obj.save()
    obj.attendees.create(organisation=scope.organisations["siae"], role="Directrice")


def fill_decision(obj, scope):
    obj.status, obj.done_on = "DONE", datetime.date(2018, 6, 1)
    obj.save()


def fill_event(obj, scope):
    obj.programme_items, obj.replay_url = TEXT, "https://example.org/replay"
    obj.save()
    obj.regions.add(Region.objects.get(code="44"))
    obj.co_organisers.add(scope.organisations["dreets"])
    obj.projects.add(scope.programme)


def fill_session(obj, scope):
    obj.information_meeting_on, obj.interviews_on = datetime.date(2025, 2, 10), datetime.date(2025, 2, 24)
    obj.note = TEXT
    obj.save()


def fill_pathway_contract(obj, scope):
    obj.contract_signed_on, obj.hours_per_week, obj.hourly_pay = obj.contract_start, Decimal("26.5"), Decimal("6.15")
    obj.save()


FILL = {
    "participants:participant_update": fill_participant,
    "programmes:establishment_update": fill_establishment,
    "programmes:siae_update": fill_siae,
    "programmes:programme_update": fill_programme,
    "programmes:convention_update": fill_convention,
    "programmes:annex_update": lambda obj, scope: None,  # the matrix's annex has every field set
    "programmes:contract_update": fill_contract,
    "programmes:partnership_update": fill_partnership,
    "programmes:funding_update": fill_funding,
    "partners:organisation_update": fill_organisation,
    "partners:organisation_update:administrateur": fill_organisation,  # with the scope relations (issue 14)
    "partners:contact_update": fill_contact,
    "partners:role_update": fill_role,
    "partners:meeting_update": fill_meeting,
    "partners:decision_update": fill_decision,
    "partners:event_update": fill_event,
    "participants:session_update": fill_session,
    "participants:pathway_step:contrat": fill_pathway_contract,
}


# The model of the edit pages served by a function view (which has no view_class to read it from).
FUNCTION_VIEW_MODELS = {
    "programmes:establishment_update": Establishment, "programmes:siae_update": Siae,
    "programmes:programme_update": Programme, "programmes:convention_update": StateConvention,
    "programmes:annex_update": FinancialAnnex, "programmes:contract_update": ImplantationContract,
    "programmes:partnership_update": PartnershipConvention, "programmes:funding_update": FundingLine,
    "partners:organisation_update": Organisation, "partners:contact_update": Contact,
    "partners:role_update": PartnerRole, "partners:meeting_update": Meeting, "partners:decision_update": Decision,
    "partners:event_update": Event,
    "participants:participant_update": Participant,
    "participants:session_update": RecruitmentSession,
}


def edited_object(entry, args):
    """The object of the edit page, from its view's model (a pathway for the contract correction)."""
    match = get_resolver().resolve(reverse(entry.url_name, args=args))
    if entry.url_name == "participants:pathway_step":
        model = Pathway
    elif entry.url_name in FUNCTION_VIEW_MODELS:
        model = FUNCTION_VIEW_MODELS[entry.url_name]
    else:
        model = match.func.view_class.model
    return model.objects.get(pk=args[0])


def state(obj, url_id) -> dict:
    """Every stored field, many-to-many links and the child rows edited on the page."""
    obj = type(obj).objects.get(pk=obj.pk)
    values = {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields if f.name not in NOT_COMPARED}
    for m2m in obj._meta.many_to_many:
        values[m2m.name] = sorted(getattr(obj, m2m.name).values_list("pk", flat=True))
    if url_id in CHILD_ROWS:
        rows = getattr(obj, CHILD_ROWS[url_id]).all()
        values[CHILD_ROWS[url_id]] = sorted(
            tuple(getattr(row, f.attname) for f in row._meta.concrete_fields if not f.primary_key) for row in rows)
    return values


@pytest.mark.parametrize("entry", EDIT_PAGES, ids=lambda entry: entry.id)
def test_posting_an_edit_page_back_unchanged_changes_nothing(entry, scope_a, scope_b, personas, client_as):
    args = entry.args(scope_a)
    obj = edited_object(entry, args)
    FILL[entry.id](obj, scope_a)
    before = state(obj, entry.id)
    client = client_as(entry.persona)
    url = reverse(entry.url_name, args=args)
    page = client.get(url)
    form = form_posting_to(page.content.decode(), urlsplit(url).path, url)
    data = {}
    for name, value in form.values:
        data.setdefault(name, []).append(value)

    response = client.post(url, data)

    assert response.status_code == 302, f"the unchanged form is refused ({response.status_code})"
    after = state(obj, entry.id)
    changed = {name: (before[name], after[name]) for name in before if before[name] != after[name]}
    assert not changed, f"fields lost or changed by a round trip: {changed}"


def test_every_update_page_has_a_round_trip():
    updates = {entry.url_name for entry in CATALOGUE if entry.url_name.endswith("_update")}

    assert updates <= {entry.url_name for entry in EDIT_PAGES}
    assert set(FILL) == {entry.id for entry in EDIT_PAGES}


def test_the_comparison_sees_a_field_the_page_would_lose(scope_a, client_as):
    """The harness itself: a textarea left out of the POST (as a template that forgets it would) is reported."""
    entry = next(entry for entry in EDIT_PAGES if entry.id == "participants:participant_update")
    args = entry.args(scope_a)
    obj = edited_object(entry, args)
    FILL[entry.id](obj, scope_a)
    before = state(obj, entry.id)
    client = client_as(entry.persona)
    url = reverse(entry.url_name, args=args)
    form = form_posting_to(client.get(url).content.decode(), urlsplit(url).path, url)
    data = {}
    for name, value in form.values:
        if name != "work_constraints_note":
            data.setdefault(name, []).append(value)

    assert client.post(url, data).status_code == 302
    after = state(obj, entry.id)
    assert before["work_constraints_note"] == TEXT and after["work_constraints_note"] == ""
    assert {name for name in before if before[name] != after[name]} == {"work_constraints_note"}
