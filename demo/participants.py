"""Demo pathways (issue 4, section 7), created through the services: every row is one the application itself
could produce, and the log says who did what (the demo accounts of demo/programmes.py: cpip.meaux for the
SPIP's steps, siae.ares for the SIAE's; cpip.metz and siae.efic at Metz).

Meaux (MEAUX-APRES, QNC of the CP de Meaux-Chauconin) as the press release of 30 March 2018 reports it
(docs/domain.md §11.2):

- 8 recruitment sessions from June 2017 to March 2018 (information meeting, interviews, then the commission);
  candidates not selected or withdrawn, two postponed to the next session and selected there;
- 73 entrants (acte d'engagement, part time: 12 to 20 h a week, about 30 people sharing the 10 ETP of the
  annexes; paid 45 % of the SMIC in force at their start): 21 returned to ordinary detention ("repartis au grand
  quartier": outcome "autre sortie", the default), 24 released with a job or a training: 7 durable employment,
  9 transition employment, 8 positive exits (9 at the end of their sentence, 15 under a sentence adjustment), and
  28 in the workshop on 30 March 2018 (two of them suspended and resumed);
- timelines: CIP interviews, the programme's collective workshops, trainings, a few PMSMP, barrier removal,
  pre-release actions, sentence adjustment requests and decisions, monthly hours worked; follow-ups at
  +3, +6 and +12 months for part of the released.

The seed gives no split of the 24 between durable, transition and training: 7/9/8 is a demo choice. The
experiment predates the DDSE (2020): the "placement sous surveillance électronique" releases are recorded as
DDSE with a note saying so. Identities, numéros d'écrou and profiles are invented.

After the press release (the demo's story, the seed says nothing more): the 28 leave during 2018, before the
programme and its implantation contract end on 31 December 2018 (_meaux_after_seed): 14 released with a job or a
training, 3 released without one, 5 returns to ordinary detention, 3 transfers, 1 for health, 2 still there when
the experiment ends (exit on 21 December 2018). Nobody enters MEAUX-APRES after 2018: no open pathway there today.

The pieces below after Meaux 2017-2018 are written by demo.cohorts (Route, _cohort, _today):

Metz (METZ-EFIC): a cohort under actes d'engagement from December 2021 whose open actes EFIC turned into CEPs on
2 May 2022 (participants.services.pathway_convert_to_cep; none left open after 2022), and today's cohorts, dated
from the day load_demo runs: sessions 14, 8, 5 and 2 months ago, eleven people in the workshop with their hours
each month to the end of last month (12 posts, 7 ETP: an occupation of about 65 %), exits over the past year
(a return to ordinary detention 11 months ago; two followed up at +3 and +6 months; one released 4 months ago
with no follow-up recorded yet, the +3 months one due; one in the workshop released
within 30 days with no pre-release action: the CPIP's home page says so).

Meaux today (MEAUX-ARES: Après's workshop at the QNC again from 2023, under a 2022-regime implantation contract and
Après's current convention, demo/programmes.py): cohorts built by the same code as today's Metz (_today), sessions
16, 12, 8 and 4 months before the day load_demo runs, thirteen people in the workshop at 30 to 35 hours a week with
their hours each month to the end of last month (about 60 % of Après's 16 ETP over twelve months), six exits over
the past year (a return, a transfer, one for health, three released with a job or a training, followed up). One of
the longest-serving, hired at 45 % of the SMIC in force at the start, has the pay revalued on the day the SMIC rose
(1 January 2026 for a load in 2026: 5,35 € to 5,41 €; by 0,20 € after six months when loaded after the last SMIC
held in data), through the pathway page's service (demo.cohorts._revalue).

While it loads, full_clean() leaves constraints and foreign keys to the database (2 to 3 s instead of 20:
see _database_checks_left_to_the_database); the services' rules all run.

Loading twice changes nothing: each piece (Meaux, Metz 2021-2022, Metz today, Meaux today) is skipped when its
session exists (today's cohorts keep the dates of the day they were first loaded). Every draw comes from a seeded
random.Random: every load gives the same data.
"""

import datetime
import random
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from decimal import ROUND_HALF_UP, Decimal

from dateutil.relativedelta import relativedelta
from django.db.models import Model

from accounts.models import User
from participants import services
from participants.enums import (
    OPEN_STATUSES,
    AdjustmentDecision,
    CpuOpinion,
    EducationLevel,
    EventKind,
    ExitReason,
    JobContract,
    JobseekerDuration,
    Outcome,
    ReturnReason,
    SentenceAdjustment,
    SessionDecision,
    Sex,
    SuspensionReason,
)
from participants.models import AccompanimentEvent, FollowUp, Participant, Pathway, RecruitmentSession
from programmes import rates
from programmes import rules as programme_rules
from programmes.enums import QuartierKind
from programmes.models import Programme, Quartier

DAY = datetime.timedelta(days=1)
SEED_DAY = datetime.date(2018, 3, 30)  # the press release: nobody leaves the programme after this day
MEAUX_WORKSHOP_OPENS = datetime.date(2017, 7, 3)  # "les ateliers ont débuté en juillet 2017"
MEAUX, METZ = "MEAUX-APRES", "METZ-EFIC"

# (commission, information meeting, interviews, entrants who return / are released / are still in,
#  not selected, withdrawn at the commission, withdrawn after being selected)
MEAUX_SESSIONS = [
    ("2017-06-20", "2017-06-01", "2017-06-13", (4, 8, 0), 3, 1, 0),
    ("2017-07-25", "2017-07-06", "2017-07-18", (3, 6, 0), 2, 0, 1),
    ("2017-09-12", "2017-08-24", "2017-09-05", (3, 5, 1), 3, 1, 0),
    ("2017-10-17", "2017-09-28", "2017-10-10", (3, 3, 2), 2, 1, 0),
    ("2017-11-21", "2017-11-02", "2017-11-14", (3, 2, 4), 3, 0, 1),
    ("2017-12-19", "2017-11-30", "2017-12-12", (2, 0, 6), 2, 1, 0),
    ("2018-01-30", "2018-01-11", "2018-01-23", (2, 0, 7), 3, 0, 0),
    ("2018-03-06", "2018-02-15", "2018-02-27", (1, 0, 8), 2, 1, 0),
]
# Part time, half days that fit the prison's timetable: about 30 people share the 10 ETP of the annexes
# (6 142 € a post, capped at 10 posts before August 2022), so a week of 12 to 20 hours (one draw per entrant).
MEAUX_WEEKLY_HOURS = [12, 14, 15, 16, 18, 20]
# Sessions (0-based) where one candidate is postponed for want of places, and selected at the next one.
POSTPONED_AT = (2, 5)
POSTPONED_REASON = "Places disponibles pourvues : candidature reportée à la session suivante."
SESSION_NOTES = [
    "Première session : ouverture de l'atelier du quartier nouveau concept en juillet 2017.",
    "Commission réunissant le SPIP de Seine-et-Marne, Après (Groupe ARES) et la direction du QNC.",
]

