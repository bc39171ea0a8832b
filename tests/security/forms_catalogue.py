"""Every URL a user can POST to, with the persona that may post there and the fields it takes (goal S-12).

tests/security/test_form_fuzzing.py fuzzes each entry and fails when a URL accepting POST is missing here;
tests/security/test_form_round_trip.py uses the edit pages (``EDIT_PAGES``) and the HTML form parser below.

An entry:
- ``url_name`` and ``args(scope)``: the URL, built on the objects of a scope (scope A for the poster; the same
  builders give scope B's objects, whose ids are posted as foreign keys of another scope);
- ``persona``: a persona of tests/accounts/personas.py whose role may post there (scope A when a scope applies, so
  that scope B's rows are "outside" and must not change);
- ``fields``: name (or a pattern: "version-*", "parties-*-role") -> kind, the kind choosing the hostile values
  (see the strategies of test_form_fuzzing.py): text, date, int, decimal, choice, fk, multi (several foreign
  keys), bool, email, url, file;
- ``page``: where the form is shown ("self": GET the same URL; a URL name taking the same arguments; None: an
  action button whose only input is the URL). The fields of a shown form are checked against the page;
- ``baseline(scope)``: valid values a create page starts from (update pages start from what the page shows).
"""

import datetime
import html.parser
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.tokens import default_token_generator
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from participants.enums import PathwayStatus
from tests.accounts import test_scope_matrix as matrix
from tests.participants.factories import acte_in_workshop, pathway_at


@dataclass(frozen=True)
class FormEntry:
    url_name: str
    persona: str
    args: Callable
    fields: dict
    page: str | None = "self"
    baseline: Callable = field(default=lambda scope: {})
    label: str = ""

    @property
    def id(self) -> str:
        return self.label or self.url_name


def no_args(scope) -> list:
    return []


def from_matrix(url_name: str) -> Callable:
    """The object the access matrix builds for this URL (tests/<app>/matrix_*.py), in the given scope."""

    def args(scope) -> list:
        obj = matrix.scope_a_object(scope, url_name)
        return [*matrix.ARGS_BEFORE_ID.get(url_name, []), obj.pk, *matrix.EXTRA_ARGS.get(url_name, [])]

    return args


def of(attribute: str) -> Callable:
    return lambda scope: [getattr(scope, attribute).pk]


def organisation(key: str) -> Callable:
    return lambda scope: [scope.organisations[key].pk]


def pathway_step(status: str, slug: str) -> Callable:
    return lambda scope: [pathway_at(status, programme=scope.programme).pk, slug]


def session_with_a_newcomer(scope) -> list:
    """The matrix's session of the scope's programme, and a person of its establishment not yet a candidate."""
    from tests.participants.factories import ParticipantFactory

    ParticipantFactory(establishment=scope.establishment, last_name="Nouveau")
    return from_matrix("participants:session_add_candidates")(scope)


def _token_link(scope, token_generator) -> list:
    """The arguments of a one-time link of the scope's CPIP (tests/accounts/personas.py names it cpip_<scope>)."""
    from django.contrib.auth import get_user_model

    user = get_user_model().objects.get(username=f"cpip_{scope.key.lower()}")
    return [urlsafe_base64_encode(force_bytes(user.pk)), token_generator.make_token(user)]


def reset_link(scope) -> list:
    """The password reset link of the scope's CPIP."""
    return _token_link(scope, default_token_generator)


def invitation_link(scope) -> list:
    """The invitation link of the scope's CPIP (accounts.invitations), as the account's invitation mail gives it."""
    from accounts.invitations import invitation_token_generator

    return _token_link(scope, invitation_token_generator)


# Links whose GET keeps the token in the session and redirects to .../set-password/, where the form posts.
TOKEN_LINKS = {"accounts:password_reset_confirm", "accounts:invitation_accept"}
NEW_PASSWORD = {"new_password1": "text", "new_password2": "text"}


def new_password(scope) -> dict:
    return {"new_password1": "Un mot de passe assez long", "new_password2": "Un mot de passe assez long"}


DAY = datetime.date(2025, 1, 6)

