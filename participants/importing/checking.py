"""Checking the rows against the database (lookups preloaded in five queries), then writing all or nothing."""

import copy
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models.functions import Upper
from django.utils import timezone

from access import permissions
from access.scope import participants_for, programmes_for
from audit.history import record_many
from core.formatting import format_date
from dashboards import summaries
from participants import rules
from participants.enums import (
    CLOSED_STATUSES,
    ENTERED_STATUSES,
    STAY_ENDING_REASONS,
    ExitReason,
    Outcome,
    PathwayStatus,
    SessionDecision,
    Transition,
)
from participants.models import Participant, Pathway, PathwayLog, RecruitmentSession, Suspension
from programmes import rules as programme_rules
from programmes.models import ImplantationContract, Programme

from .format import (
    BATCH,
    COLUMN_NAMES,
    EXIT_COLUMNS,
    FIELD_COLUMNS,
    PARTICIPANT_FIELDS,
    PATHWAY_FIELDS,
    PREVIEW_ROWS,
    PROGRESS_EVERY,
    identity_text,
)
from .reading import Row
from .report import DataChanged, Report
from .writing import insert_many, new_instance, update_many


@dataclass
class Person:
    """One participant as the file describes it (maybe on several lines)."""

    line: int
    identity: tuple
    participant: Participant
    existing: bool
    values: dict = field(default_factory=dict)  # field -> (value, first line that gives it)
    stay_ends: list = field(default_factory=list)  # (exit date, line)
    open_lines: list = field(default_factory=list)
    action: str = ""  # created, updated, unchanged
    recorded: Participant | None = None  # as read, for the change history of an update


# The same answer for an écrou nobody has and for a person outside the importer's scope: no existence oracle.
NOT_YOURS = ("aucune personne de vos programmes n'a le numéro d'écrou « {ecrou} » avec cette date de naissance, et "
             "votre rôle ne permet pas de créer le dossier d'une personne : c'est le SPIP qui l'enregistre. "
             "Demandez-le-lui, puis importez à nouveau cette ligne.")
NO_IDENTITY_EDIT = ("« {value} » diffère du dossier de la personne ({recorded}) et votre rôle ne permet pas de "
                    "modifier ce dossier : c'est le SPIP qui le corrige. Laissez la cellule vide ou écrivez la valeur "
                    "enregistrée.")
PERSON_COLUMNS = {"nom": "last_name", "prenom": "first_names", "sexe": "sex",
                  "date_liberation_previsible": "expected_release_date", "rsa": "rsa", "deld": "jobseeker",
                  "niveau_formation": "education_level"}


def _date(day) -> str:
    return format_date(day) if day else ""


def _shown(model_field, value) -> str:
    """A participant's value as a message shows it."""
    if value in (None, ""):
        return "non renseigné"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return _date(value) if hasattr(value, "isoformat") else str(value)


