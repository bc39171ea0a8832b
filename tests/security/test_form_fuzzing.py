"""Goal S-12: hostile input on every form a user can post (tests/security/forms_catalogue.py) gives no server error,
writes nothing outside the poster's scope, and a refused form says why in French.

Each example starts from what the page offers (the object's values on an edit page, valid values on a create page),
changes some fields to hostile values (NUL bytes, 10,000 characters, right-to-left and combining characters, emoji,
numbers out of range, impossible dates, huge or negative decimals, ids of scope B, formula or script-looking text),
drops some, sends others twice, adds unknown ones, then posts as a persona of scope A and follows the redirect.

Each example runs in its own transaction, rolled back at its end (hypothesis with pytest-django: a savepoint in the
test's transaction), so examples never see each other's rows. The number of examples per form comes from
FUZZ_EXAMPLES (a few in the normal suite; `make fuzz` asks for 300 and prints the count run per form).
"""

import datetime
import fnmatch
import hashlib
import html.parser
import os
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver, reverse
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis.database import DirectoryBasedExampleDatabase

from access import scope as scopes
from participants.forms import STEP_FORMS
from participants.models import Pathway
from tests.accounts import territories as shared
from tests.accounts.test_scope_matrix import scope_a_object as matrix_object
from tests.participants.factories import candidacy, released_pathway
from tests.security.forms_catalogue import (
    CATALOGUE,
    GET_ONLY_FUNCTION_VIEWS,
    NOT_FUZZED,
    TOKEN_LINKS,
    form_posting_to,
)

# The territories and personas built once for the module (tests/accounts/territories.py), not once per form.
territories, scope_a, scope_b, personas = shared.territories, shared.scope_a, shared.scope_b, shared.personas

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "3"))
# Shrinking a failure to its smallest example takes minutes on this machine: FUZZ_SHRINK=1 asks for it.
# Failing examples are kept in var/ (ignored by git) and replayed first by the next run.
EXAMPLE_DATABASE = DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parents[2] / "var" / "hypothesis"))
PHASES = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if os.environ.get("FUZZ_SHRINK") else [])

# --- hostile values ----------------------------------------------------------------------------------------

NASTY_TEXT = [
    "\x00", "Dupont\x00", "x" * 10_000, "\u202eenilno\u202c", "\u200f\u05e9\u05dc\u05d5\u05dd", "👩🏽‍🔧" * 40,
    "e\u0301\u0301\u0301" * 50, "\u200b", "\ufeff", "=cmd|' /C calc'!A0", "+1+1", "@SUM(1)", "\t=1",
    "<script>alert(1)</script>", "'; DROP TABLE participants_participant;--", "{{ 7|add:7 }}", "%(name)s %s %n",
    "../../etc/passwd", "\r\n\r\n", " ", "", "NaN", "-1", "٣٤", "²", "0x10", "null", "None", "\ud7ff\ue000",
]
# Surrogates cannot be sent in UTF-8 by a browser (nor by the test client).
any_text = st.text(st.characters(exclude_categories=("Cs",)), max_size=60)
text_values = st.one_of(st.sampled_from(NASTY_TEXT), any_text)
date_values = st.one_of(
    st.sampled_from(["31/02/2024", "2024-02-30", "2024-13-01", "0000-00-00", "0001-01-01", "9999-12-31",
                     "10000-01-01", "-2024-01-01", "29/02/2023", "2024-02-29", "1/1/1", "06/01/2025", "2025-01-06",
                     "2025-01-06T25:00", "45000", "aujourd'hui"]),
    st.dates().map(datetime.date.isoformat),
    st.dates().map(lambda day: day.strftime("%d/%m/%Y")),
    text_values,
)
int_values = st.one_of(
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["0", "-1", "2147483648", "9223372036854775808", "1.5", "1e3", "1,5", "²", "٣", "9" * 400, "+",
                     "-0", " 7 "]),
    text_values,
)
decimal_values = st.one_of(
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
    st.sampled_from(["-1", "-0.01", "1e999", "-1e999", "NaN", "sNaN", "Infinity", "-Infinity", "1,5", "0.0000000001",
                     "9" * 60, "99999999999.99", "1_000", "١٫٥"]),
    int_values,
)
bool_values = st.sampled_from(["on", "off", "", "true", "false", "0", "1", "\x00", "checked"])
email_values = st.one_of(st.sampled_from(["a@b.fr", "x" * 300 + "@example.org", "jean@\x00.fr", "é@é.fr",
                                          "<script>@x.fr", "a@b"]), text_values)
