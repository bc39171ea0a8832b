"""Retention (participants.retention, `manage.py apply_retention`): who is anonymised and when, what is kept so the
indicators do not move, dry runs, second runs, atomicity, pages after anonymisation (security.md R-14)."""

import datetime
import io
import logging
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse

from dashboards import indicators
from dashboards.periods import Period
from documents.enums import DocumentKind, DocumentStatus, SubjectType
from documents.models import GeneratedDocument
from participants import retention, services
from participants.enums import EventKind, ExitReason, FollowUpMilestone, Outcome, PathwayStatus, SessionDecision, Sex
from participants.models import (
    AccompanimentEvent,
    ContractChange,
    FollowUp,
    Participant,
    Pathway,
    RecruitmentSession,
)
from participants.tasks import apply_retention as retention_task
from programmes.models import Programme
from tests.accounts.pages import page_text
from tests.participants.factories import ParticipantFactory, PathwayFactory, exited_pathway

pytestmark = pytest.mark.django_db

SESSION = datetime.date(2022, 9, 5)
START = datetime.date(2022, 9, 19)
EXIT = datetime.date(2023, 3, 15)  # 24 months later: 15 March 2025
NOTE = "Interdiction de paraître à Chelles"


def released(programme, *, exit_on=EXIT, **participant) -> Pathway:
    fields = {"last_name": "Lefèvre", "first_names": "Jérôme", "ecrou": "58213",
              "birth_date": datetime.date(1990, 4, 12), "work_constraints_note": NOTE,
              "expected_release_date": datetime.date(2023, 3, 15), **participant}
    session, _ = RecruitmentSession.objects.get_or_create(programme=programme, date=SESSION)
    return exited_pathway(programme=programme, session=session, start=START, on=exit_on,
                          outcome=Outcome.POSITIVE, **{f"participant__{k}": v for k, v in fields.items()})


def run(today, wet_run=True):
    return retention.apply_retention(today=today, wet_run=wet_run)


# --- Who, and from which day --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("today", "anonymised"),
    [
        (datetime.date(2025, 3, 14), False),  # 24 months minus one day
        (datetime.date(2025, 3, 15), False),  # exactly 24 months: not yet "more than"
        (datetime.date(2025, 3, 16), True),  # 24 months and one day
    ],
)
def test_a_person_is_anonymised_the_day_after_24_months_from_their_exit(scope_a, today, anonymised):
    person = released(scope_a.programme).participant

    report = run(today)

    person.refresh_from_db()
    assert (person.anonymised_at is not None) is anonymised
    assert report.participants == (1 if anonymised else 0)
    assert (person.last_name == "Lefèvre") is not anonymised


def test_the_period_is_a_setting(scope_a, settings):
    settings.RETENTION_MONTHS_AFTER_EXIT = 12
    person = released(scope_a.programme).participant

    run(datetime.date(2024, 3, 15))
    kept = Participant.objects.get(pk=person.pk).anonymised_at is None
    run(datetime.date(2024, 3, 16))

    assert kept and Participant.objects.get(pk=person.pk).anonymised_at is not None


def test_an_open_pathway_keeps_the_person_whatever_their_old_pathways(scope_a):
    old = released(scope_a.programme)
    PathwayFactory(programme=scope_a.programme, participant=old.participant, session__date=datetime.date(2024, 6, 3))

    report = run(datetime.date(2026, 1, 1))

    assert report.participants == 0
    assert Participant.objects.get(pk=old.participant.pk).anonymised_at is None


def test_the_last_pathway_decides_not_the_first(scope_a):
    first = released(scope_a.programme)
    later = PathwayFactory(programme=scope_a.programme, participant=first.participant,
                           session__date=datetime.date(2024, 1, 8))
    services.pathway_decide(pathway=later, decision=SessionDecision.NOT_SELECTED, reason="Places pourvues", by=None)

    run(datetime.date(2026, 1, 8))  # 24 months after the commission that did not select them: kept
    kept = Participant.objects.get(pk=first.participant.pk).anonymised_at is None
    run(datetime.date(2026, 1, 9))

    assert kept and Participant.objects.get(pk=first.participant.pk).anonymised_at is not None


def test_a_withdrawal_ends_the_pathway_on_its_date(scope_a):
    pathway = PathwayFactory(programme=scope_a.programme, session__date=SESSION)
    pathway = services.pathway_decide(pathway=pathway, decision=SessionDecision.SELECTED, by=None)
    services.pathway_withdraw(pathway=pathway, on=datetime.date(2022, 10, 3), by=None)

    assert run(datetime.date(2024, 10, 3), wet_run=False).participants == 0
    assert run(datetime.date(2024, 10, 4), wet_run=False).participants == 1