E, A = ExitReason.RELEASE_END_OF_SENTENCE, ExitReason.RELEASE_ADJUSTMENT
SA = SentenceAdjustment
PSE_NOTE = "Placement sous surveillance électronique (PSE, devenu DDSE en 2020). "
# The 24 releases: (reason, adjustment, outcome, job contract, months, exit note).
RELEASES = [
    (E, "", Outcome.DURABLE, JobContract.CDI, None, "CDI d'agent de quai sur une plateforme logistique."),
    (A, SA.LC, Outcome.DURABLE, JobContract.CDI, None,
     "CDI de préparateur de commandes (promesse d'embauche jointe à la demande)."),
    (A, SA.PE, Outcome.DURABLE, JobContract.CDD, 9, "CDD de 9 mois d'agent d'entretien des espaces verts."),
    (A, SA.SL, Outcome.DURABLE, JobContract.CDD, 12, "CDD de 12 mois de manutentionnaire."),
    (E, "", Outcome.DURABLE, JobContract.INTERIM, 7, "Missions d'intérim sur 7 mois dans le second œuvre."),
    (A, SA.LSC, Outcome.DURABLE, JobContract.CDI, None, "CDI de plongeur en restauration collective."),
    (A, SA.LC, Outcome.DURABLE, JobContract.CDD, 8, "CDD de 8 mois d'agent de tri dans un centre de recyclage."),
    (E, "", Outcome.TRANSITION, JobContract.CDD, 3, "CDD de 3 mois de manutentionnaire."),
    (E, "", Outcome.TRANSITION, JobContract.INTERIM, 2, "Missions d'intérim de 2 mois en logistique."),
    (A, SA.SL, Outcome.TRANSITION, JobContract.CDD, 6, "CDD de 6 mois d'agent de propreté."),
    (A, SA.DDSE, Outcome.TRANSITION, JobContract.INTERIM, 4, PSE_NOTE + "Missions d'intérim de 4 mois."),
    (E, "", Outcome.TRANSITION, JobContract.SUBSIDISED, None, "Contrat aidé d'agent d'entretien dans une commune."),
    (A, SA.LSC, Outcome.TRANSITION, JobContract.CDD, 4, "CDD saisonnier de 4 mois en maraîchage."),
    (A, SA.PE, Outcome.TRANSITION, JobContract.SUBSIDISED, None,
     "Contrat aidé dans une association d'aide alimentaire."),
    (E, "", Outcome.TRANSITION, JobContract.INTERIM, 1, "Mission d'intérim d'un mois en entrepôt."),
    (A, SA.LC, Outcome.TRANSITION, JobContract.CDD, 5, "CDD de 5 mois de préparateur de commandes."),
    (E, "", Outcome.POSITIVE, "", None, "Formation qualifiante de préparateur de commandes (titre professionnel)."),
    (A, SA.PE, Outcome.POSITIVE, "", None, "Embauche en CDDI dans une structure d'insertion du Groupe ARES."),
    (A, SA.SL, Outcome.POSITIVE, "", None, "Embauche en CDDI dans un atelier et chantier d'insertion."),
    (A, SA.DDSE, Outcome.POSITIVE, "", None, PSE_NOTE + "Formation de cariste (CACES)."),
    (E, "", Outcome.POSITIVE, "", None, "Formation qualifiante d'agent de propreté et d'hygiène."),
    (A, SA.LSC, Outcome.POSITIVE, "", None, "Embauche en CDDI dans une entreprise d'insertion de Seine-et-Marne."),
    (A, SA.LC, Outcome.POSITIVE, "", None, "Entrée en formation qualifiante de maçon (titre professionnel)."),
    (E, "", Outcome.POSITIVE, "", None, "Formation pré-qualifiante aux métiers de la logistique."),
]
SIAE_HIRING = "Embauche en CDDI"

RR = ReturnReason
# The 21 returns to ordinary detention: (sub-reason, note). Neutral notes: never the facts behind a decision.
RETURNS = (
    [(RR.OWN_REQUEST, note) for note in [
        "À sa demande : souhaite retrouver un poste au service général.",
        "À sa demande, après quelques jours d'atelier.",
        "À sa demande : rythme de travail jugé trop soutenu.",
        "À sa demande, pour suivre une formation en détention.",
        "À sa demande : ne souhaite plus vivre au quartier nouveau concept.",
        "À sa demande.",
    ]]
    + [(RR.INSUFFICIENCY, "Insuffisance professionnelle constatée, après l'entretien préalable.")] * 4
    + [(RR.ACCOMPANIMENT, "Absences répétées aux entretiens d'accompagnement, après l'entretien préalable.")] * 4
    + [(RR.DISCIPLINARY, "Décision de la commission de discipline de l'établissement.")] * 5
    + [(RR.SECURITY, "Décision de la direction de l'établissement.")] * 2
)

NOT_SELECTED_REASONS = [
    "Projet de sortie à construire avec le SPIP avant d'intégrer l'atelier.",
    "Date de libération prévisible trop proche pour un parcours d'environ six mois.",
    "Motivation pour le parcours d'accompagnement insuffisamment exprimée en entretien.",
    "Souhaite d'abord suivre l'enseignement proposé en détention.",
    "Candidature à représenter après un temps au quartier arrivants.",
]
WITHDRAWN_REASONS = [
    "Préfère conserver son poste au service général.",
    "Ne souhaite plus rejoindre le quartier nouveau concept.",
    "A obtenu une place en formation professionnelle en détention.",
]

WORKSHOP_THEMES = [
    "Atelier CV et lettre de motivation",
    "Atelier santé avec l'unité sanitaire : sommeil et addictions",
    "Séance sport et cohésion d'équipe",
    "Information collective Pôle emploi et missions locales",
    "Atelier droits sociaux : CAF, CPAM, banque",
    "Simulation d'entretiens d'embauche avec des recruteurs",
    "Atelier culturel : théâtre-forum",
    "Atelier gestion du budget",
]
CIP_DETAILS = ["Point d'étape sur le projet professionnel", "Préparation du projet de sortie",
               "Point sur les démarches administratives", "Recherche d'offres d'emploi et de formation"]