url_values = st.one_of(st.sampled_from(["javascript:alert(1)", "http://127.0.0.1:1/", "file:///etc/passwd",
                                        "https://" + "a" * 2000 + ".fr", "data:text/html,<script>1</script>"]),
                       text_values)
file_values = st.tuples(
    st.sampled_from(["parcours.csv", "../../etc/passwd.csv", "parcours.xlsx", "\x00.csv", "<b>x</b>.csv", ".csv",
                     "é" * 300 + ".csv"]),
    st.one_of(
        st.sampled_from([b"", b"\x00" * 64, "nom;prénom\n=cmd|' /C calc'!A0;x\n".encode("utf-16"),
                         b"\x89PNG\r\n\x1a\n" + b"\x00" * 32, b"\xef\xbb\xbfnom;pr\xc3\xa9nom\n\x00;\x00\n",
                         b"PK\x03\x04" + b"\x00" * 40, "écrou;nom\n1;é\n".encode("cp1252")]),
        st.binary(max_size=300),
    ),
).map(lambda name_content: SimpleUploadedFile(name_content[0], name_content[1]))


def fk_values(options, foreign):
    known = [value for value in options if value] + foreign
    return st.one_of(
        st.sampled_from(known) if known else st.nothing(),
        st.sampled_from(["0", "-1", "99999999999999999999", str(uuid.uuid4()), "1 OR 1=1", "[1]"]),
        text_values,
    )


def value_strategy(kind, options, foreign):
    if kind == "text":
        return text_values
    if kind == "date":
        return date_values
    if kind == "int":
        return int_values
    if kind == "decimal":
        return decimal_values
    if kind == "bool":
        return bool_values
    if kind == "email":
        return email_values
    if kind == "url":
        return url_values
    if kind == "file":
        return file_values
    if kind == "choice":
        return st.one_of(st.sampled_from(options) if options else st.nothing(), text_values)
    if kind == "fk":
        return fk_values(options, foreign)
    if kind == "multi":
        return st.lists(fk_values(options, foreign), min_size=1, max_size=4)
    raise ValueError(kind)


def posted_data(baseline, fields, options, foreign):
    """Baseline values with some fields changed (a value, two values, or none at all) and unknown ones added."""
    changes = st.dictionaries(
        st.sampled_from(sorted(fields)) if fields else st.nothing(),
        st.sampled_from(["value", "dup", "missing"]),
        max_size=len(fields),
    )

    @st.composite
    def build(draw):
        data = {name: list(values) for name, values in baseline.items()}
        for name, how in draw(changes).items():
            kind = fields[name]
            if how == "missing":
                data.pop(name, None)
                continue
            strategy = value_strategy(kind, options.get(name, []), foreign)
            value = draw(strategy)
            if how == "dup" or kind == "multi":
                extra = draw(strategy)
                value = (value if isinstance(value, list) else [value]) + (
                    extra if isinstance(extra, list) else [extra])
            data[name] = value if isinstance(value, list) else [value]
        for name, value in draw(st.dictionaries(any_text.filter(bool), text_values, max_size=2)).items():
            data.setdefault(name, [value])
        return data

    return build()


# --- what must not change: the rows of scope B ---------------------------------------------------------------