ESTABLISHMENT = {"name": "text", "kind": "choice", "department": "fk", "address": "text",
                 "delegated_manager": "fk", "quartiers": "multi"}
SIAE = {"name": "text", "kind": "choice", "siret": "text", "legal_form": "text", "network": "text",
        "department": "fk", "address": "text", "director_name": "text", "governance": "text"}
PROGRAMME = {"code": "text", "siae": "fk", "establishment": "fk", "quartier": "fk", "activity": "text",
             "sector": "text", "start_date": "date", "end_date": "date", "phase": "choice", "stage": "choice",
             "places_planned": "int", "etp_planned": "decimal",
             # the project and the post (issue 17, §2)
             **{name: "text" for name in ("target_public", "schedule", "markets", "premises", "equipment",
                                          "permanent_staff", "accompaniment_plan", "continuity", "timeline",
                                          "post_risks", "on_call", "bonuses", "cip_name")},
             **{name: "decimal" for name in ("supervisors_etp", "cip_etp", "target_durable_pct", "target_dynamic_pct",
                                             "budget_pay", "budget_staff", "budget_purchases", "budget_premises",
                                             "budget_overheads", "budget_sales")},
             "target_entries": "int"}
CONVENTION = {"siae": "fk", "authority": "fk", "reference": "text", "start_date": "date", "end_date": "date",
              "cdiae_opinion_on": "date", "signatory_name": "text", "signatory_title": "text",
              "target_dynamic_pct": "decimal", "target_durable_pct": "decimal", "objectives": "text"}
ANNEX = {"asp_number": "text", "measure": "choice", "establishment": "fk", "year": "int", "start_date": "date",
         "end_date": "date", "etp": "decimal", "aid_amount": "decimal"}
CONTRACT = {"regime": "choice", "signed_on": "date", "start_date": "date", "end_date": "date",
            "tacit_renewal": "bool", "premises": "text", "posts": "int", "weekly_hours": "decimal",
            "hourly_pay": "decimal", "premises_area": "decimal", "monthly_fee": "decimal",
            "termination_notice_months": "int", "equipment": "text", "staff_access": "text", "fluids": "text",
            "insurance": "text", "renewal_terms": "text", "modification_terms": "text", "termination_terms": "text"}
PARTNERSHIP = {"title": "text", "purpose": "text", "start_date": "date", "end_date": "date",
               # the parties' formset (programmes/forms.py party_formset): one extra empty row
               "parties-TOTAL_FORMS": "int", "parties-INITIAL_FORMS": "int", "parties-MIN_NUM_FORMS": "int",
               "parties-MAX_NUM_FORMS": "int", "parties-*-organisation": "fk", "parties-*-role": "text"}
FUNDING = {"year": "int", "funder": "choice", "organisation": "fk", "amount": "decimal"}
ORGANISATION = {"kind": "choice", "name": "text", "department": "fk", "region": "fk", "disp": "fk"}
# The relations that decide who reads names: only an administrator's form has them (issue 14).
ORGANISATION_SCOPE = {**ORGANISATION, "siae": "fk", "establishment": "fk", "served_establishments": "multi"}
CONTACT = {"first_name": "text", "last_name": "text", "function": "text", "email": "email", "phone": "text"}
ROLE = {"organisation": "fk", "role": "choice", "start_date": "date", "end_date": "date", "contact": "fk"}
MEETING = {"kind": "choice", "date": "date", "agenda": "text", "minutes": "text",
           # the attendees' formset (partners/forms.py attendee_formset, prefix "participants")
           "participants-TOTAL_FORMS": "int", "participants-INITIAL_FORMS": "int",
           "participants-MIN_NUM_FORMS": "int", "participants-MAX_NUM_FORMS": "int",
           "participants-*-organisation": "fk", "participants-*-person": "fk", "participants-*-role": "text",
           "participants-*-DELETE": "bool"}
DECISION = {"text": "text", "owner": "fk", "due_date": "date", "status": "choice", "done_on": "date"}
EVENT = {"title": "text", "date": "date", "regions": "multi", "co_organisers": "multi", "programme_items": "text",
         "replay_url": "url", "projects": "multi"}