# Invented identities: (weight, first names, last names) by cultural background, as varied as France is.
NAMES = [
    (48, ["Julien", "Thomas", "Nicolas", "Sébastien", "Anthony", "Jordan", "Alexandre", "Franck", "Christophe",
          "Dylan", "Romain", "Grégory", "Jérôme", "Loïc", "David", "Cédric", "Florian", "Fabrice", "Ludovic",
          "Maxime", "Jonathan", "Rudy", "Patrice", "Yannick", "Tony", "Mickaël", "Teddy", "Stéphane", "Jimmy",
          "Thierry", "Vincent", "Kevin", "Gaëtan", "Dimitri", "Sylvain", "Bruno", "Éric", "Cyril", "Quentin",
          "Valentin", "Didier", "Gilles", "Mathieu", "Benoît", "Arnaud"],
     ["Martin", "Bernard", "Dubois", "Durand", "Lefebvre", "Leroy", "Roux", "Fournier", "Girard", "Bonnet",
      "Lambert", "Rousseau", "Faure", "Mercier", "Blanc", "Guérin", "Boyer", "Garnier", "Chevalier", "Legrand",
      "Gauthier", "Perrin", "Robin", "Clément", "Morin", "Henry", "Roussel", "Masson", "Marchand", "Duval",
      "Dumont", "Lemaire", "Noël", "Dufour", "Meunier", "Brun", "Blanchard", "Giraud", "Joly", "Rivière",
      "Brunet", "Gaillard", "Barbier", "Roche", "Renard", "Colin", "Vidal", "Caron", "Picard", "Fabre",
      "Aubert", "Lemoine", "Renaud", "Dumas", "Lacroix", "Bourgeois", "Leclerc", "Rolland", "Lecomte",
      "Guillot", "Hubert", "Carpentier", "Moulin", "Deschamps", "Huet", "Vasseur", "Boucher", "Fleury",
      "Royer", "Jacquet", "Poirier", "Aubry", "Guyot", "Carré", "Ménard", "Maillard", "Bertin", "Bailly",
      "Le Gall", "Collet", "Léger", "Bouvier", "Prévost", "Millet", "Perrot", "Cousin", "Germain", "Besson",
      "Langlois", "Le Goff", "Pelletier", "Lévêque", "Lebrun", "Marchal", "Hamon", "Boulanger", "Monnier",
      "Michaud", "Tessier", "Chauvin", "Humbert", "Cordier", "Pichon", "Lejeune", "Delaunay", "Carlier"]),
    (22, ["Mohamed", "Karim", "Yacine", "Mehdi", "Samir", "Bilal", "Sofiane", "Rachid", "Hamza", "Farid",
          "Brahim", "Nordine", "Mourad", "Khalid", "Nabil", "Walid", "Abdelkader", "Djamel", "Hakim", "Anis",
          "Ilyes", "Redouane", "Saïd"],
     ["Haddad", "Mansouri", "Belkacem", "Bouzid", "Amrani", "Cherif", "Hamdi", "Saïdi", "Boukhari", "Zerrouki",
      "Meziane", "Rahmani", "Aït Ahmed", "Belhadj", "Djebbar", "Kaci", "Ouali", "Slimani", "Taleb",
      "Yahiaoui", "Benyahia", "Hadjadj", "Ferhat"]),
    (14, ["Mamadou", "Ibrahim", "Moussa", "Abdoulaye", "Ousmane", "Djibril", "Adama", "Boubacar", "Souleymane",
          "Seydou", "Lassana", "Cheick", "Amadou", "Issa"],
     ["Diallo", "Traoré", "Camara", "Koné", "Diarra", "Cissé", "Sylla", "Keita", "Sacko", "Konaté", "Doumbia",
      "Coulibaly", "Fofana", "Soumaré", "Diakité", "Bathily"]),
    (5, ["Manuel", "José", "Nuno", "Carlos", "Paulo", "Ricardo"],
     ["Ferreira", "Pereira", "Da Costa", "Rodrigues", "Gonçalves", "Fernandes", "Lopes", "Carvalho"]),
    (5, ["Wilfried", "Steeve", "Jean-Marc", "Frantz", "Willy", "Jean-Claude", "Dany"],
     ["Jean-Baptiste", "Alexis", "Louisy", "Nestor", "Pierre-Louis", "Séraphin", "Hoarau"]),
    (3, ["Marius", "Florin", "Adrian", "Bogdan", "Dragan"], ["Popescu", "Ionescu", "Petrovic", "Nowak", "Kowalski"]),
    (3, ["Mustafa", "Emre", "Murat", "Serkan"], ["Yilmaz", "Kaya", "Demir", "Çelik", "Öztürk"]),
]
WOMEN_FIRST_NAMES = ["Sabrina", "Aurélie", "Nadège", "Samia", "Aminata", "Jessica"]


@dataclass
class Actors:
    """Who records what: the SPIP counsellor (person, sessions, decisions, SPIP's actions) and the SIAE."""

    programme: Programme
    spip: User
    siae: User
    quartier: Quartier | None = None
    others: list = field(default_factory=list)  # the quartiers a candidate comes from / returns to


def _d(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)


def _weekday(day: datetime.date) -> datetime.date:
    """The day itself, or the next Monday when it falls on a weekend."""
    return day + DAY * (7 - day.weekday()) if day.weekday() >= 5 else day


def _weekday_before(day: datetime.date) -> datetime.date:
    """The day itself, or the Friday before when it falls on a weekend."""
    return day - DAY * (day.weekday() - 4) if day.weekday() >= 5 else day


def _next_monday(day: datetime.date) -> datetime.date:
    return day + DAY * ((7 - day.weekday()) % 7)


def _months(first: datetime.date, last: datetime.date):
    month = first.replace(day=1)
    while month <= last:
        yield month
        month += relativedelta(months=1)


class People:
    """Invented identities (no two alike) and unique numéros d'écrou, drawn from a seeded generator."""

    def __init__(self, rng: random.Random, ecrous: range):
        self.rng = rng
        self.ecrous = iter(rng.sample(ecrous, 400))
        self.taken: set[tuple[str, str]] = set()

    def name(self, sex=Sex.M) -> tuple[str, str]:
        while True:
            _weight, firsts, lasts = self.rng.choices(NAMES, weights=[n[0] for n in NAMES])[0]
            first = self.rng.choice(WOMEN_FIRST_NAMES if sex == Sex.F else firsts)
            second = self.rng.choice(firsts)
            if sex == Sex.M and second != first and self.rng.random() < 0.12:
                first = f"{first}, {second}"  # a second first name, as the civil register writes it
            last = self.rng.choice(lasts)
            if (last, first) not in self.taken:
                self.taken.add((last, first))
                return last, first

    def ecrou(self) -> str:
        return str(next(self.ecrous))

    def birth_date(self, age: int, on: datetime.date) -> datetime.date:
        return on - relativedelta(years=age) - DAY * self.rng.randint(1, 364)

    def age(self) -> int:
        return int(self.rng.triangular(19, 58.99, 27))

    def profile(self, age: int) -> dict:
        """A candidate's profile at entry (drawn freely; the entrants' proportions are dealt, see Deck)."""
        rng = self.rng
        rsa = age >= RSA_MIN_AGE and rng.random() < 0.36
        return {
            "rsa": rsa, "ass": not rsa and age >= ASS_MIN_AGE and rng.random() < 0.06, "aah": rng.random() < 0.03,
            "jobseeker": rng.choices([c for c in JOBSEEKER_WEIGHTS if age >= MIN_AGE.get(c, 0)],
                                     weights=[w for c, w in JOBSEEKER_WEIGHTS.items() if age >= MIN_AGE.get(c, 0)])[0],
            "education_level": rng.choices([c for c in EDUCATION_WEIGHTS if age >= MIN_AGE.get(c, 0)],
                                           weights=[w for c, w in EDUCATION_WEIGHTS.items()
                                                    if age >= MIN_AGE.get(c, 0)])[0],
            "rqth": rng.random() < 0.06,
        }


# Profiles that need an age: RSA from 25, ASS after years of work, registered 2 years at 21 at the earliest,
# a bac + 2 at 20, a licence at 21.
RSA_MIN_AGE, ASS_MIN_AGE = 25, 30
MIN_AGE = {JobseekerDuration.DELD: 19, JobseekerDuration.DETLD: 21, EducationLevel.LEVEL_5: 20,
           EducationLevel.LEVEL_6: 21}
JOBSEEKER_WEIGHTS = {JobseekerDuration.NONE: 50, JobseekerDuration.DELD: 25, JobseekerDuration.DETLD: 25}
EDUCATION_WEIGHTS = {EducationLevel.NONE: 37, EducationLevel.LEVEL_3: 36, EducationLevel.LEVEL_4: 18,
                     EducationLevel.LEVEL_5: 6, EducationLevel.LEVEL_6: 3}