# access.scope's way in for each kind of row a user may see (reference data such as regions are left out).
SCOPE_FUNCTIONS = [
    scopes.establishments_for, scopes.programmes_for, scopes.siaes_for, scopes.organisations_for,
    scopes.state_conventions_for, scopes.financial_annexes_for, scopes.implantation_contracts_for,
    scopes.partnership_conventions_for, scopes.funding_lines_for, scopes.partner_roles_for, scopes.contacts_for,
    scopes.meetings_for, scopes.decisions_for, scopes.events_for, scopes.participants_for, scopes.pathways_for,
    scopes.recruitment_sessions_for, scopes.accompaniment_events_for, scopes.follow_ups_for, scopes.documents_for,
    scopes.document_batches_for,
]
# Scope B's rows whose ids a form may take (besides the scope's establishment, SIAE, programme, organisations, users
# and a person with a pathway): built as the access matrix builds them (tests/<app>/matrix_*.py).
SCOPE_B_OBJECTS = ["programmes:convention_detail", "partners:contact_update"]


class OutsideRows:
    """Rows the poster may not see (access.scope), and scope B's users: their values before and after each
    example. A row created by the example must be one the poster sees."""

    def __init__(self, poster, scope_b_users):
        self.poster = poster
        self.functions = {function(scope_b_users[0]).model: function for function in SCOPE_FUNCTIONS}
        self.watched = {}
        for model, function in self.functions.items():
            seen = set(function(poster).values_list("pk", flat=True)) if poster else set()
            self.watched[model] = set(model.objects.values_list("pk", flat=True)) - seen
        self.watched[type(scope_b_users[0])] = {user.pk for user in scope_b_users}

    def snapshot(self) -> dict:
        state = {}
        for model, pks in self.watched.items():
            columns = [f.attname for f in model._meta.concrete_fields]
            rows = list(model.objects.filter(pk__in=pks).order_by("pk").values_list(*columns))
            state[model._meta.label] = (len(rows), hashlib.sha256(repr(rows).encode()).hexdigest())
            state[model._meta.label + " pks"] = set(model.objects.values_list("pk", flat=True))
        return state

    def assert_unchanged_since(self, before: dict):
        after = self.snapshot()
        for model in self.watched:
            label = model._meta.label
            assert after[label] == before[label], f"{label}: a row outside the poster's scope changed"
            new = after[label + " pks"] - before[label + " pks"]
            if new and model in self.functions:
                visible = self.functions[model](self.poster).filter(pk__in=new).count() if self.poster else 0
                assert visible == len(new), f"{label}: a row was created outside the poster's scope"


# --- what the user reads ---------------------------------------------------------------------------------------

# The conflict notice of the optimistic locking is a warning (participants/includes/_pathway_conflict.html).
ERROR_CLASSES = ("fr-error-text", "fr-message--error", "fr-alert--error", "fr-alert--warning", "errorlist")
ENGLISH = re.compile(r"\b(this|field|enter|ensure|select|value|must|required|characters?|allowed|please|invalid|"
                     r"the|not|error)\b", re.IGNORECASE)