class Importer:
    def __init__(self, rows: list[Row], *, user, report: Report, on_progress=None):
        self.rows, self.user, self.report, self.on_progress = rows, user, report, on_progress
        # The permissions of the forms: who creates a person's file, who corrects it (None: an operator's command).
        self.creates_people = user is None or permissions.can_create(user, Participant)
        self.edits_people = user is None or permissions.can_edit(user, Participant)
        self.today = timezone.localdate()
        self.people: dict[tuple, Person] = {}
        self.new_sessions: dict[tuple, RecruitmentSession] = {}
        self.used_sessions: set = set()
        self.pathway_lines: dict[tuple, int] = {}
        self.claimed: set = set()
        self.targets: list[tuple[Row, Pathway, str]] = []  # row, pathway, status before ("" when new)
        self.original_versions: dict = {}
        self.closed_suspensions: list[Suspension] = []
        self.recorded: dict = {}  # pathway pk -> the pathway as read (None when new), for the change history
        # pathway pk -> the steps (transition, status after) the file implies before its entry in the workshop and the
        # application has not recorded: logged marked "reconstitué à l'import" (rules.STEPS_BEFORE_ENTRY)
        self.reconstituted: dict = {}

    # Preloading: five queries, whatever the number of rows.
    def load(self):
        codes = {row.values["programme"].upper() for row in self.rows if row.values["programme"]}
        scope = Programme.objects.all() if self.user is None else programmes_for(self.user)
        self.programmes = {p.code.upper(): p for p in scope.annotate(code_upper=Upper("code"))
                           .filter(code_upper__in=codes).select_related("establishment", "quartier__establishment")}
        programme_ids = [p.pk for p in self.programmes.values()]
        establishment_ids = {p.establishment_id for p in self.programmes.values()}
        self.sessions = {(s.programme_id, s.date): s for s in RecruitmentSession.objects.filter(
            programme_id__in=programme_ids).select_related("programme")}
        self.db_people: dict[tuple, list[Participant]] = {}
        # Only the people the importer may read: anyone else is matched as nobody (access.scope).
        people = Participant.objects.all() if self.user is None else participants_for(self.user)
        for person in people.filter(establishment_id__in=establishment_ids):
            self.db_people.setdefault((person.establishment_id, person.ecrou_key), []).append(person)
        for candidates in self.db_people.values():
            candidates.sort(key=lambda p: p.stay_ended_on is not None)  # active stay first
        self.db_pathways: dict[tuple, Pathway] = {}
        self.db_open: dict[tuple, list[Pathway]] = {}
        for pathway in Pathway.objects.filter(programme_id__in=programme_ids).select_related("session") \
                .order_by("created_at"):
            self.db_pathways[(pathway.participant_id, pathway.programme_id, pathway.session_id)] = pathway
            if pathway.status not in CLOSED_STATUSES:
                self.db_open.setdefault((pathway.participant_id, pathway.programme_id), []).append(pathway)
        self.open_suspensions = {s.pathway_id: s for s in Suspension.objects.filter(
            pathway__programme_id__in=programme_ids, end__isnull=True)}
        self.contracts: dict[int, list[ImplantationContract]] = {pk: [] for pk in programme_ids}
        for contract in ImplantationContract.objects.filter(programme_id__in=programme_ids):
            self.contracts[contract.programme_id].append(contract)

    def resolve(self):
        self.load()
        total = len(self.rows)
        for index, row in enumerate(self.rows, start=1):
            self._resolve_row(row)
            if self.on_progress and index % PROGRESS_EVERY == 0:
                self.on_progress(index, total)
        self._check_open_pathways()
        self._settle_people()
        self._count()
        error_lines = {error["line"] for error in self.report.errors}
        self.report.preview = [self._preview(row, row.line in error_lines) for row in self.rows[:PREVIEW_ROWS]]
        if self.on_progress:
            self.on_progress(total, total)

    def _error(self, row: Row, column, message):
        self.report.error(row.line, column, message)

    def _resolve_row(self, row: Row):
        v = row.values
        programme = None
        if v["programme"]:
            programme = self.programmes.get(v["programme"].upper())
            if programme is None:  # unknown, or outside the user's programmes: the same answer
                self._error(row, "programme", f"programme « {v['programme']} » inconnu.")
        participant = self._participant(row, programme) if programme else None
        session_date = v["date_session"]
        existing, duplicate = None, False
        if participant is not None and session_date:
            key = (participant.pk, programme.pk, session_date)
            duplicate = key in self.pathway_lines
            if duplicate:
                self._error(row, None, f"ce parcours (même personne, même programme, même session) figure déjà "
                                       f"ligne {self.pathway_lines[key]}.")
            else:
                self.pathway_lines[key] = row.line
                existing = self._existing_pathway(participant, programme, session_date)
        facts = self._facts(row, existing)
        if not self._check_facts(row, facts, existing) or duplicate or participant is None or not session_date:
            return
        self._apply(row, programme, participant, existing, facts)

    def _participant(self, row: Row, programme) -> Participant | None:
        v = row.values
        if row.bad & {"numero_ecrou", "date_naissance", "nom", "prenom"}:
            return None
        errors = rules.check_birth_date(v["date_naissance"], self.today)
        if errors:
            self._error(row, "date_naissance", errors["birth_date"])
            return None
        key = (programme.establishment_id, rules.ecrou_key(v["numero_ecrou"]))
        identity = (v["date_naissance"], identity_text(v["nom"]), identity_text(v["prenom"]))
        person = self.people.get(key)
        if person is not None and person.identity != identity:
            message = ("le numéro d'écrou « {ecrou} » désigne une autre personne ligne {line} (nom, prénom ou date "
                       "de naissance différents) : un numéro d'écrou ne désigne qu'une personne par établissement.")
            self._error(row, "numero_ecrou", message.format(ecrou=v["numero_ecrou"], line=person.line))
            self.report.error(person.line, "numero_ecrou", message.format(ecrou=v["numero_ecrou"], line=row.line))
            return None
        if person is None:
            candidates = self.db_people.get(key, [])
            match = next((p for p in candidates if p.birth_date == v["date_naissance"]), None)
            if match is None and not self.creates_people:
                self._error(row, "numero_ecrou", NOT_YOURS.format(ecrou=v["numero_ecrou"]))
                return None
            if match is None and any(p.stay_ended_on is None for p in candidates):
                self._error(row, "numero_ecrou", f"une personne présente dans cet établissement porte déjà le numéro "
                                                 f"d'écrou « {v['numero_ecrou']} », avec une autre date de naissance : "
                                                 f"vérifiez le numéro ou la date de naissance.")
                return None
            participant = match or new_instance(
                Participant, establishment_id=programme.establishment_id, quartier_id=programme.quartier_id,
                ecrou=v["numero_ecrou"], ecrou_key=key[1], birth_date=v["date_naissance"],
            )
            if match is None:  # the history names them without a query per row
                participant.establishment, participant.quartier = programme.establishment, programme.quartier
            person = self.people[key] = Person(row.line, identity, participant, existing=match is not None)
        for column, attribute in PERSON_COLUMNS.items():
            value = v[column]
            if value is None:
                continue
            known = person.values.get(attribute)
            same = known is not None and (
                identity_text(known[0]) == identity_text(value) if column in {"nom", "prenom"} else known[0] == value)
            if known is None:
                person.values[attribute] = (value, row.line)
            elif not same:
                self._error(row, column, f"« {row.raw[column]} » diffère de la ligne {known[1]} pour la même personne.")
        row.participant = person.participant
        return person.participant

    def _existing_pathway(self, participant, programme, session_date) -> Pathway | None:
        session = self.sessions.get((programme.pk, session_date))
        pathway = self.db_pathways.get((participant.pk, programme.pk, session.pk)) if session else None
        if pathway is None:  # an open pathway recorded in the application without a session
            pathway = next((p for p in self.db_open.get((participant.pk, programme.pk), [])
                            if p.session_id is None and p.pk not in self.claimed), None)
        if pathway is not None:
            self.claimed.add(pathway.pk)
        return pathway

    def _facts(self, row: Row, existing: Pathway | None) -> dict:
        """What the pathway will hold: the file's cells, and for an empty cell (unknown) what is recorded."""
        v = row.values

        def pick(column, attribute, empty=""):
            if v[column] is not None:
                return v[column]
            return getattr(existing, attribute) if existing is not None else empty

        facts = {
            "decision": v["decision_session"], "session_date": v["date_session"],
            "entry": pick("date_entree", "contract_start", None), "exit": pick("date_sortie", "exit_on", None),
            "reason": pick("motif_sortie", "exit_reason"), "outcome": pick("situation_sortie", "outcome"),
            "adjustment": pick("amenagement", "adjustment"), "return_reason": pick("motif_retour", "return_reason"),
            "job_contract": pick("type_contrat", "job_contract"),
            "job_months": pick("duree_contrat_mois", "job_months", None),
            "hours": pick("heures_travaillees", "imported_hours_worked", None),
            "pmsmp": pick("pmsmp", "imported_pmsmp", None),
        }
        if facts["exit"] and not facts["outcome"] and facts["reason"]:
            facts["outcome"] = rules.default_outcome(facts["reason"])
            row.outcome_defaulted = bool(facts["outcome"])
        return facts

    def _check_facts(self, row: Row, facts: dict, existing: Pathway | None) -> bool:
        """The rules of the services (participants.rules) on the facts of one row. True when they hold."""
        v, before = row.values, len(self.report.errors)
        decision, entry, exit_on, session_date = facts["decision"], facts["entry"], facts["exit"], facts["session_date"]
        errors = rules.check_not_future("session", session_date, self.today, "La commission de sélection")
        if entry and decision and decision != SessionDecision.SELECTED:
            if v["date_entree"] is None:
                errors["decision_session"] = (
                    f"le parcours est entré en atelier le {_date(entry)} selon l'application : la décision ne peut "
                    f"pas être « {row.raw['decision_session']} ».")
            else:
                errors["date_entree"] = (f"une entrée en atelier suppose la décision « retenu » (ici "
                                         f"« {row.raw['decision_session']} ») : pas d'entrée sans sélection.")
        if entry and existing is not None and existing.status == PathwayStatus.NOT_CLASSIFIED:
            errors["date_entree"] = (f"le classement au travail a été refusé le {_date(existing.classified_on)} "
                                     f"selon l'application : pas d'entrée en atelier sans classement.")
        if entry:
            errors |= rules.check_contract(start=entry, signed_on=None, hours_per_week=None, hourly_pay=None,
                                           smic=None, earliest=None, today=self.today)
            errors |= rules.check_not_before("contract_start", entry, session_date, (
                "L'entrée en atelier (%(date)s) ne peut pas précéder la commission de sélection (%(earlier)s)."))
            steps = [day for day in (existing.classified_on, existing.assigned_on) if day] if existing else []
            errors |= rules.check_not_before("contract_start", entry, max(steps) if steps else None, (
                "L'entrée en atelier (%(date)s) ne peut pas précéder l'étape précédente du parcours (%(earlier)s)."))
            if existing is None or existing.contract_start != entry:  # a new entry: the workshop open on that day
                programme = self.programmes.get((v["programme"] or "").upper())
                frame = programme_rules.workshop_frame_errors(programme, entry, self.contracts[programme.pk]) \
                    if programme is not None else []
                if frame:
                    errors["contract_start"] = " ".join(frame)
        if exit_on and not entry:
            errors["exit_on"] = "Une sortie suppose une entrée en atelier : date_entree est vide."
        elif exit_on:
            exit_errors = rules.check_exit(
                on=exit_on, entry=entry, reason=facts["reason"], outcome=facts["outcome"],
                adjustment=facts["adjustment"], return_reason=facts["return_reason"],
                job_contract=facts["job_contract"], job_months=facts["job_months"], today=self.today)
            errors = exit_errors | errors
            suspension = self.open_suspensions.get(existing.pk) if existing else None
            if suspension and "exit_on" not in errors:
                errors |= rules.check_not_before("exit_on", exit_on, suspension.start, (
                    "La sortie (%(date)s) ne peut pas précéder la suspension en cours (%(earlier)s)."))
        else:
            for column in EXIT_COLUMNS:
                if v[column] is not None:
                    errors[column] = "cette colonne ne se remplit que pour une sortie : date_sortie est vide."
        if v["heures_travaillees"] is not None and not entry:
            errors["heures_travaillees"] = ("les heures travaillées supposent une entrée en atelier : date_entree est "
                                            "vide.")
        for name, message in errors.items():
            column = FIELD_COLUMNS.get(name, name)
            if column not in row.bad:  # a cell that could not be read already has its error
                self._error(row, column if column in COLUMN_NAMES else None, message)
        return len(self.report.errors) == before and not row.bad

    def _status(self, facts: dict, existing: Pathway | None) -> str:
        """The status follows from the row; later steps recorded in the application and not contradicted stay."""
        decision = facts["decision"]
        if decision == SessionDecision.NOT_SELECTED:
            return PathwayStatus.NOT_SELECTED
        if decision == SessionDecision.WITHDRAWN:
            return PathwayStatus.WITHDRAWN
        if facts["exit"]:
            return PathwayStatus.EXITED
        current = existing.status if existing else ""
        if facts["entry"]:
            return PathwayStatus.SUSPENDED if current == PathwayStatus.SUSPENDED else PathwayStatus.IN_WORKSHOP
        if current in {PathwayStatus.CLASSIFIED, PathwayStatus.ASSIGNED, PathwayStatus.NOT_CLASSIFIED} or (
                current == PathwayStatus.WITHDRAWN and existing.decision == SessionDecision.SELECTED):
            return current  # classified (or refused), assigned, withdrawn after selection: not in the file
        return PathwayStatus.SELECTED

    def _apply(self, row: Row, programme, participant, existing: Pathway | None, facts: dict):
        session_key = (programme.pk, facts["session_date"])
        session = self.sessions.get(session_key) or self.new_sessions.get(session_key)
        if session is None:
            session = self.new_sessions[session_key] = RecruitmentSession(programme=programme,
                                                                          date=facts["session_date"])
        self.used_sessions.add(session_key)
        status = self._status(facts, existing)
        pathway = existing or new_instance(Pathway, participant_id=participant.pk, programme_id=programme.pk)
        recorded = copy.copy(existing) if existing is not None else None
        pathway.programme = programme
        before = {name: getattr(pathway, name if name != "session" else "session_id") for name in PATHWAY_FIELDS}
        entry = facts["entry"]
        contract_kind = pathway.contract_kind if entry and entry == pathway.contract_start else (
            rules.contract_kind_on(entry) if entry else "")
        withdrawn_on = (pathway.withdrawn_on or facts["session_date"]) if status == PathwayStatus.WITHDRAWN else None
        pathway.session = session
        pathway.decision, pathway.status = facts["decision"], status
        pathway.contract_start, pathway.contract_kind, pathway.withdrawn_on = entry, contract_kind, withdrawn_on
        pathway.fill_age_at_entry(participant)
        pathway.exit_on, pathway.exit_reason, pathway.outcome = facts["exit"], facts["reason"], facts["outcome"]
        pathway.adjustment, pathway.return_reason = facts["adjustment"], facts["return_reason"]
        pathway.job_contract, pathway.job_months = facts["job_contract"], facts["job_months"]
        pathway.imported_hours_worked, pathway.imported_pmsmp = facts["hours"], facts["pmsmp"]
        after = {name: getattr(pathway, name if name != "session" else "session_id") for name in PATHWAY_FIELDS}
        if existing is None:
            row.action = "created"
        elif before != after or existing.session_id is None:
            row.action = "updated"
            self.original_versions[existing.pk] = existing.version
            existing.version += 1
        else:
            row.action = "unchanged"
        row.pathway, row.session = pathway, session
        if status in ENTERED_STATUSES and before["contract_start"] is None:
            # Entered by this file: the classification and assignment the application has not seen, reconstituted.
            current = before["status"] if existing else PathwayStatus.SELECTED
            self.reconstituted[pathway.pk] = rules.STEPS_BEFORE_ENTRY.get(current, [])
        if row.action != "unchanged":
            self.targets.append((row, pathway, before["status"] if existing else ""))
            self.recorded[pathway.pk] = recorded
            suspension = self.open_suspensions.get(pathway.pk) if existing else None
            if status == PathwayStatus.EXITED and suspension:
                suspension.end = facts["exit"]
                self.closed_suspensions.append(suspension)
        person = self.people[(programme.establishment_id, participant.ecrou_key)]
        if status == PathwayStatus.EXITED and facts["reason"] in STAY_ENDING_REASONS:
            person.stay_ends.append((facts["exit"], row.line))
        elif status not in CLOSED_STATUSES:
            person.open_lines.append(row.line)
            if existing is None and participant.stay_ended_on:
                self._error(row, None, f"cette personne a quitté l'établissement le {_date(participant.stay_ended_on)} "
                                       f": un nouveau parcours ne peut pas y être en cours.")

    def _check_open_pathways(self):
        """One open pathway per participant and programme, within the file and with what is recorded."""
        open_by_key: dict[tuple, list] = {}
        for row, pathway in ((row, row.pathway) for row in self.rows if row.pathway is not None):
            if pathway.status not in CLOSED_STATUSES:
                open_by_key.setdefault((pathway.participant_id, pathway.programme_id), []).append(row.line)
        for key, lines in open_by_key.items():
            recorded = [p for p in self.db_open.get(key, []) if p.pk not in self.claimed]
            if len(lines) + len(recorded) < 2:
                continue
            for line in lines:
                others = [f"ligne {other}" for other in lines if other != line]
                others += [f"parcours de la session du {_date(p.session.date)} déjà enregistré" if p.session_id
                           else "parcours déjà enregistré sans session" for p in recorded]
                self.report.error(line, None, "cette personne aurait deux parcours en cours dans ce programme ("
                                              + ", ".join(others) + ") : un seul parcours peut être en cours.")

    def _settle_people(self):
        """The values of each person; a release or a transfer ends the stay in the establishment."""
        for person in self.people.values():
            participant = person.participant
            before = {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}
            if person.existing:
                person.recorded = copy.copy(participant)
            for attribute, (value, line) in person.values.items():
                if attribute in {"last_name", "first_names"} and person.existing and \
                        identity_text(getattr(participant, attribute)) == identity_text(value):
                    continue  # same name, written otherwise ("DUPONT", "Dupont"): left as recorded
                if person.existing and not self.edits_people and getattr(participant, attribute) != value:
                    self._refuse_identity_edit(line, attribute, value, participant)
                    continue
                setattr(participant, attribute, value)
            if person.stay_ends:
                ended_on, line = max(person.stay_ends)
                participant.stay_ended_on = ended_on
                for open_line in person.open_lines:
                    self.report.error(open_line, None, f"cette personne quitte l'établissement le {_date(ended_on)} "
                                                       f"(ligne {line}) : ce parcours ne peut pas rester en cours.")
            if not person.existing:
                person.action = "created"
            elif before != {name: getattr(participant, name) for name in PARTICIPANT_FIELDS}:
                person.action = "updated"
                self.original_versions[participant.pk] = participant.version
                participant.version += 1
            else:
                person.action = "unchanged"

    def _refuse_identity_edit(self, line: int, attribute: str, value, participant: Participant):
        column = next(name for name, field_name in PERSON_COLUMNS.items() if field_name == attribute)
        model_field = Participant._meta.get_field(attribute)
        self.report.error(line, column, NO_IDENTITY_EDIT.format(
            value=_shown(model_field, value), recorded=_shown(model_field, getattr(participant, attribute))))

    def _count(self):
        counts = self.report.counts
        for person in self.people.values():
            counts["participants"][person.action] += 1
        counts["sessions"]["created"] = sum(key in self.used_sessions for key in self.new_sessions)
        counts["sessions"]["unchanged"] = len(self.used_sessions) - counts["sessions"]["created"]
        for row in self.rows:
            if row.action:
                counts["pathways"][row.action] += 1

    def _preview(self, row: Row, has_error: bool) -> dict:
        """A row as it will be read: parsed values (a cell that could not be read, as written), the resulting
        status and what happens to it."""
        v = row.values
        pathway = None if has_error else row.pathway

        def day(column, recorded=None):
            return _date(recorded or v[column]) or (row.raw[column] if column in row.bad else "")

        def label(column, choices):
            return str(choices(v[column]).label) if v[column] else ""

        outcome = pathway.outcome if pathway is not None else (v["situation_sortie"] or "")
        return {
            "line": row.line, "programme": (v["programme"] or row.raw["programme"] or "").upper(),
            "ecrou": v["numero_ecrou"] or row.raw["numero_ecrou"], "last_name": v["nom"] or row.raw["nom"],
            "first_names": v["prenom"] or row.raw["prenom"], "birth_date": day("date_naissance"),
            "session": day("date_session"), "decision": label("decision_session", SessionDecision),
            "entry": day("date_entree", pathway.contract_start if pathway is not None else None),
            "exit": day("date_sortie", pathway.exit_on if pathway is not None else None),
            "reason": str(ExitReason(pathway.exit_reason).label) if pathway is not None and pathway.exit_reason
            else label("motif_sortie", ExitReason),
            "outcome": str(Outcome(outcome).label) if outcome else "",
            "outcome_defaulted": row.outcome_defaulted and pathway is not None,
            "status": str(PathwayStatus(pathway.status).label) if pathway is not None else "",
            "action": "error" if has_error or not row.action else row.action,
        }

    # Writing: all or nothing, in one transaction; one prepared statement per table and 500 rows.
    def write(self, by_label: str):
        with transaction.atomic():
            self._check_versions(Pathway, [p.pk for _row, p, before in self.targets if before])
            self._check_versions(Participant, [person.participant.pk for person in self.people.values()
                                               if person.action == "updated"])
            sessions = [self.new_sessions[key] for key in self.new_sessions if key in self.used_sessions]
            RecruitmentSession.objects.bulk_create(sessions, batch_size=BATCH)  # a few rows, whose ids are needed
            insert_many(Participant, [person.participant for person in self.people.values()
                                      if person.action == "created"])
            update_many(Participant, [person.participant for person in self.people.values()
                                      if person.action == "updated"],
                        [*PARTICIPANT_FIELDS, "version", "updated_at"])
            for row, pathway, _before in self.targets:
                pathway.session = row.session  # sessions created above now have their id
            insert_many(Pathway, [pathway for _row, pathway, before in self.targets if not before])
            update_many(Pathway, [pathway for _row, pathway, before in self.targets if before],
                        [name if name != "session" else "session_id" for name in PATHWAY_FIELDS]
                        + ["age_at_entry", "version", "updated_at"])
            update_many(Suspension, self.closed_suspensions, ["end"])
            record_many(Participant, [(person.recorded, person.participant) for person in self.people.values()
                                      if person.action in {"created", "updated"}], by=self.user)
            record_many(Pathway, [(self.recorded[pathway.pk], pathway) for _row, pathway, _before in self.targets],
                        by=self.user)
            insert_many(PathwayLog, [log for row, pathway, before in self.targets
                                     for log in self._log_rows(row, pathway, before, by_label)])
            # Bulk writes send no signal: the dashboards' summaries of every programme the file touched (its
            # pathways', and those of the people whose profile it changed) are recomputed in the same transaction.
            updated = [person.participant.pk for person in self.people.values() if person.action == "updated"]
            summaries.refresh({pathway.programme_id for _row, pathway, _before in self.targets}
                              | set(Pathway.objects.filter(participant__in=updated)
                                    .values_list("programme_id", flat=True)))

    def _log_rows(self, row: Row, pathway: Pathway, before: str, by_label: str) -> list[PathwayLog]:
        """The import's row in the pathway's log, after the steps it reconstitutes (undated: the file does not
        know them), so the log reads selection, classification, assignment, entry."""
        by_id, logs = self.user.pk if self.user else None, []
        status = before or PathwayStatus.SELECTED
        for transition, after in self.reconstituted.get(pathway.pk, []):
            logs.append(new_instance(PathwayLog, pathway_id=pathway.pk, transition=transition, from_status=status,
                                     to_status=after, on=None, by_id=by_id, by_label=by_label, reconstituted=True))
            status = after
        logs.append(new_instance(
            PathwayLog, pathway_id=pathway.pk, transition=Transition.IMPORT, from_status=status if logs else before,
            to_status=pathway.status, on=pathway.exit_on or pathway.contract_start or row.session.date, by_id=by_id,
            by_label=by_label))
        return logs

    def _check_versions(self, model, pks: list):
        """Lock what the import changes; if someone saved one of them since it was read, stop."""
        for start in range(0, len(pks), 1000):
            chunk = pks[start:start + 1000]
            current = dict(model.objects.select_for_update().filter(pk__in=chunk).values_list("pk", "version"))
            if any(current.get(pk) != self.original_versions[pk] for pk in chunk):
                raise DataChanged