def test_a_person_without_pathway_is_kept_until_their_stay_ended_24_months_ago(scope_a):
    present = ParticipantFactory(establishment=scope_a.establishment)
    gone = ParticipantFactory(establishment=scope_a.establishment, stay_ended_on=datetime.date(2023, 3, 15))

    run(datetime.date(2025, 3, 16))

    assert Participant.objects.get(pk=present.pk).anonymised_at is None
    assert Participant.objects.get(pk=gone.pk).anonymised_at is not None


# --- What is erased, what is kept ---------------------------------------------------------------------


def test_anonymisation_erases_what_names_the_person_and_keeps_what_the_indicators_count(scope_a):
    pathway = released(scope_a.programme, sex=Sex.F, rsa=True, rqth=True, education_level="3")
    services.event_record(pathway=pathway, kind=EventKind.CIP_INTERVIEW, on=datetime.date(2022, 10, 3),
                          detail="Entretien avec Jérôme Lefèvre", by=None)
    Pathway.objects.filter(pk=pathway.pk).update(exit_note="Embauché chez son oncle", decision_reason="Motif",
                                                 skills_acquired="Cariste, formé par Paul Durand")
    ContractChange.objects.create(pathway=pathway, valid_from=START + datetime.timedelta(days=30),
                                  hours_per_week=Decimal("30"), previous_hours_per_week=Decimal("26"),
                                  reason="À la demande de M. Lefèvre", recorded_by_label="Claire Martin (CPIP)")
    FollowUp.objects.create(pathway=pathway, milestone=FollowUpMilestone.M3, reached=True,
                            contacted_on=datetime.date(2023, 6, 15), situation=Outcome.DURABLE,
                            note="Joint chez sa sœur", recorded_by_label="Claire Martin (CPIP)")
    age_before = Pathway.objects.get(pk=pathway.pk).age_at_entry

    run(datetime.date(2025, 6, 1))

    person = Participant.objects.get(pk=pathway.participant_id)
    assert person.last_name == "Personne anonymisée" and person.first_names == ""
    assert str(person) == "Personne anonymisée"
    assert "58213" not in person.ecrou and person.ecrou.startswith("ANONYME-") and person.ecrou_key
    assert person.birth_date == datetime.date(1990, 1, 1)
    assert person.work_constraints_note == "" and person.expected_release_date is None
    assert (person.sex, person.rsa, person.rqth, person.education_level) == (Sex.F, True, True, "3")
    pathway = Pathway.objects.get(pk=pathway.pk)
    assert (pathway.exit_note, pathway.decision_reason, pathway.skills_acquired) == ("", "", "")
    change = ContractChange.objects.get(pathway=pathway)
    assert change.reason == retention.ERASED_REASON and change.hours_per_week == 30  # the contract's facts stay
    assert (pathway.status, pathway.exit_on, pathway.outcome, pathway.contract_start) == (
        PathwayStatus.EXITED, EXIT, Outcome.POSITIVE, START)
    assert pathway.age_at_entry == age_before == 32
    assert AccompanimentEvent.objects.get(pathway=pathway, kind=EventKind.CIP_INTERVIEW).detail == ""
    assert FollowUp.objects.get(pathway=pathway).note == "" and FollowUp.objects.get(pathway=pathway).reached


def test_two_people_of_the_same_establishment_get_different_ecrou_codes(scope_a):
    first = released(scope_a.programme, ecrou="111").participant
    second = released(scope_a.programme, ecrou="222").participant

    run(datetime.date(2025, 6, 1))

    first.refresh_from_db()
    second.refresh_from_db()
    assert first.ecrou_key != second.ecrou_key


def test_people_still_within_their_retention_are_left_untouched(scope_a):
    old = released(scope_a.programme, ecrou="111").participant
    recent = released(scope_a.programme, ecrou="222", last_name="Récent", exit_on=datetime.date(2024, 3, 15))
    before = Participant.objects.filter(pk=recent.participant_id).values().get()

    report = run(datetime.date(2025, 6, 1))

    assert report.participants == 1
    assert Participant.objects.get(pk=old.pk).anonymised_at is not None
    assert Participant.objects.filter(pk=recent.participant_id).values().get() == before