class _ErrorText(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.depth = 0
        self.stack = []
        self.texts = []

    def handle_starttag(self, tag, attrs):
        if tag in {"br", "input", "img", "hr", "meta", "link"}:
            return
        classes = dict(attrs).get("class") or ""
        is_error = any(name in classes.split() for name in ERROR_CLASSES)
        self.stack.append(is_error)
        self.depth += is_error

    def handle_endtag(self, tag):
        if tag in {"br", "input", "img", "hr", "meta", "link"} or not self.stack:
            return
        self.depth -= self.stack.pop()

    def handle_data(self, data):
        if self.depth and data.strip():
            self.texts.append(data.strip())


def main_text(response) -> str:
    """The text of the page's <main>, for the failure messages."""
    content = response.content.decode()
    start = content.find("<main")
    text = re.sub(r"<[^>]+>", " ", content[start:content.find("</main>")] if start >= 0 else content)
    return re.sub(r"\s+", " ", text)


def error_texts(content: str) -> list[str]:
    parser = _ErrorText()
    parser.feed(content)
    return parser.texts


# --- the test ------------------------------------------------------------------------------------------------

EXAMPLES_RUN = {}
# Pages known to refuse a form without saying why: the fuzzing checks everything else on them. None today (the login
# page was one: test_sign_in_without_password_says_what_is_missing).
SILENT_REFUSALS: set[str] = set()


def concrete_fields(entry, names) -> dict:
    """The catalogue's fields, patterns ("version-*") replaced by the names the page shows."""
    fields = {}
    for pattern, kind in entry.fields.items():
        if "*" in pattern:
            fields.update({name: kind for name in names if fnmatch.fnmatchcase(name, pattern)})
        else:
            fields[pattern] = kind
    return fields


def foreign_ids(scope_b, personas) -> list[str]:
    """Ids and codes of scope B's objects, posted as foreign keys by a persona of scope A."""
    released = released_pathway(scope_b.programme, exit_on=datetime.date(2025, 5, 2))
    objects = [scope_b.establishment, scope_b.quartier, scope_b.siae, scope_b.programme,
               *scope_b.organisations.values(), released, released.participant, released.session,
               candidacy(scope_b.programme)]
    for url_name in SCOPE_B_OBJECTS:
        obj = matrix_object(scope_b, url_name)
        objects += [obj, *[getattr(obj, name) for name in ("participant", "session", "convention", "meeting")
                           if getattr(obj, name, None) is not None]]
    values = {str(obj.pk) for obj in objects}
    values |= {str(user.pk) for name, user in personas.items() if user is not None and name.endswith("_B")}
    values |= {"57", "44", "DISP_STRASBOURG", scope_b.programme.code}
    return sorted(values)


@pytest.mark.parametrize("entry", CATALOGUE, ids=lambda entry: entry.id)
def test_hostile_input_gives_no_server_error_and_changes_nothing_outside_the_scope(entry, scope_a, scope_b,
                                                                                    personas):
    foreign = foreign_ids(scope_b, personas)
    user = personas[entry.persona]
    client = Client()
    if user is not None:
        client.force_login(user)
    url = reverse(entry.url_name, args=entry.args(scope_a))
    if entry.url_name in TOKEN_LINKS:
        url = client.get(url)["Location"]  # Django keeps the token in the session, then shows .../set-password/

    baseline, options, names = {}, {}, set()
    if entry.page:
        page_url = url if entry.page == "self" else reverse(entry.page, args=entry.args(scope_a)[:1])
        page = client.get(page_url)
        assert page.status_code == 200, f"the form's page answers {page.status_code}"
        form = form_posting_to(page.content.decode(), urlsplit(url).path, page_url)
        names = form.names - {"csrfmiddlewaretoken"}
        options = form.options
        for name, value in form.values:
            if name != "csrfmiddlewaretoken":
                baseline.setdefault(name, []).append(value)
    for name, value in entry.baseline(scope_a).items():
        baseline[name] = [str(item) for item in value] if isinstance(value, list) else [str(value)]
    fields = concrete_fields(entry, names)

    scope_b_users = [u for name, u in personas.items() if name.endswith("_B")]
    outside = OutsideRows(user, scope_b_users)
    before = outside.snapshot()  # the same before every example: each one is rolled back
    count = 0

    @hypothesis_settings(max_examples=EXAMPLES, deadline=None, database=EXAMPLE_DATABASE, phases=PHASES,
              suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                     HealthCheck.filter_too_much])
    @given(data=posted_data(baseline, fields, options, foreign))
    def post(data):
        nonlocal count
        count += 1
        with transaction.atomic():
            if user is not None:
                client.force_login(user)
            response = client.post(url, data, follow=True)

            assert response.status_code < 500
            outside.assert_unchanged_since(before)
            attachment = response.get("Content-Disposition", "").startswith("attachment")
            if (response.status_code == 200 and not response.redirect_chain and not attachment
                    and (entry.page or entry.fields) and entry.id not in SILENT_REFUSALS):
                errors = error_texts(response.content.decode())
                assert errors, f"a refused form says what is wrong; the page says: {main_text(response)[:800]}"
                english = [text for text in errors if ENGLISH.search(text)]
                assert not english, f"errors not in French: {english}"
            transaction.set_rollback(True)

    post()
    EXAMPLES_RUN[entry.id] = count
    print(f"\nFUZZ {entry.id}: {count} examples")
    assert count >= min(EXAMPLES, 1)


