"""R-1: three personas against gunicorn (security.md section 5), run by scripts/load/runner.py (`make load`):

    locust -f scripts/load/locustfile.py --headless -u 10 -t 30s --host http://127.0.0.1:PORT \
        CounsellorUser SiaeDirectorUser DispOfficerUser

- CounsellorUser (CPIP): the caseload list (pages), its search by name, a participant's page, a pathway's page,
  and now and then records an accompaniment event on a pathway;
- SiaeDirectorUser: the documents list and a PDF download;
- DispOfficerUser: the DISP dashboard and its indicators;
- HealthUser: /healthz only, the trivial view whose throughput is printed beside (no wait).

Each simulated user signs in through the real login form (scripts/resilience/client.py) with an account of its
own (load.cpip.1, load.cpip.2… created by scripts/load/seed.py), so that lockout and one-time codes never see
two users on one account. Django is never imported here (locust monkey-patches the process with gevent).
"""

import datetime
import itertools
import os
import random
import re
import sys
from pathlib import Path

import gevent
from locust import HttpUser, between, constant, task

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "resilience"))
from client import login, post_form, totp_code  # noqa: E402

PASSWORD = os.environ.get("LOAD_PASSWORD", "Demo-IAE-detention-2026")
TOTP_KEY = os.environ.get("DEMO_TOTP_KEY", "3132333435363738393031323334353637383930")  # settings.DEMO_TOTP_KEY
UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
PARTICIPANT_LINK = re.compile(rf'href="(/participants/{UUID}/)"')
PATHWAY_LINK = re.compile(rf'href="(/participants/parcours/{UUID}/)"')
DOWNLOAD_LINK = re.compile(rf'href="(/documents/{UUID}/telecharger/)"')
DOCUMENT_LINK = re.compile(rf'href="(/documents/{UUID}/)"')
PAGES = int(os.environ.get("LOAD_LIST_PAGES", "20"))
# Sign-ins (Argon2, one-time code) are not what R-1 measures: once every user is signed in, the statistics are
# reset and the run stops MEASURE_SECONDS later (locust's -t is only a safety limit then).
MEASURE_SECONDS = float(os.environ.get("LOAD_MEASURE_SECONDS", "0"))
SIGNED_IN = {"users": 0}


def all_signed_in(environment) -> None:
    SIGNED_IN["users"] += 1
    if SIGNED_IN["users"] == environment.parsed_options.num_users:
        environment.runner.stats.reset_all()
        print(f"Tous les utilisateurs sont connectés : mesure pendant {MEASURE_SECONDS:g} s", flush=True)
        if MEASURE_SECONDS:
            gevent.spawn_later(MEASURE_SECONDS, environment.runner.quit)


class SignedInUser(HttpUser):
    abstract = True
    wait_time = between(0.1, 0.5)
    role = ""
    numbers = None

    def on_start(self):
        username = f"load.{self.role}.{next(type(self).numbers)}"
        login(self.client, self.host, username, PASSWORD, code_for=lambda _: totp_code(TOTP_KEY))
        all_signed_in(self.environment)


class CounsellorUser(SignedInUser):
    weight = 5
    role = "cpip"
    numbers = itertools.count(1)
    pathways: list = []

    @task(4)
    def caseload(self):
        page = random.randint(1, PAGES)  # noqa: S311 - load pattern, not security
        answer = self.client.get(f"/participants/?page={page}", name="/participants/?page=N")
        links = PARTICIPANT_LINK.findall(answer.text)
        if links:
            self.open_participant(random.choice(links))  # noqa: S311

    @task(1)
    def search(self):
        """The caseload's search (issue 18 §1: case, accents, spaces and hyphens ignored, trigram indexes): two
        words, a name and part of another, as "synth 0123" finds SYNTH-012345 among the ~21,000 people."""
        digits = f"{random.randint(0, 20999):06d}"[:4]  # noqa: S311
        answer = self.client.get(f"/participants/?q=synth+{digits}", name="/participants/?q=<nom>")
        links = PARTICIPANT_LINK.findall(answer.text)
        # The term is kept in the session (never in a URL): cleared, as « Effacer » does, before the next pages.
        self.client.get("/participants/?effacer=1", name="/participants/?effacer=1")
        if links:
            self.open_participant(random.choice(links))  # noqa: S311

    def open_participant(self, path):
        answer = self.client.get(path, name="/participants/<id>/")
        pathways = PATHWAY_LINK.findall(answer.text)
        if pathways:
            pathway = random.choice(pathways)  # noqa: S311
            self.client.get(pathway, name="/participants/parcours/<id>/")
            self.pathways.append(pathway)
            del self.pathways[:-50]

    @task(1)
    def record_event(self):
        if not self.pathways:
            return self.caseload()
        pathway = random.choice(self.pathways)  # noqa: S311
        page = f"{self.host}{pathway}actions/nouvelle/"
        with self.client.rename_request("/participants/parcours/<id>/actions/nouvelle/ (GET)"):
            self.client.get(page)
        on = datetime.date.today() - datetime.timedelta(days=random.randint(0, 20))  # noqa: S311
        with post_form(self.client, page, page, {"kind": "CIP_INTERVIEW", "on": on.isoformat(),
                                                 "detail": "Entretien de suivi (test de charge)"},
                       name="/participants/parcours/<id>/actions/nouvelle/ (POST)", catch_response=True) as answer:
            if answer.status_code != 302:  # the form shown again: the event was not recorded
                answer.failure(f"action non enregistrée : HTTP {answer.status_code}")
        return None


class SiaeDirectorUser(SignedInUser):
    weight = 2
    role = "siae"
    numbers = itertools.count(1)

    @task
    def documents(self):
        answer = self.client.get("/documents/", name="/documents/")
        documents = DOCUMENT_LINK.findall(answer.text)
        if documents:
            path = random.choice(documents)  # noqa: S311
            self.client.get(path, name="/documents/<id>/")
            self.client.get(f"{path}telecharger/", name="/documents/<id>/telecharger/")


class DispOfficerUser(SignedInUser):
    weight = 3
    role = "disp"
    numbers = itertools.count(1)

    @task
    def dashboard(self):
        answer = self.client.get("/tableaux-de-bord/", name="/tableaux-de-bord/ (→ tableau de la DISP)")
        if answer.url.endswith("/") and "/tableaux-de-bord/disp/" in answer.url:
            self.client.get(f"{answer.url}indicateurs.json", name="/tableaux-de-bord/disp/<code>/indicateurs.json")


class HealthUser(HttpUser):
    wait_time = constant(0)

    @task
    def healthz(self):
        self.client.get("/healthz")