def test_documents_of_an_anonymised_person_lose_their_file_and_data(scope_a, settings, tmp_path):
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage", "OPTIONS": {"location": str(tmp_path)}}}
    pathway = released(scope_a.programme)
    document = GeneratedDocument(kind=DocumentKind.ACCOMPANIMENT_CHARTER, subject_type=SubjectType.PATHWAY,
                                 pathway=pathway, version=1, template_version="1", status=DocumentStatus.READY,
                                 title="Charte d'accompagnement — LEFÈVRE Jérôme",
                                 snapshot={"name": "LEFÈVRE Jérôme"}, sha256="0" * 64, size=4)
    document.file.save("charte.pdf", ContentFile(b"%PDF"), save=True)
    path = tmp_path / document.file.name
    assert path.exists()

    report = run(datetime.date(2025, 6, 1))

    document.refresh_from_db()
    assert not path.exists() and report.files == 1 and report.documents == 1
    assert document.file.name == "" and document.snapshot == {} and "LEFÈVRE" not in document.title
    assert document.status == DocumentStatus.FAILED


# --- Counts the dashboards show -----------------------------------------------------------------------


def test_indicators_are_the_same_before_and_after(scope_a):
    programme = scope_a.programme
    released(programme, ecrou="1", sex=Sex.F, rsa=True, birth_date=datetime.date(1999, 11, 30))  # 22 at entry
    released(programme, ecrou="2", birth_date=datetime.date(1972, 9, 20), jobseeker="DELD")  # 49 at entry
    released(programme, ecrou="3", birth_date=datetime.date(1972, 9, 19), aah=True, rqth=True)  # 50 at entry
    released(programme, ecrou="4", birth_date=datetime.date(1996, 9, 20), education_level="NONE")  # 25 at entry
    withdrawn = PathwayFactory(programme=programme, session=RecruitmentSession.objects.get(programme=programme),
                               participant__ecrou="5")
    services.pathway_decide(pathway=withdrawn, decision=SessionDecision.NOT_SELECTED, reason="Places", by=None)
    programmes = Programme.objects.filter(pk=programme.pk)
    periods = [Period(datetime.date(2022, 1, 1), datetime.date(2023, 12, 31)),
               Period(datetime.date(2023, 1, 1), datetime.date(2023, 12, 31))]

    before = [(indicators.totals(programmes, p), indicators.cohorts(programmes, p), indicators.trends(programmes, p))
              for p in periods]
    report = run(datetime.date(2025, 6, 1))
    after = [(indicators.totals(programmes, p), indicators.cohorts(programmes, p), indicators.trends(programmes, p))
             for p in periods]

    assert report.participants == 5
    assert after == before
    totals = before[0][0]  # hand-counted, entry on 19 September 2022: 1 woman; ages 22, 49, 50, 25
    assert (totals["_women"], totals["_age_under_26"], totals["_age_50_plus"]) == (1, 2, 1)


# --- Dry run, second run, all or nothing, log, command, task ------------------------------------------


def test_dry_run_counts_and_changes_nothing(scope_a):
    released(scope_a.programme)
    before = list(Participant.objects.values())

    report = run(datetime.date(2025, 6, 1), wet_run=False)

    assert report.participants == 1 and report.pathways == 1
    assert list(Participant.objects.values()) == before


def test_a_second_run_changes_nothing(scope_a):
    pathway = released(scope_a.programme)
    run(datetime.date(2025, 6, 1))
    after_first = (list(Participant.objects.values()), list(Pathway.objects.values()))

    second = run(datetime.date(2025, 6, 2))

    assert second.participants == 0 and second.pathways == 0
    assert (list(Participant.objects.values()), list(Pathway.objects.values())) == after_first
    assert Participant.objects.get(pk=pathway.participant_id).anonymised_at.date() == datetime.date(2025, 6, 1)


def test_a_failure_midway_leaves_everything_as_it_was(scope_a, monkeypatch):
    released(scope_a.programme, ecrou="1")
    released(scope_a.programme, ecrou="2")
    before = list(Participant.objects.values())

    def broken(*args, **kwargs):
        raise RuntimeError("panne")

    monkeypatch.setattr(retention, "_purge_access_log", broken)  # runs after the participants are written
    with pytest.raises(RuntimeError):
        run(datetime.date(2025, 6, 1))

    assert list(Participant.objects.values()) == before


def test_the_run_logs_counts_and_no_name(scope_a, caplog):
    released(scope_a.programme)

    with caplog.at_level(logging.DEBUG):
        run(datetime.date(2025, 6, 1))

    records = [r for r in caplog.records if r.name == "participants.retention"]
    assert len(records) == 1 and "participants=1" in records[0].getMessage()
    assert "Lefèvre" not in caplog.text and "LEFÈVRE" not in caplog.text and "58213" not in caplog.text