# --- the catalogue covers every URL that accepts POST ------------------------------------------------------------


def post_urls() -> tuple[set, set]:
    """(names of URLs whose class-based view answers POST, names of URLs served by a function view)."""
    posting, functions = set(), set()

    def walk(node, namespace):
        for pattern in node.url_patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace == "admin":
                    continue
                walk(pattern, f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace)
                continue
            name = f"{namespace}{pattern.name}"
            view_class = getattr(pattern.callback, "view_class", None)
            if view_class is None:
                functions.add(name)
            elif "post" in view_class.http_method_names and hasattr(view_class, "post"):
                posting.add(name)

    walk(get_resolver(), "")
    return posting, functions


def test_every_url_accepting_post_is_in_the_catalogue():
    posting, functions = post_urls()
    catalogued = {entry.url_name for entry in CATALOGUE}

    missing = (posting | (functions - set(GET_ONLY_FUNCTION_VIEWS))) - catalogued - set(NOT_FUZZED)
    stale = (catalogued | set(NOT_FUZZED) | set(GET_ONLY_FUNCTION_VIEWS)) - posting - functions

    assert not missing, f"URLs accepting POST missing from tests/security/forms_catalogue.py: {sorted(missing)}"
    assert not stale, f"forms_catalogue.py names URLs that no longer exist: {sorted(stale)}"


@pytest.mark.parametrize("url_name", sorted(GET_ONLY_FUNCTION_VIEWS))
def test_function_views_left_out_of_the_catalogue_refuse_post(url_name, client_as):
    response = client_as("NATIONAL").post(reverse(url_name, args=GET_ONLY_FUNCTION_VIEWS[url_name]))

    assert response.status_code == 405


def test_every_pathway_step_is_fuzzed():
    fuzzed = {entry.label.rsplit(":", 1)[1] for entry in CATALOGUE if entry.url_name == "participants:pathway_step"}

    assert fuzzed == set(STEP_FORMS)


@pytest.mark.parametrize("entry", [entry for entry in CATALOGUE if entry.page], ids=lambda entry: entry.id)
def test_catalogue_lists_exactly_the_fields_of_the_page(entry, scope_a, personas, client_as):
    client = client_as(entry.persona)
    url = reverse(entry.url_name, args=entry.args(scope_a))
    if entry.url_name in TOKEN_LINKS:
        url = client.get(url)["Location"]
    page_url = url if entry.page == "self" else reverse(entry.page, args=entry.args(scope_a)[:1])
    form = form_posting_to(client.get(page_url).content.decode(), urlsplit(url).path, page_url)
    shown = form.names - {"csrfmiddlewaretoken"}

    unlisted = {name for name in shown if not any(fnmatch.fnmatchcase(name, p) for p in entry.fields)}
    absent = {p for p in entry.fields if not any(fnmatch.fnmatchcase(name, p) for name in shown)}
    assert not unlisted, f"fields shown but not in the catalogue: {sorted(unlisted)}"
    assert not absent, f"catalogue fields the page does not show: {sorted(absent)}"