class Deck:
    """The entrants' profiles, dealt from shuffled cards so that the proportions are (nearly) exact: 24 of 73 on
    the RSA (about a third), 37 DELD or DETLD (about half), 5 RQTH (2 with the AAH), 4 on the ASS, ages 19 to
    58. A card the person is too young for goes back to the deck for an older one (see MIN_AGE)."""

    def __init__(self, rng: random.Random, people: People, size: int = 73, postponed: int = 0):
        def dealt(cards):
            cards = list(cards) + [cards[-1]] * (size - len(cards))
            rng.shuffle(cards)
            return cards

        self.rsa = dealt([True] * 24 + [False])
        self.jobseeker = dealt([JobseekerDuration.DELD] * 18 + [JobseekerDuration.DETLD] * 19
                               + [JobseekerDuration.NONE])
        self.rqth = dealt(["AAH"] * 2 + ["RQTH"] * 3 + [""])
        self.education = dealt([EducationLevel.LEVEL_6] * 2 + [EducationLevel.LEVEL_5] * 5
                               + [EducationLevel.LEVEL_4] * 13 + [EducationLevel.LEVEL_3] * 26
                               + [EducationLevel.NONE])
        self.ages = iter(rng.sample([19, 58] + [people.age() for _ in range(size - postponed - 2)],
                                    size - postponed))
        self.ass_left = 4

    @staticmethod
    def _deal(cards: list, fits, default):
        """The first card that fits the person, taken out of the deck (``default`` when none does)."""
        index = next((i for i, card in enumerate(cards) if fits(card)), None)
        return default if index is None else cards.pop(index)

    def profile(self, age: int) -> dict:
        rsa = self._deal(self.rsa, lambda card: not card or age >= RSA_MIN_AGE, False)
        handicap = self.rqth.pop(0)
        ass = not rsa and age >= ASS_MIN_AGE and self.ass_left > 0
        self.ass_left -= ass
        return {
            "rsa": rsa, "ass": ass, "aah": handicap == "AAH", "rqth": bool(handicap),
            "jobseeker": self._deal(self.jobseeker, lambda card: age >= MIN_AGE.get(card, 0),
                                    JobseekerDuration.NONE),
            "education_level": self._deal(self.education, lambda card: age >= MIN_AGE.get(card, 0),
                                          EducationLevel.NONE),
        }


@dataclass
class Plan:
    """One entrant's route, decided before anything is written."""

    fate: str  # "return", "release" or "in"
    classified_on: datetime.date
    assigned_on: datetime.date
    start: datetime.date
    hours: Decimal
    exit_on: datetime.date | None = None
    release: tuple | None = None
    return_: tuple | None = None
    suspension: tuple | None = None  # (start, end or None, reason)
    expected_release: datetime.date | None = None
    eligibility: datetime.date | None = None


class Builder:
    """Writes through the services; keeps the counts of what it wrote."""

    def __init__(self, rng: random.Random, people: People, actors: Actors):
        self.rng, self.people, self.actors = rng, people, actors

    # --- persons and sessions -------------------------------------------------------------------------

    def participant(self, *, age_on, age=None, profile=None, sex=Sex.M, quartier=None, expected_release=None,
                    eligibility=None, note="", counsellor=True) -> Participant:
        last, first = self.people.name(sex)
        age = age or self.people.age()
        establishment = self.actors.programme.establishment
        ecrou = self.people.ecrou()
        while establishment.participants.filter(ecrou_key=ecrou, stay_ended_on__isnull=True).exists():
            ecrou = self.people.ecrou()  # someone present already has it (a dev database others write to)
        participant = Participant(
            establishment=establishment, quartier=quartier, ecrou=ecrou,
            last_name=last, first_names=first, sex=sex, birth_date=self.people.birth_date(age, age_on),
            expected_release_date=expected_release, adjustment_eligibility_date=eligibility,
            counsellor=self.actors.spip if counsellor else None, work_constraints_note=note,
            **(profile or self.people.profile(age)),
        )
        return services.participant_save(participant=participant, by=self.actors.spip)

    def free_day(self, day: datetime.date) -> datetime.date:
        """``day``, or the weekday before it that has no session of the programme yet (one session a day)."""
        while RecruitmentSession.objects.filter(programme=self.actors.programme, date=day).exists():
            day = _weekday_before(day - DAY)
        return day

    def session(self, date, information, interviews, note="") -> RecruitmentSession:
        return services.session_save(session=RecruitmentSession(
            programme=self.actors.programme, date=date, information_meeting_on=information,
            interviews_on=interviews, note=note,
        ), by=self.actors.spip)

    def candidacy(self, participant, session) -> Pathway:
        return services.pathway_create(participant=participant, programme=self.actors.programme, session=session,
                                       by=self.actors.spip)

    # --- the steps ------------------------------------------------------------------------------------

    def enter(self, pathway: Pathway, plan: Plan, *, contract=True, pay: Decimal | None = None) -> Pathway:
        """Selected, classified, assigned, then in the workshop under a contract paid ``pay`` (by default 45 % of
        the SMIC in force at the start)."""
        spip, siae = self.actors.spip, self.actors.siae
        pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=spip)
        pathway = services.pathway_classify(pathway=pathway, opinion=CpuOpinion.FAVOURABLE, on=plan.classified_on,
                                            by=spip)
        pathway = services.pathway_assign(pathway=pathway, on=plan.assigned_on, by=spip)
        if programme_rules.workshop_frame_errors(self.actors.programme, plan.start):
            # No entry in a workshop whose programme has ended or has no implantation contract in force (issue 15):
            # nobody enters MEAUX-APRES after it ends on 31 December 2018 (demo/programmes.py).
            return pathway
        if contract:
            pay = pay or rates.pay_floor(rates.smic_on(plan.start))
            return services.pathway_start(pathway=pathway, start=plan.start, hours_per_week=plan.hours,
                                          hourly_pay=pay, signed_on=plan.start, by=siae)
        return services.pathway_start(pathway=pathway, start=plan.start, by=siae)

    def finish(self, pathway: Pathway, plan: Plan) -> Pathway:
        """Suspension and exit, as planned."""
        spip, siae = self.actors.spip, self.actors.siae
        if plan.suspension:
            start, end, reason = plan.suspension
            by = spip if reason == SuspensionReason.DISCIPLINE_SECURITY else siae
            pathway = services.pathway_suspend(pathway=pathway, start=start, reason=reason, by=by)
            if end:
                pathway = services.pathway_resume(pathway=pathway, on=end, by=siae)
        if plan.release:
            reason, adjustment, outcome, contract, months, note = plan.release
            pathway = services.pathway_exit(pathway=pathway, on=plan.exit_on, reason=reason, outcome=outcome,
                                             adjustment=adjustment, job_contract=contract, job_months=months,
                                             note=note, by=spip)
        elif plan.return_:
            return_reason, note = plan.return_
            by = spip if return_reason in (RR.DISCIPLINARY, RR.SECURITY) else siae
            pathway = services.pathway_exit(pathway=pathway, on=plan.exit_on,
                                            reason=ExitReason.RETURN_ORDINARY_DETENTION,
                                            return_reason=return_reason, note=note, by=by)
            # Back to the "grand quartier": the counsellor corrects the person's quartier.
            participant = pathway.participant
            participant.quartier = self.rng.choice(self.actors.others) if self.actors.others else None
            services.participant_save(participant=participant, by=spip)
        return pathway

    def decline(self, pathway: Pathway, decision: str, reason: str) -> Pathway:
        return services.pathway_decide(pathway=pathway, decision=decision, reason=reason, by=self.actors.spip)

    # --- the timeline ---------------------------------------------------------------------------------

    def event(self, pathway, kind, on, *, by=None, **kwargs):
        by = by or (self.actors.siae if kind in SIAE_EVENTS else self.actors.spip)
        return services.event_record(pathway=pathway, kind=kind, on=on, by=by, **kwargs)

    def hours(self, pathway: Pathway, plan: Plan, last: datetime.date):
        """Hours worked each month from the start to ``last``: working days (minus a suspension) × rhythm."""
        off = (plan.suspension[0], plan.suspension[1] or last) if plan.suspension else None
        for month in _months(plan.start, last):
            end = min(last, month + relativedelta(months=1) - DAY)
            days = sum(
                1 for n in range((end - max(month, plan.start)).days + 1)
                if (day := max(month, plan.start) + DAY * n).weekday() < 5 and not (off and off[0] <= day < off[1])
            )
            worked = Decimal(days) * plan.hours / 5 * Decimal(self.rng.uniform(0.82, 1.0))
            worked = (worked * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP) / 2
            self.event(pathway, EventKind.HOURS_WORKED, month, hours=worked)