def test_command_is_a_dry_run_unless_wet_run_and_prints_counts_only(scope_a):
    person = released(scope_a.programme).participant
    out = io.StringIO()

    call_command("apply_retention", "--today", "2025-06-01", stdout=out)
    dry = out.getvalue()
    person.refresh_from_db()
    still_named = person.last_name == "Lefèvre"
    out = io.StringIO()
    call_command("apply_retention", "--today", "2025-06-01", "--wet-run", stdout=out)

    assert still_named and "Participant·es à anonymiser : 1" in dry and "simulation" in dry
    assert "Participant·es anonymisé·es : 1" in out.getvalue()
    assert "Lefèvre" not in dry + out.getvalue() and "58213" not in dry + out.getvalue()
    assert Participant.objects.get(pk=person.pk).anonymised_at is not None


def test_the_nightly_task_runs_it_wet_and_is_scheduled(scope_a, settings):
    person = released(scope_a.programme).participant  # exited 15 March 2023: past 24 months on the real today

    retention_task()

    assert Participant.objects.get(pk=person.pk).anonymised_at is not None
    entry = settings.CELERY_BEAT_SCHEDULE["participants-retention"]
    assert entry["task"] == "participants.apply_retention"


# --- Pages after anonymisation ------------------------------------------------------------------------


def test_pages_still_work_and_show_no_name(scope_a, client_as):
    pathway = released(scope_a.programme)
    run(datetime.date(2025, 6, 1))
    client = client_as("CPIP_A")

    pages = [client.get(reverse("participants:participant_detail", args=[pathway.participant_id])),
             client.get(reverse("participants:pathway_detail", args=[pathway.pk])),
             client.get(reverse("participants:participant_list")),
             client.get(reverse("participants:pathway_list"))]

    assert [page.status_code for page in pages] == [200, 200, 200, 200]
    assert "Année de naissance" in page_text(pages[0]) and "01/01/1990" not in page_text(pages[0])
    for page in pages:
        text = page_text(page)
        assert "Personne anonymisée" in text
        assert "Lefèvre" not in text and "LEFÈVRE" not in text and "58213" not in text and NOTE not in text


def test_exit_reason_is_kept(scope_a):
    pathway = released(scope_a.programme)
    run(datetime.date(2025, 6, 1))
    assert Pathway.objects.get(pk=pathway.pk).exit_reason == ExitReason.RELEASE_END_OF_SENTENCE


# --- The audit app: change history erased, access log purged ------------------------------------------


def test_change_history_of_the_person_and_their_pathways_is_erased(scope_a):
    from audit.models import ChangeRecord

    kept = released(scope_a.programme, ecrou="1", exit_on=datetime.date(2024, 3, 15))
    gone = released(scope_a.programme, ecrou="2")
    ids = {str(gone.participant_id), str(gone.pk)}
    before = ChangeRecord.objects.filter(object_id__in=ids).count()
    others = ChangeRecord.objects.exclude(object_id__in=ids).count()

    report = run(datetime.date(2025, 6, 1))

    assert before > 0 and report.history == before
    assert ChangeRecord.objects.filter(object_id__in=ids).count() == 0
    assert ChangeRecord.objects.exclude(object_id__in=ids).count() == others
    assert ChangeRecord.objects.filter(object_id=str(kept.participant_id)).exists()


def test_the_access_log_past_its_retention_is_purged_by_the_same_run(scope_a, settings):
    from audit.models import AccessLog

    settings.ACCESS_LOG_RETENTION_MONTHS = 12
    noon = datetime.datetime(2025, 6, 1, 12, tzinfo=datetime.UTC)
    old = AccessLog.objects.create(at=noon - datetime.timedelta(days=400), user_label="x", action="export",
                                   route="participants:participant_list")
    recent = AccessLog.objects.create(at=noon - datetime.timedelta(days=30), user_label="x", action="export",
                                      route="participants:participant_list")

    dry = run(datetime.date(2025, 6, 1), wet_run=False)
    wet = run(datetime.date(2025, 6, 1))

    assert dry.audit["access_log"] == 1 and wet.audit["access_log"] == 1
    assert list(AccessLog.objects.filter(pk__in=[old.pk, recent.pk]).values_list("pk", flat=True)) == [recent.pk]


def test_the_dry_run_counts_the_history_it_would_erase(scope_a):
    from audit.models import ChangeRecord

    gone = released(scope_a.programme)
    expected = ChangeRecord.objects.filter(object_id__in=[str(gone.participant_id), str(gone.pk)]).count()

    assert expected > 0 and run(datetime.date(2025, 6, 1), wet_run=False).history == expected