PARTICIPANT = {"last_name": "text", "first_names": "text", "birth_date": "date", "sex": "choice",
               "establishment": "fk", "quartier": "fk", "ecrou": "text", "expected_release_date": "date",
               "adjustment_eligibility_date": "date", "counsellor": "fk", "rsa": "bool", "ass": "bool", "aah": "bool",
               "jobseeker": "choice", "education_level": "choice", "rqth": "bool", "work_constraints_note": "text",
               "version": "int"}
PARTICIPANT_UPDATE = {**PARTICIPANT, "stay_ended_on": "date"}  # the end of the stay: on an existing person only
SESSION = {"programme": "fk", "information_meeting_on": "date", "interviews_on": "date", "date": "date",
           "note": "text"}
STEP_VERSION = {"version": "int"}
ACCOUNT = {"first_name": "text", "last_name": "text", "email": "email", "organisation": "fk", "role": "choice",
           "username": "text"}

CATALOGUE = [
    # --- accounts: the forms before sign-in, and sign-out ---------------------------------------------------
    FormEntry("accounts:login", "anonymous", no_args, {"username": "text", "password": "text", "next": "text"},
              baseline=lambda scope: {"username": "cpip_a", "password": "Demo-IAE-detention-2026"}),
    FormEntry("accounts:logout", "CPIP_A", no_args, {}, page=None),
    # The home page answers any method (a function view without a method filter): a POST must be as harmless.
    FormEntry("accounts:home", "CPIP_A", no_args, {}, page=None),
    FormEntry("accounts:password_reset", "anonymous", no_args, {"email": "email"},
              baseline=lambda scope: {"email": "cpip.a@example.org"}),
    # GET the link first: Django keeps the token in the session and redirects to .../set-password/ (see the test).
    FormEntry("accounts:password_reset_confirm", "anonymous", reset_link, NEW_PASSWORD, baseline=new_password),
    # The invitation's one-time link (issue 18, §3): the same form, with the invitation's token.
    FormEntry("accounts:invitation_accept", "anonymous", invitation_link, NEW_PASSWORD, baseline=new_password),
    # « Comptes » (issue 18, §3): an SPIP manager creates an account of their SPIP and manages it.
    FormEntry("accounts:account_create", "SPIP_MANAGER_A", no_args, ACCOUNT,
              baseline=lambda scope: {"first_name": "Inès", "last_name": "Morel", "email": "ines.morel@spip.invalid",
                                      "organisation": scope.organisations["spip"].pk, "role": "CPIP"}),
    FormEntry("accounts:account_activation", "SPIP_MANAGER_A", from_matrix("accounts:account_activation"),
              {"reason": "text"}, baseline=lambda scope: {"reason": "Départ du service"}),
    FormEntry("accounts:account_second_factor_reset", "SPIP_MANAGER_A",
              from_matrix("accounts:account_second_factor_reset"), {"reason": "text"},
              baseline=lambda scope: {"reason": "Téléphone perdu"}),
    FormEntry("accounts:account_invitation_resend", "SPIP_MANAGER_A", from_matrix("accounts:account_invitation_resend"),
              {}, page=None),
    # --- registry -----------------------------------------------------------------------------------------
    FormEntry("programmes:establishment_create", "DISP_STAFF_A", no_args, ESTABLISHMENT,
              baseline=lambda scope: {"name": "CP Charlie", "department": "77"}),
    FormEntry("programmes:establishment_update", "DISP_STAFF_A", of("establishment"), ESTABLISHMENT),
    FormEntry("programmes:siae_create", "DREETS_STAFF_A", no_args, SIAE,
              baseline=lambda scope: {"name": "Atelier du Sud", "siret": "73282932000074", "department": "77"}),
    FormEntry("programmes:siae_update", "DDETS_STAFF_A", of("siae"), SIAE),
    FormEntry("programmes:siae_logo", "SIAE_DIRECTOR_A", of("siae"), {"logo": "file"}),
    FormEntry("programmes:programme_create", "DISP_STAFF_A", no_args, PROGRAMME,
              baseline=lambda scope: {"code": "ALPHA-9", "siae": scope.siae.pk,
                                      "establishment": scope.establishment.pk, "activity": "Blanchisserie"}),
    FormEntry("programmes:programme_update", "SIAE_DIRECTOR_A", of("programme"), PROGRAMME),
    FormEntry("programmes:convention_create", "DDETS_STAFF_A", no_args, CONVENTION,
              baseline=lambda scope: {"siae": scope.siae.pk, "authority": scope.organisations["ddets"].pk,
                                      "start_date": "2025-01-01", "end_date": "2027-12-31"}),
    FormEntry("programmes:convention_update", "SIAE_DIRECTOR_A", from_matrix("programmes:convention_update"),
              CONVENTION),
    FormEntry("programmes:convention_validate", "DDETS_STAFF_A", from_matrix("programmes:convention_validate"), {},
              page=None),
    FormEntry("programmes:annex_create", "SIAE_DIRECTOR_A", from_matrix("programmes:annex_create"), ANNEX,
              baseline=lambda scope: {"asp_number": "ACI077250001", "year": "2025", "start_date": "2025-01-01",
                                      "end_date": "2025-12-31", "etp": "3", "aid_amount": "70000"}),
    FormEntry("programmes:annex_update", "SIAE_DIRECTOR_A", from_matrix("programmes:annex_update"), ANNEX),
    FormEntry("programmes:annex_validate", "DREETS_STAFF_A", from_matrix("programmes:annex_validate"), {},
              page=None),
    FormEntry("programmes:contract_create", "ESTABLISHMENT_STAFF_A", of("programme"), CONTRACT,
              baseline=lambda scope: {"start_date": "2025-01-01", "end_date": "2027-12-31", "posts": "10",
                                      "weekly_hours": "20", "hourly_pay": "5.5"}),
    FormEntry("programmes:contract_update", "DISP_STAFF_A", from_matrix("programmes:contract_update"), CONTRACT),
    FormEntry("programmes:partnership_create", "DISP_STAFF_A", of("programme"), PARTNERSHIP,
              baseline=lambda scope: {"title": "Partenariat France Travail", "start_date": "2025-01-01"}),
    FormEntry("programmes:partnership_update", "DISP_STAFF_A", from_matrix("programmes:partnership_update"),
              PARTNERSHIP),
    FormEntry("programmes:funding_create", "DREETS_STAFF_A", of("programme"), FUNDING,
              baseline=lambda scope: {"year": "2025", "amount": "12000"}),
    FormEntry("programmes:funding_update", "DREETS_STAFF_A", from_matrix("programmes:funding_update"), FUNDING),
    # --- partners -----------------------------------------------------------------------------------------
    FormEntry("partners:organisation_create", "DDETS_STAFF_A", no_args, ORGANISATION,
              baseline=lambda scope: {"kind": "MISSION_LOCALE", "name": "Mission locale de Meaux",
                                      "department": "77", "region": "", "disp": ""}),
    FormEntry("partners:organisation_update", "DISP_STAFF_A", organisation("spip"), ORGANISATION),
    FormEntry("partners:organisation_update", "ADMIN", organisation("spip"), ORGANISATION_SCOPE,
              label="partners:organisation_update:administrateur"),
    FormEntry("partners:contact_create", "DISP_STAFF_A", organisation("spip"), CONTACT,
              baseline=lambda scope: {"first_name": "Inès", "last_name": "Morel"}),
    FormEntry("partners:contact_update", "DISP_STAFF_A", from_matrix("partners:contact_update"), CONTACT),
    FormEntry("partners:role_create", "SPIP_MANAGER_A", of("programme"), ROLE,
              baseline=lambda scope: {"organisation": scope.organisations["spip"].pk, "start_date": "2025-01-01"}),
    FormEntry("partners:role_update", "SPIP_MANAGER_A", from_matrix("partners:role_update"), ROLE),
    FormEntry("partners:meeting_create", "SIAE_DIRECTOR_A", of("programme"), MEETING,
              baseline=lambda scope: {"date": "2025-01-06", "agenda": "Bilan"}),
    FormEntry("partners:meeting_create_establishment", "SPIP_MANAGER_A", of("establishment"), MEETING,
              baseline=lambda scope: {"date": "2025-01-06", "agenda": "Bilan"}),
    FormEntry("partners:meeting_update", "DISP_STAFF_A", from_matrix("partners:meeting_update"), MEETING),
    FormEntry("partners:decision_create", "DREETS_STAFF_A", from_matrix("partners:decision_create"), DECISION,
              baseline=lambda scope: {"text": "Recruter", "owner": scope.organisations["siae"].pk}),
    FormEntry("partners:decision_update", "DREETS_STAFF_A", from_matrix("partners:decision_update"), DECISION),
    FormEntry("partners:event_create", "DREETS_STAFF_A", no_args, EVENT,
              baseline=lambda scope: {"title": "Forum", "date": "2025-01-06", "regions": ["11"]}),
    FormEntry("partners:event_update", "DREETS_STAFF_A", from_matrix("partners:event_update"), EVENT),
    # --- participants, pathways and their steps, timeline, follow-ups -----------------------------------------
    # The lists' search form is POSTed (the name searched stays out of URLs), then redirected to (303).
    FormEntry("participants:participant_list", "CPIP_A", no_args,
              {"q": "text", "status": "choice", "release_within": "choice", "follow_up_due": "bool", "tri": "text",
               "programme": "fk"}),
    FormEntry("participants:pathway_list", "SIAE_STAFF_A", no_args,
              {"q": "text", "status": "choice", "exit_reason": "choice", "outcome": "choice", "programme": "fk"}),
    FormEntry("participants:participant_create", "CPIP_A", no_args, PARTICIPANT,
              baseline=lambda scope: {"last_name": "Traoré", "first_names": "Ibrahim", "birth_date": "1991-06-15",
                                      "sex": "M", "establishment": scope.establishment.pk,
                                      "quartier": scope.quartier.pk, "ecrou": "45 678"}),
    FormEntry("participants:participant_update", "CPIP_A", from_matrix("participants:participant_update"),
              PARTICIPANT_UPDATE),
    # The right of access: the date of the person's request, then a JSON file (an attachment, not a redirect).
    FormEntry("participants:participant_access_export", "CPIP_A", from_matrix("participants:participant_update"),
              {"requested_on": "date"}),
    FormEntry("participants:pathway_create", "CPIP_A", from_matrix("participants:pathway_create"),
              {"programme": "fk", "session": "fk"}),
    FormEntry("participants:pathway_step", "SIAE_STAFF_A", pathway_step(PathwayStatus.CANDIDATE, "decision"),
              {**STEP_VERSION, "decision": "choice", "decision_reason": "text"},
              label="participants:pathway_step:decision"),
    FormEntry("participants:pathway_step", "ESTABLISHMENT_STAFF_A",
              pathway_step(PathwayStatus.SELECTED, "classement"),
              {**STEP_VERSION, "cpu_opinion": "choice", "classification_decision": "choice", "classified_on": "date",
               "classification_refusal_reason": "text"},
              label="participants:pathway_step:classement"),
    FormEntry("participants:pathway_step", "ESTABLISHMENT_STAFF_A",
              pathway_step(PathwayStatus.CLASSIFIED, "affectation"),
              {**STEP_VERSION, "assigned_on": "date"}, label="participants:pathway_step:affectation"),
    FormEntry("participants:pathway_step", "SIAE_DIRECTOR_A", pathway_step(PathwayStatus.ASSIGNED, "entree"),
              {**STEP_VERSION, "contract_start": "date", "contract_signed_on": "date", "hours_per_week": "decimal",
               "hourly_pay": "decimal"}, label="participants:pathway_step:entree"),
    FormEntry("participants:pathway_step", "SIAE_DIRECTOR_A", pathway_step(PathwayStatus.IN_WORKSHOP, "contrat"),
              {**STEP_VERSION, "contract_signed_on": "date", "hours_per_week": "decimal", "hourly_pay": "decimal"},
              label="participants:pathway_step:contrat"),
    FormEntry("participants:pathway_step", "SIAE_DIRECTOR_A",
              lambda scope: [acte_in_workshop(scope.programme).pk, "transformation-cep"],
              {**STEP_VERSION, "cep_start": "date", "contract_signed_on": "date", "hours_per_week": "decimal",
               "hourly_pay": "decimal"}, label="participants:pathway_step:transformation-cep"),
    FormEntry("participants:pathway_step", "SIAE_STAFF_A", pathway_step(PathwayStatus.IN_WORKSHOP, "suspension"),
              {**STEP_VERSION, "start": "date", "reason": "choice"}, label="participants:pathway_step:suspension"),
    FormEntry("participants:pathway_step", "SIAE_STAFF_A", pathway_step(PathwayStatus.SUSPENDED, "reprise"),
              {**STEP_VERSION, "on": "date"}, label="participants:pathway_step:reprise"),
    FormEntry("participants:pathway_step", "CPIP_A", pathway_step(PathwayStatus.IN_WORKSHOP, "sortie"),
              {**STEP_VERSION, "exit_on": "date", "exit_reason": "choice", "adjustment": "choice",
               "return_reason": "choice", "outcome": "choice", "job_contract": "choice", "job_months": "int",
               "exit_note": "text"}, label="participants:pathway_step:sortie"),
    FormEntry("participants:pathway_step", "CPIP_A", pathway_step(PathwayStatus.SELECTED, "desistement"),
              {**STEP_VERSION, "withdrawn_on": "date", "reason": "text"},
              label="participants:pathway_step:desistement"),
    FormEntry("participants:event_create", "SIAE_STAFF_A", from_matrix("participants:event_create"),
              {"kind": "choice", "on": "date", "end_on": "date", "hours": "decimal", "adjustment_decision": "choice",
               "detail": "text"}, baseline=lambda scope: {"kind": "CIP_INTERVIEW", "on": "2025-03-03"}),
    FormEntry("participants:event_delete", "CPIP_A", from_matrix("participants:event_delete"), {}, page=None),
    FormEntry("participants:follow_up", "CPIP_A", from_matrix("participants:follow_up"),
              {"reached": "choice", "contacted_on": "date", "situation": "choice", "continued_in_siae": "bool",
               "note": "text"}),
    # Pay that follows the SMIC (issue 15 §2): one contract's revaluation (also posted from the list, "liste"), and
    # "tout revaloriser" for a programme (a POST to the list naming the programme).
    FormEntry("participants:pay_revalue", "SIAE_DIRECTOR_A", from_matrix("participants:pay_revalue"),
              {**STEP_VERSION, "valid_from": "date", "hourly_pay": "decimal", "liste": "bool"}),
    FormEntry("participants:pay_revaluations", "SIAE_DIRECTOR_A", no_args, {"programme": "fk"}, page=None),
    # The avenant changing a contract's hours or post, and the skills acquired (issue 17 §3).
    FormEntry("participants:contract_change", "SIAE_DIRECTOR_A", from_matrix("participants:contract_change"),
              {**STEP_VERSION, "valid_from": "date", "hours_per_week": "decimal", "post": "text", "reason": "text"}),
    FormEntry("participants:pathway_skills", "CPIP_A", from_matrix("participants:pathway_skills"),
              {**STEP_VERSION, "skills_acquired": "text"}),
    FormEntry("participants:session_create", "SIAE_DIRECTOR_A", no_args, SESSION,
              baseline=lambda scope: {"programme": scope.programme.pk, "date": "2025-02-03"}),
    FormEntry("participants:session_update", "CPIP_A", from_matrix("participants:session_update"), SESSION),
    FormEntry("participants:session_add_candidates", "CPIP_A", session_with_a_newcomer,
              {"participants": "multi"}, page="participants:session_detail"),
    # version-<pathway id> fields: the version each card showed (participants/session_forms.py posted_versions)
    FormEntry("participants:session_decide", "CPIP_A", from_matrix("participants:session_decide"),
              {"pathways": "multi", "decision": "choice", "reason": "text", "version-*": "int"},
              page="participants:session_detail"),
    # The month's hours sheet (issue 18 §2): one cell per person and column (hours-<pathway id>, <reason>-<id>), the
    # rows the page showed; its validation (a button) and the import of its file (shown on the sheet).
    FormEntry("participants:hours_sheet", "SIAE_STAFF_A", from_matrix("participants:hours_sheet"),
              {"rows": "text", "hours-*": "decimal", "SUSPENSION-*": "int", "SICK_LEAVE-*": "int",
               "TRANSFER-*": "int", "COURT_APPEARANCE-*": "int"}),
    FormEntry("participants:hours_validate", "SIAE_DIRECTOR_A", from_matrix("participants:hours_validate"), {},
              page=None),
    FormEntry("participants:hours_import", "SIAE_STAFF_A", from_matrix("participants:hours_import"),
              {"fichier": "file", "reason": "text"}, page=None),
    FormEntry("participants:import_upload", "CPIP_A", no_args, {"file": "file"}),
    FormEntry("participants:import_confirm", "CPIP_A", from_matrix("participants:import_confirm"), {}, page=None),
    # --- documents ----------------------------------------------------------------------------------------
    FormEntry("documents:programme_document_request", "SIAE_DIRECTOR_A",
              from_matrix("documents:programme_document_request"), {}, page=None),
    FormEntry("documents:convention_document_request", "DDETS_STAFF_A",
              from_matrix("documents:convention_document_request"), {}, page=None),
    FormEntry("documents:pathway_document_request", "SIAE_STAFF_A",
              from_matrix("documents:pathway_document_request"), {}, page=None),
    FormEntry("documents:activity_report_request", "DISP_STAFF_A", from_matrix("documents:activity_report_request"),
              {"periode": "choice", "du": "date", "au": "date"}, page=None),
    FormEntry("documents:document_retry", "DREETS_STAFF_A", from_matrix("documents:document_retry"), {}, page=None),
    FormEntry("documents:batch_create", "CPIP_A", from_matrix("documents:batch_create"), {}, page=None),
    # --- alerts by email (issue 18, §4): each user's own choice of frequency ------------------------------------
    FormEntry("notifications:preferences", "DISP_STAFF_A", no_args, {"frequency": "choice"}),
]