SIAE_EVENTS = frozenset({EventKind.CIP_INTERVIEW, EventKind.COLLECTIVE_WORKSHOP, EventKind.TRAINING,
                         EventKind.CERTIFICATION, EventKind.PMSMP, EventKind.HOURS_WORKED})


# --- Meaux, 2017-2018 ----------------------------------------------------------------------------------


def _meaux_plans(rng: random.Random, sessions: list) -> list[list[Plan]]:
    """Every entrant's route, session by session: steps, exit, suspension, expected release."""
    releases = list(RELEASES)
    rng.shuffle(releases)
    returns = list(RETURNS)
    rng.shuffle(returns)
    plans = []
    for commission, (n_return, n_release, n_in) in sessions:
        cpu = _weekday(commission + DAY * rng.randint(3, 7))  # the CPU sits once for the whole group
        assigned = _weekday(cpu + DAY * rng.randint(1, 3))
        group_start = max(MEAUX_WORKSHOP_OPENS, _next_monday(assigned + DAY))
        fates = ["return"] * n_return + ["release"] * n_release + ["in"] * n_in
        rng.shuffle(fates)
        session_plans = []
        for fate in fates:
            start = group_start + DAY * 7 * rng.choices([0, 1], weights=[85, 15])[0]
            plan = Plan(fate=fate, classified_on=cpu, assigned_on=assigned, start=start,
                        hours=Decimal(rng.choices(MEAUX_WEEKLY_HOURS, weights=[2, 2, 4, 6, 3, 2])[0]))
            room = (SEED_DAY - start).days
            if fate == "return":
                own = [i for i, r in enumerate(returns) if r[0] == RR.OWN_REQUEST]
                # A few days in the workshop: the person's own request fits best.
                plan.return_ = returns.pop(own[0] if room < 21 and own else 0)
                plan.exit_on = _weekday(start + DAY * rng.randint(min(12, room - 3), min(130, room - 3)))
                plan.exit_on = min(plan.exit_on, SEED_DAY)
                plan.expected_release = plan.exit_on + DAY * rng.randint(90, 420)
                if plan.return_[0] == RR.DISCIPLINARY and (plan.exit_on - start).days > 20:
                    plan.suspension = (_weekday_before(plan.exit_on - DAY * rng.randint(5, 9)), None,
                                       SuspensionReason.DISCIPLINE_SECURITY)
            elif fate == "release":
                plan.release = releases.pop()
                longest = min(205, room)
                plan.exit_on = min(SEED_DAY, _weekday(start + DAY * rng.randint(min(62, longest - 14), longest)))
                if plan.release[0] == ExitReason.RELEASE_END_OF_SENTENCE:
                    plan.expected_release = plan.exit_on
                else:
                    plan.expected_release = plan.exit_on + DAY * rng.randint(45, 240)
                    plan.eligibility = plan.exit_on - DAY * rng.randint(20, 60)
            else:
                plan.expected_release = SEED_DAY + DAY * rng.randint(8, 280)
                if rng.random() < 0.3:
                    plan.eligibility = SEED_DAY + DAY * rng.randint(-40, 60)
            session_plans.append(plan)
        plans.append(session_plans)
    # Two of those still in were suspended then resumed (health, supplies) well before 30 March 2018.
    long_stays = [p for s in plans for p in s if p.fate == "in" and p.start <= datetime.date(2018, 1, 15)]
    for plan, reason, length in zip(rng.sample(long_stays, 2), [SuspensionReason.HEALTH, SuspensionReason.SUPPLY],
                                    [12, 9], strict=True):
        begin = _weekday(plan.start + DAY * rng.randint(20, 40))
        plan.suspension = (begin, _weekday(begin + DAY * length), reason)
    assert not releases and not returns
    return plans


def _timeline(b: Builder, pathway: Pathway, plan: Plan, last: datetime.date, workshops: list, age: int):
    """What happened between the start and ``last`` (the exit, or 30 March 2018 for those still in)."""
    rng, event = b.rng, b.event
    event(pathway, EventKind.CIP_INTERVIEW, _weekday(plan.start + DAY * rng.randint(1, 3)),
          detail="Entretien d'accueil : diagnostic socioprofessionnel")
    day = plan.start + DAY * rng.randint(26, 38)
    while day < last - DAY * 5:
        event(pathway, EventKind.CIP_INTERVIEW, _weekday(day), detail=rng.choice(CIP_DETAILS))
        day += DAY * rng.randint(26, 40)
    attended = [(on, theme) for on, theme in workshops if plan.start + DAY * 7 <= on <= last]
    for on, theme in attended:
        if rng.random() < 0.55:
            event(pathway, EventKind.COLLECTIVE_WORKSHOP, on, detail=theme)
    stay = (last - plan.start).days
    if stay > 25 and rng.random() < 0.7:
        on = _weekday(plan.start + DAY * rng.randint(7, 20))
        event(pathway, EventKind.TRAINING, on, end_on=on + DAY,
              detail="Sécurité au poste de travail, gestes et postures")
    if stay > 60 and rng.random() < 0.35:
        on = _next_monday(plan.start + DAY * rng.randint(30, stay - 20))
        event(pathway, EventKind.TRAINING, on, end_on=on + DAY, detail="Sauveteur secouriste du travail (SST)")
        if rng.random() < 0.8:
            event(pathway, EventKind.CERTIFICATION, on + DAY, detail="Certificat SST obtenu")
    if stay > 100 and rng.random() < 0.25:
        event(pathway, EventKind.CERTIFICATION, _weekday(last - DAY * rng.randint(10, 30)),
              detail="Certificat CléA (socle de connaissances et de compétences professionnelles)")
    if rng.random() < 0.35 and stay > 30:
        event(pathway, EventKind.BARRIER_ID, _weekday(plan.start + DAY * rng.randint(5, 25)),
              detail=rng.choice(["Demande de carte nationale d'identité déposée",
                                 "Demande de renouvellement du titre de séjour déposée",
                                 "Acte de naissance obtenu pour la demande de pièce d'identité"]))
    if rng.random() < 0.15 and stay > 30:
        event(pathway, EventKind.BARRIER_HEALTH, _weekday(plan.start + DAY * rng.randint(10, 30)),
              detail="Ouverture des droits à la CMU complémentaire")
    if rng.random() < 0.08 and stay > 45:
        event(pathway, EventKind.BARRIER_DEBTS, _weekday(plan.start + DAY * rng.randint(20, 45)),
              detail="Dossier de surendettement préparé avec la conseillère en économie sociale et familiale")
    if rng.random() < 0.1 and stay > 45:
        event(pathway, EventKind.BARRIER_MOBILITY, _weekday(plan.start + DAY * rng.randint(20, 45)),
              detail="Inscription à la préparation au code de la route")
    b.hours(pathway, plan, last)
    if plan.release:
        _release_preparation(b, pathway, plan, age)
    elif plan.fate == "in" and plan.expected_release <= SEED_DAY + DAY * 60:
        event(pathway, EventKind.PRE_RELEASE, _weekday(SEED_DAY - DAY * rng.randint(3, 20)),
              detail="Entretien de préparation à la sortie avec le CPIP")
        if plan.eligibility and plan.eligibility <= SEED_DAY:
            event(pathway, EventKind.ADJUSTMENT_REQUEST, _weekday(SEED_DAY - DAY * rng.randint(10, 25)),
                  detail="Demande de placement à l'extérieur déposée auprès du JAP")