def test_sign_in_without_password_says_what_is_missing(personas):
    """Found by the fuzzing: the login page showed no field error, so an empty password was refused in silence."""
    response = Client().post(reverse("accounts:login"), {"username": "cpip_a", "password": ""})

    assert response.status_code == 200
    assert "Ce champ est obligatoire." in response.content.decode()


@pytest.mark.parametrize(("entry_id", "prefix", "rows"), [
    ("partners:meeting_update", "participants", 100),
    ("programmes:partnership_update", "parties", 20),
])
def test_a_forged_row_count_builds_no_more_rows_than_the_page_allows(entry_id, prefix, rows, scope_a, client_as):
    """Found by the fuzzing: TOTAL_FORMS=1000000 built and rendered 1,100 (or 1,020) rows, 20 to 45 s a request."""
    entry = next(entry for entry in CATALOGUE if entry.id == entry_id)
    url = reverse(entry.url_name, args=entry.args(scope_a))

    response = client_as(entry.persona).post(url, {f"{prefix}-TOTAL_FORMS": "1000000", f"{prefix}-INITIAL_FORMS": "0"})

    content = response.content.decode()
    assert response.status_code == 200
    shown_rows = set(re.findall(rf'name="{prefix}-(\d+)-', content))
    assert 0 < len(shown_rows) <= rows
    assert f"Veuillez soumettre au plus {rows} formulaires." in content


def test_a_version_that_is_not_a_number_refuses_the_decision_in_french(scope_a, client_as):
    """Found by the fuzzing: "²" passed str.isdigit() and made int() fail (a server error on the session board)."""
    entry = next(entry for entry in CATALOGUE if entry.id == "participants:session_decide")
    args = entry.args(scope_a)
    pathway = Pathway.objects.get(session_id=args[0])

    response = client_as(entry.persona).post(reverse(entry.url_name, args=args), {
        "pathways": [str(pathway.pk)], "decision": "SELECTED", f"version-{pathway.pk}": "²"})

    assert response.status_code == 302
    pathway.refresh_from_db()
    assert pathway.status == "SELECTED"  # no version to compare: saved, as when the field is absent


@pytest.mark.parametrize("entry_id", ["partners:event_update", "partners:organisation_update:administrateur"])
def test_an_id_beyond_64_bits_is_refused_in_french(entry_id, scope_a, client_as):
    """Found by the fuzzing: on SQLite such an id in a list of checkboxes raised OverflowError (a server error)."""
    entry = next(entry for entry in CATALOGUE if entry.id == entry_id)
    field = "projects" if entry_id == "partners:event_update" else "served_establishments"

    response = client_as(entry.persona).post(reverse(entry.url_name, args=entry.args(scope_a)),
                                             {field: ["99999999999999999999"]})

    assert response.status_code == 200
    assert "99999999999999999999" in " ".join(error_texts(response.content.decode()))


def test_a_tampered_hidden_version_is_refused_with_a_message(scope_a, client_as):
    """Found by the fuzzing: the hidden version's error was shown nowhere, the page came back silently."""
    response = client_as("CPIP_A").post(reverse("participants:participant_create"), {"version": "x"})

    assert response.status_code == 200
    assert "La page envoyée était incomplète" in " ".join(error_texts(response.content.decode()))


def test_a_broken_row_counter_on_a_partnership_is_refused_with_a_message(scope_a, client_as):
    """Found by the fuzzing: a garbled parties-INITIAL_FORMS sent the page back without a word, nothing saved."""
    entry = next(entry for entry in CATALOGUE if entry.id == "programmes:partnership_update")
    url = reverse(entry.url_name, args=entry.args(scope_a))

    response = client_as(entry.persona).post(url, {
        "title": "Convention de partenariat Alpha", "start_date": "2024-01-01", "parties-TOTAL_FORMS": "1",
        "parties-INITIAL_FORMS": "ñ", "parties-0-organisation": "", "parties-0-role": ""})

    assert response.status_code == 200
    assert "La liste des parties est arrivée incomplète" in " ".join(error_texts(response.content.decode()))