# URLs answering POST that this catalogue does not fuzz, and why (the meta-test accepts them, the report lists them).
NOT_FUZZED = {
    # The second-factor pages (accounts/two_factor_views.py, issue 7, the lead's part): a code typed after the
    # password; tests/accounts/ covers them. To be added here once they are settled.
    "accounts:two_factor_verify": "second factor, added by the lead during issue 7",
    "accounts:two_factor_setup": "second factor, added by the lead during issue 7",
    "accounts:two_factor_recovery_codes": "second factor, added by the lead during issue 7",
}

# Function views that answer GET only (checked by a POST answered 405 in test_form_fuzzing.py), with the arguments
# their URL needs.
GET_ONLY_FUNCTION_VIEWS = {
    "healthz": [],
    "privacy": [],
    "readyz": [],
    "dashboards:landing": [],
    "dashboards:national": [],
    "dashboards:national_json": [],
    "dashboards:scope": ["region", "11"],
    "dashboards:scope_json": ["region", "11"],
    "dashboards:release": [],
    "participants:hours_index": [],
    "participants:hours_export": [1, 2026, 11],
    "participants:import_template": [],
    "accounts:account_list": [], "accounts:account_detail": [1], "accounts:invitation_done": [],
    # programmes and partners: lists and detail pages (require_safe); any id will do, the 405 comes before the 404
    "programmes:establishment_list": [], "programmes:establishment_detail": [1],
    "programmes:siae_list": [], "programmes:siae_detail": [1],
    "programmes:programme_list": [], "programmes:programme_detail": [1],
    "programmes:convention_list": [], "programmes:convention_detail": [1],
    "programmes:partnership_detail": [1], "programmes:funding_list": [],
    "partners:organisation_list": [], "partners:organisation_detail": [1],
    "partners:meeting_list": [], "partners:meeting_detail": [1],
    "partners:event_list": [], "partners:event_detail": [1],
    "participants:participant_detail": ["00000000-0000-0000-0000-000000000000"],
    "participants:pathway_detail": ["00000000-0000-0000-0000-000000000000"],
    "participants:import_detail": ["00000000-0000-0000-0000-000000000000"],
    "participants:session_detail": [1],
    "participants:session_list": [],
    "documents:document_list": [],
    "documents:document_detail": ["00000000-0000-0000-0000-000000000000"],
    "documents:document_download": ["00000000-0000-0000-0000-000000000000"],
    "documents:batch_detail": ["00000000-0000-0000-0000-000000000000"],
    "documents:batch_download": ["00000000-0000-0000-0000-000000000000"],
}