def _release_preparation(b: Builder, pathway: Pathway, plan: Plan, age: int):
    rng, event = b.rng, b.event
    reason, adjustment, outcome, _contract, _months, note = plan.release
    exit_on, start = plan.exit_on, plan.start
    span = (exit_on - start).days

    def before(low, high):  # a day between ``high`` and ``low`` days before the exit, after the start
        return max(start + DAY * 2, _weekday(exit_on - DAY * rng.randint(low, high)))

    event(pathway, EventKind.PRE_RELEASE, before(15, min(45, span - 5)),
          detail="Entretien de préparation à la sortie avec le CPIP")
    event(pathway, EventKind.BARRIER_HOUSING, before(10, min(40, span - 5)),
          detail=rng.choice(["Demande d'hébergement déposée auprès du SIAO", "Place en CHRS confirmée pour la sortie",
                             "Retour au domicile familial confirmé", "Place en foyer de jeunes travailleurs obtenue"]))
    event(pathway, EventKind.FRANCE_TRAVAIL, before(7, min(30, span - 5)),
          detail="Rendez-vous avec le conseiller Pôle emploi en détention : inscription anticipée")
    if age < 26:
        event(pathway, EventKind.MISSION_LOCALE, before(5, min(25, span - 5)),
              detail="Rendez-vous avec la Mission locale du lieu de résidence à la sortie")
    if reason == ExitReason.RELEASE_ADJUSTMENT:
        label = SentenceAdjustment(adjustment).label.lower()
        request = before(min(50, span - 10), min(90, span - 8))
        event(pathway, EventKind.ADJUSTMENT_REQUEST, request, detail=f"Demande de {label} déposée auprès du JAP")
        decision = max(request + DAY, before(2, min(20, (exit_on - request).days - 1)))
        if rng.random() < 0.2 and (decision - request).days > 20:
            event(pathway, EventKind.ADJUSTMENT_DECISION, request + DAY * 14,
                  adjustment_decision=AdjustmentDecision.POSTPONED, detail="Ajourné dans l'attente d'un hébergement")
        event(pathway, EventKind.ADJUSTMENT_DECISION, decision, adjustment_decision=AdjustmentDecision.GRANTED,
              detail=f"{label.capitalize()} accordé·e")
        if adjustment in (SentenceAdjustment.PE, SentenceAdjustment.SL) and span > 40:
            on = _next_monday(decision - DAY * 30) if decision - DAY * 30 > start else _next_monday(start + DAY * 10)
            event(pathway, EventKind.PMSMP, on, end_on=on + DAY * 4,
                  detail="Immersion de cinq jours en entreprise (permission de sortir)")
    elif rng.random() < 0.25 and span > 60:
        request = before(40, min(70, span - 10))
        event(pathway, EventKind.ADJUSTMENT_REQUEST, request, detail="Demande de libération conditionnelle déposée")
        event(pathway, EventKind.ADJUSTMENT_DECISION, request + DAY * rng.randint(20, 30),
              adjustment_decision=AdjustmentDecision.REFUSED, detail="Projet de sortie à consolider")
    if outcome in (Outcome.DURABLE, Outcome.TRANSITION) and rng.random() < 0.5:
        event(pathway, EventKind.CIP_INTERVIEW, before(3, min(12, span - 3)),
              detail="Entretien avec l'employeur pressenti, organisé par la CIP")


def _follow_ups(b: Builder, pathway: Pathway, plan: Plan):
    """Part of the released are followed up: +3 for two thirds, +6 for less than half, +12 for a quarter."""
    rng = b.rng
    outcome, note = plan.release[2], plan.release[5]
    in_siae = note.startswith(SIAE_HIRING)
    situation = outcome
    for milestone, chance in [(3, 0.7), (6, 0.65), (12, 0.55)]:
        if rng.random() > chance:
            return
        contacted = _weekday(plan.exit_on + relativedelta(months=milestone) + DAY * rng.randint(0, 20))
        by = b.actors.siae if in_siae else b.actors.spip
        if rng.random() < 0.2:
            services.follow_up_record(pathway=pathway, milestone=milestone, reached=False, contacted_on=contacted,
                                      note="Sans réponse aux appels ni au courrier", by=by)
            continue
        situation, detail = _next_situation(rng, situation, milestone, in_siae)
        services.follow_up_record(pathway=pathway, milestone=milestone, reached=True, contacted_on=contacted,
                                  situation=situation, continued_in_siae=in_siae and situation == Outcome.POSITIVE,
                                  note=detail, by=by)


def _next_situation(rng, situation, milestone, in_siae) -> tuple[str, str]:
    if in_siae:
        if milestone <= 6:
            return Outcome.POSITIVE, "Toujours en CDDI dans la structure d'insertion"
        return rng.choice([(Outcome.DURABLE, "CDI à l'issue du parcours en CDDI"),
                           (Outcome.TRANSITION, "CDD de 4 mois à l'issue du CDDI")])
    if situation == Outcome.POSITIVE:
        if milestone == 3:
            return Outcome.POSITIVE, "Formation en cours"
        return rng.choice([(Outcome.DURABLE, "Embauché en CDI à l'issue de la formation"),
                           (Outcome.TRANSITION, "Missions d'intérim à l'issue de la formation"),
                           (Outcome.OTHER, "Formation terminée, en recherche d'emploi")])
    if situation == Outcome.TRANSITION:
        return rng.choice([(Outcome.TRANSITION, "Nouvelles missions d'intérim"),
                           (Outcome.DURABLE, "CDD renouvelé pour un an"),
                           (Outcome.OTHER, "Fin de contrat, inscrit à Pôle emploi")])
    if situation == Outcome.DURABLE:
        return rng.choices([(Outcome.DURABLE, "Toujours en poste"), (Outcome.OTHER, "A quitté son emploi")],
                           weights=[85, 15])[0]
    return Outcome.OTHER, "En recherche d'emploi"