# The edit pages of goal R-15 (GET the filled form, POST it back unchanged: nothing changes). The pathway steps
# record transitions rather than edit fields, except the contract correction; a follow-up is recorded once.
EDIT_PAGES = [entry for entry in CATALOGUE
              if entry.url_name.endswith("_update") or entry.label == "participants:pathway_step:contrat"]


# --- the HTML form a page shows ------------------------------------------------------------------------------


@dataclass
class HtmlForm:
    action: str | None
    method: str
    values: list = field(default_factory=list)  # [(name, value)] as a browser submits them, in order
    names: set = field(default_factory=set)  # every field name, submitted or not (unchecked boxes...)
    options: dict = field(default_factory=dict)  # name -> [values a select or radio/checkbox group offers]


class _FormParser(html.parser.HTMLParser):
    """The forms of a page, and what a browser would submit for each without any change by the user."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[HtmlForm] = []
        self._form = None
        self.by_id = {}
        self._select = None  # [name, multiple, chosen values, first option, form]
        self._textarea = None  # [name, text, form]

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "form":
            form_id = attributes.get("id")
            self._form = self.by_id.get(form_id) or HtmlForm(None, "get")  # fields may come before their form
            self._form.action = attributes.get("action")
            self._form.method = (attributes.get("method") or "get").lower()
            self.forms.append(self._form)
            if form_id:
                self.by_id[form_id] = self._form
            return
        target = self._form
        if attributes.get("form") and tag in {"input", "select", "textarea"}:
            # A field anywhere on the page that belongs to the form of that id (form="decision-form").
            target = self.by_id.setdefault(attributes["form"], HtmlForm(None, "post"))
        elif tag == "option" and self._select is not None:
            target = self._select[4]
        if target is None or "disabled" in attributes:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = (attributes.get("type") or "text").lower()
            if kind in {"submit", "button", "reset", "image"}:
                return
            target.names.add(name)
            value = attributes.get("value", "on" if kind in {"checkbox", "radio"} else "")
            if kind in {"checkbox", "radio"}:
                target.options.setdefault(name, []).append(value)
                if "checked" in attributes:
                    target.values.append((name, value))
            elif kind != "file":
                target.values.append((name, value))
        elif tag == "select" and name:
            target.names.add(name)
            target.options.setdefault(name, [])
            self._select = [name, "multiple" in attributes, [], None, target]
        elif tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            target.options[self._select[0]].append(value)
            if self._select[3] is None:
                self._select[3] = value
            if "selected" in attributes:
                self._select[2].append(value)
        elif tag == "textarea" and name:
            target.names.add(name)
            self._textarea = [name, "", target]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            name, multiple, chosen, first, target = self._select
            if not chosen and not multiple and first is not None:
                chosen = [first]  # a browser submits the first option of a single select with nothing selected
            target.values.extend((name, value) for value in chosen)
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            name, text, target = self._textarea
            # The HTML parser keeps the one newline that may follow <textarea>; browsers drop it.
            target.values.append((name, text.removeprefix("\n")))
            self._textarea = None


def page_forms(content: str) -> list[HtmlForm]:
    parser = _FormParser()
    parser.feed(content)
    return parser.forms


def form_posting_to(content: str, url: str, page_url: str) -> HtmlForm:
    """The POST form of the page whose action is ``url`` (an empty or missing action posts to the page)."""
    found = [form for form in page_forms(content) if form.method == "post"
             and (form.action == url or (not form.action and url == page_url))]
    assert len(found) == 1, f"{len(found)} POST forms to {url} on {page_url}"
    return found[0]