def _meaux_history(actors: Actors) -> None:
    rng = random.Random(20180330)
    people = People(rng, range(14000, 29000))
    b = Builder(rng, people, actors)
    deck = Deck(rng, people, postponed=len(POSTPONED_AT))
    sessions = [(_d(row[0]), row[3]) for row in MEAUX_SESSIONS]
    plans = _meaux_plans(rng, sessions)
    workshops, day, index = [], datetime.date(2017, 7, 13), 0
    while day <= SEED_DAY:
        workshops.append((day, WORKSHOP_THEMES[index % len(WORKSHOP_THEMES)]))
        day, index = day + DAY * 14, index + 1

    postponed, stayers = None, []
    for number, (row, session_plans) in enumerate(zip(MEAUX_SESSIONS, plans, strict=True)):
        commission, information, interviews = _d(row[0]), _d(row[1]), _d(row[2])
        n_not, n_withdrawn, n_withdrawn_after = row[4], row[5], row[6]
        session = b.session(commission, information, interviews, SESSION_NOTES[min(number, 1)])
        for plan in session_plans:
            if postponed is not None:  # the candidate postponed at the previous session is selected now
                participant, postponed = postponed, None
                age = relativedelta(plan.start, participant.birth_date).years
                for name, value in deck.profile(age).items():  # the counsellor completes the profile at entry
                    setattr(participant, name, value)
                participant.expected_release_date = plan.expected_release
                participant.adjustment_eligibility_date = plan.eligibility
                participant.quartier = actors.quartier
                participant = services.participant_save(participant=participant, by=actors.spip)
            else:
                age = next(deck.ages)
                note = ""
                if plan.release and plan.release[1] in (SentenceAdjustment.SL, SentenceAdjustment.PE):
                    note = "Horaires de sortie fixés par le juge : 7 h – 19 h en semaine."
                participant = b.participant(
                    age_on=plan.start, age=age, profile=deck.profile(age), quartier=actors.quartier,
                    expected_release=plan.expected_release, eligibility=plan.eligibility, note=note,
                )
            pathway = b.enter(b.candidacy(participant, session), plan)
            pathway = b.finish(pathway, plan)
            _timeline(b, pathway, plan, plan.exit_on or SEED_DAY, workshops, age)
            if plan.release:
                _follow_ups(b, pathway, plan)
            if plan.fate == "in":
                stayers.append((pathway, plan, age))
        for n in range(n_not):
            participant = b.participant(age_on=commission, quartier=rng.choice(actors.others),
                                        expected_release=commission + DAY * rng.randint(40, 500))
            reason = rng.choice(NOT_SELECTED_REASONS)
            if n == 0 and number in POSTPONED_AT:
                reason, postponed = POSTPONED_REASON, participant
            b.decline(b.candidacy(participant, session), SessionDecision.NOT_SELECTED, reason)
        for _ in range(n_withdrawn):
            participant = b.participant(age_on=commission, quartier=rng.choice(actors.others),
                                        expected_release=commission + DAY * rng.randint(90, 500))
            b.decline(b.candidacy(participant, session), SessionDecision.WITHDRAWN, rng.choice(WITHDRAWN_REASONS))
        for _ in range(n_withdrawn_after):
            participant = b.participant(age_on=commission, quartier=rng.choice(actors.others),
                                        expected_release=commission + DAY * rng.randint(90, 500))
            pathway = services.pathway_decide(pathway=b.candidacy(participant, session),
                                              decision=SessionDecision.SELECTED, by=actors.spip)
            services.pathway_withdraw(pathway=pathway, on=_weekday(commission + DAY * rng.randint(2, 6)),
                                      reason="A obtenu une place en formation professionnelle en détention",
                                      by=actors.spip)
    _meaux_after_seed(Builder(random.Random(20181231), people, actors), stayers)
    _record_departures(actors)


# --- Meaux after the press release: the 28 still in leave during 2018 -------------------------------------

MEAUX_LAST_WORKING_DAY = datetime.date(2018, 12, 21)  # MEAUX-APRES and its implantation contract end on 31/12/2018
PROGRAMME_END_NOTE = ("Fin de la période expérimentale du programme Après au 31 décembre 2018 : "
                      "retour à un poste du service général de l'établissement.")
# How the 28 people in the pathway on 30 March 2018 left it (the demo's choice; the seed says nothing after that
# day): 14 released with a job or a training, 3 released without one, 5 returns to ordinary detention, 3 transfers,
# 1 for health, 2 still there when the experiment ended. Releases as RELEASES (reason, adjustment, outcome,
# contract, months, note); the other exits as (reason, return reason, note).
LATER_RELEASES = [
    (A, SA.LC, Outcome.DURABLE, JobContract.CDI, None, "CDI de cariste dans un entrepôt de la grande distribution."),
    (A, SA.PE, Outcome.DURABLE, JobContract.CDD, 12, "CDD de 12 mois d'agent de conditionnement."),
    (E, "", Outcome.DURABLE, JobContract.CDI, None, "CDI d'agent de nettoyage industriel."),
    (A, SA.SL, Outcome.DURABLE, JobContract.INTERIM, 9, "Missions d'intérim sur 9 mois en logistique."),
    (E, "", Outcome.TRANSITION, JobContract.CDD, 3, "CDD de 3 mois de manutentionnaire."),
    (A, SA.LSC, Outcome.TRANSITION, JobContract.INTERIM, 2, "Missions d'intérim de 2 mois en entrepôt."),
    (A, SA.DDSE, Outcome.TRANSITION, JobContract.CDD, 6, PSE_NOTE + "CDD de 6 mois d'employé de libre-service."),
    (E, "", Outcome.TRANSITION, JobContract.SUBSIDISED, None, "Contrat aidé d'agent d'entretien dans une commune."),
    (A, SA.PE, Outcome.TRANSITION, JobContract.CDD, 4, "CDD de 4 mois d'ouvrier paysagiste."),
    (A, SA.SL, Outcome.POSITIVE, "", None, "Embauche en CDDI dans une entreprise d'insertion du Groupe ARES."),
    (E, "", Outcome.POSITIVE, "", None, "Formation qualifiante de préparateur de commandes (titre professionnel)."),
    (A, SA.LC, Outcome.POSITIVE, "", None, "Formation de cariste (CACES)."),
    (A, SA.LSC, Outcome.POSITIVE, "", None, "Embauche en CDDI dans un atelier et chantier d'insertion."),
    (E, "", Outcome.POSITIVE, "", None, "Formation pré-qualifiante aux métiers du bâtiment."),
    (E, "", Outcome.OTHER, "", None, "Libéré en fin de peine sans emploi ni formation : inscrit à Pôle emploi."),
    (E, "", Outcome.OTHER, "", None, "Libéré en fin de peine ; hébergé par sa famille, en recherche d'emploi."),
    (E, "", Outcome.OTHER, "", None, "Libéré en fin de peine, sans solution d'emploi malgré les démarches."),
]
LATER_OTHER_EXITS = [
    (ExitReason.RETURN_ORDINARY_DETENTION, RR.OWN_REQUEST,
     "À sa demande : souhaite rejoindre la cuisine de l'établissement."),
    (ExitReason.RETURN_ORDINARY_DETENTION, RR.OWN_REQUEST, "À sa demande."),
    (ExitReason.RETURN_ORDINARY_DETENTION, RR.INSUFFICIENCY,
     "Insuffisance professionnelle constatée, après l'entretien préalable."),
    (ExitReason.RETURN_ORDINARY_DETENTION, RR.ACCOMPANIMENT,
     "Absences répétées aux entretiens d'accompagnement, après l'entretien préalable."),
    (ExitReason.RETURN_ORDINARY_DETENTION, RR.DISCIPLINARY,
     "Décision de la commission de discipline de l'établissement."),
    (ExitReason.TRANSFER, "", "Transfert vers un centre de détention pour la suite de la peine."),
    (ExitReason.TRANSFER, "", "Transfert pour rapprochement familial."),
    (ExitReason.TRANSFER, "", "Transfert décidé par la direction interrégionale."),
    (ExitReason.HEALTH, "", "Hospitalisation de longue durée : parcours interrompu."),
    (ExitReason.OTHER, "", PROGRAMME_END_NOTE),
    (ExitReason.OTHER, "", PROGRAMME_END_NOTE),
]


def _meaux_after_seed(b: Builder, stayers: list) -> None:
    """The 28 still in on 30 March 2018 leave during 2018, in the order of their expected release; their timeline
    goes on from April (hours each month, CIP interviews, the programme's workshops, the preparation of a release)."""
    rng = b.rng
    stayers = sorted(stayers, key=lambda item: (item[1].expected_release, item[0].pk))
    releases = [("release", row) for row in LATER_RELEASES]
    others = [("other", row) for row in LATER_OTHER_EXITS if row[0] != ExitReason.OTHER]
    at_the_end = [("other", row) for row in LATER_OTHER_EXITS if row[0] == ExitReason.OTHER]
    rng.shuffle(releases)
    rng.shuffle(others)
    # The earliest expected releases are released first; the others leave along the year (their release comes
    # later, elsewhere or after a return), the last releases in the autumn; two are there when the programme ends.
    order = releases[:8] + others + releases[8:] + at_the_end
    assert len(order) == len(stayers) == 28
    workshops, day, index = [], SEED_DAY + DAY * 13, 0
    while day <= MEAUX_LAST_WORKING_DAY:
        workshops.append((day, WORKSHOP_THEMES[index % len(WORKSHOP_THEMES)]))
        day, index = day + DAY * 14, index + 1
    for (pathway, plan, age), (fate, row) in zip(stayers, order, strict=True):
        later = _later_plan(rng, plan, fate, row)
        _update_release_dates(b, pathway.participant, later, rng)
        pathway = b.finish(pathway, later)
        if fate == "other" and row[0] != ExitReason.RETURN_ORDINARY_DETENTION:
            outcome = Outcome.OTHER if row[0] == ExitReason.OTHER else ""
            pathway = services.pathway_exit(pathway=pathway, on=later.exit_on, reason=row[0], outcome=outcome,
                                            note=row[2], by=b.actors.spip)
        _timeline_after_seed(b, pathway, later, workshops, age)
        if later.release:
            _follow_ups(b, pathway, later)


def _later_plan(rng: random.Random, plan: Plan, fate: str, row: tuple) -> Plan:
    """The route of one of the 28 after 30 March 2018 (its start moved to that day for the timeline): the exit."""
    later = replace(plan, start=SEED_DAY + DAY * 3, suspension=None)
    earliest = SEED_DAY + DAY * rng.randint(45, 75)  # a release is prepared over six weeks at least
    if fate == "release":
        later.release = row
        day = plan.expected_release if row[0] == E else plan.expected_release - DAY * rng.randint(20, 90)
        later.exit_on = _weekday_before(min(max(day, earliest), MEAUX_LAST_WORKING_DAY - DAY * rng.randint(0, 25)))
        if row[0] == E:
            later.expected_release, later.eligibility = later.exit_on, None
        else:
            later.expected_release = max(plan.expected_release, later.exit_on + DAY * rng.randint(60, 200))
            later.eligibility = later.exit_on - DAY * rng.randint(20, 45)
    elif row[0] == ExitReason.OTHER:
        later.exit_on = MEAUX_LAST_WORKING_DAY
    else:
        later.exit_on = _weekday_before(SEED_DAY + DAY * rng.randint(20, 240))
        if row[0] == ExitReason.RETURN_ORDINARY_DETENTION:
            later.return_ = (row[1], row[2])
    return later


def _update_release_dates(b: Builder, participant: Participant, later: Plan, rng: random.Random) -> None:
    """The counsellor keeps the expected release (and the adjustment eligibility) in step with what happens: the
    released on their release day; the others (a new sentence, a withdrawn reduction) still in detention after."""
    participant.refresh_from_db()
    if later.release is not None:
        participant.expected_release_date = later.expected_release
        participant.adjustment_eligibility_date = later.eligibility
    elif participant.expected_release_date <= later.exit_on + DAY * 30:
        participant.expected_release_date = later.exit_on + DAY * rng.randint(60, 240)
        participant.adjustment_eligibility_date = None
    else:
        return
    services.participant_save(participant=participant, by=b.actors.spip)


def _timeline_after_seed(b: Builder, pathway: Pathway, plan: Plan, workshops: list, age: int) -> None:
    """From April 2018 to the exit: monthly hours, a CIP interview about every month, some of the programme's
    collective workshops, and the preparation of a release."""
    rng, last = b.rng, plan.exit_on
    b.hours(pathway, replace(plan, start=datetime.date(2018, 4, 1)), last)
    day = SEED_DAY + DAY * rng.randint(10, 30)
    while day < last - DAY * 5:
        b.event(pathway, EventKind.CIP_INTERVIEW, _weekday(day), detail=rng.choice(CIP_DETAILS))
        day += DAY * rng.randint(26, 40)
    for on, theme in workshops:
        if on <= last and rng.random() < 0.5:
            b.event(pathway, EventKind.COLLECTIVE_WORKSHOP, on, detail=theme)
    if plan.release:
        _release_preparation(b, pathway, plan, age)


def _record_departures(actors: Actors) -> None:
    """The 2017-2018 people with no pathway in progress have long left Meaux: the counsellor recorded their
    departure on their expected release date, which frees their écrou and takes them off today's lists."""
    gone = (Participant.objects.filter(establishment=actors.programme.establishment, stay_ended_on__isnull=True,
                                       expected_release_date__lte=SEED_DAY + relativedelta(years=2))
            .exclude(pathways__status__in=sorted(OPEN_STATUSES)).order_by("pk"))
    for participant in gone:
        participant.stay_ended_on = participant.expected_release_date
        services.participant_save(participant=participant, by=actors.spip)


# --- Entry point ---------------------------------------------------------------------------------------


@contextmanager
def _database_checks_left_to_the_database():
    """While the demo loads, full_clean() on the participants' models skips the checks the database makes anyway.

    Django validates each CheckConstraint by compiling a query annotated with every field of the row (about
    2 ms each, six per pathway step) and each foreign key with an exists() query: through the services, the
    1,700 demo writes took 20 s instead of 2. The database enforces the very same constraints and foreign keys
    (a violation aborts the whole load with an IntegrityError), and every rule of the services (rules.py:
    steps allowed, dates in order and not in the future, hours, pay floor, exit fields) still runs.
    """
    models = (Participant, RecruitmentSession, Pathway, AccompanimentEvent, FollowUp)

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        relations = {f.name for f in self._meta.concrete_fields if f.is_relation}
        Model.full_clean(self, exclude=set(exclude or ()) | relations, validate_unique=validate_unique,
                               validate_constraints=False)

    for model in models:
        model.full_clean = full_clean
    try:
        yield
    finally:
        for model in models:
            del model.full_clean


def _actors(code: str, spip: str, siae: str) -> Actors:
    programme = Programme.objects.select_related("establishment", "quartier").get(code=code)
    others = list(Quartier.objects.filter(establishment=programme.establishment,
                                          kind__in=[QuartierKind.QMA, QuartierKind.QCD]).order_by("kind"))
    return Actors(programme=programme, spip=User.objects.get(username=spip), siae=User.objects.get(username=siae),
                  quartier=programme.quartier, others=others)
