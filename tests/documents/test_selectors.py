"""The one way in to a document and to a batch (documents.selectors): 404 outside the user's scope, and whether
the user's role may ask for it. The pages that use them: every persona in tests/accounts/test_scope_matrix.py.
"""

import pytest
from django.http import Http404

from documents.enums import DocumentKind, DocumentStatus
from documents.models import DocumentBatch
from documents.selectors import get_batch_for, get_document_for
from tests.documents.matrix_batches import selected_session
from tests.documents.matrix_documents import complete_programme, make_document

pytestmark = pytest.mark.django_db


def test_a_director_gets_the_programme_document_and_may_ask_for_it_again(scope_a, personas):
    document = make_document(kind=DocumentKind.PROJECT_SHEET, subject=complete_programme(scope_a),
                             status=DocumentStatus.FAILED)

    found, may_request = get_document_for(personas["SIAE_DIRECTOR_A"], document.pk)

    assert (found, may_request) == (document, True)


def test_establishment_staff_read_the_programme_document_but_may_not_ask_for_it(scope_a, personas):
    document = make_document(kind=DocumentKind.PROJECT_SHEET, subject=complete_programme(scope_a))

    assert get_document_for(personas["ESTABLISHMENT_STAFF_A"], document.pk) == (document, False)


def test_the_activity_report_may_be_asked_for_by_every_role_that_reads_it(scope_a, personas):
    document = make_document(kind=DocumentKind.ACTIVITY_REPORT, subject=complete_programme(scope_a))

    assert get_document_for(personas["ESTABLISHMENT_STAFF_A"], document.pk) == (document, True)


def test_a_director_of_another_siae_gets_404_for_the_document(scope_a, scope_b, personas):
    document = make_document(kind=DocumentKind.PROJECT_SHEET, subject=complete_programme(scope_a))

    with pytest.raises(Http404):
        get_document_for(personas["SIAE_DIRECTOR_B"], document.pk)


def test_a_counsellor_gets_the_batch_and_may_ask_for_batches(scope_a, personas):
    batch = DocumentBatch.objects.create(session=selected_session(scope_a))

    assert get_batch_for(personas["CPIP_A"], batch.pk) == (batch, True)


def test_establishment_staff_read_the_batch_but_may_not_ask_for_one(scope_a, personas):
    batch = DocumentBatch.objects.create(session=selected_session(scope_a))

    assert get_batch_for(personas["ESTABLISHMENT_STAFF_A"], batch.pk) == (batch, False)


def test_a_counsellor_of_another_spip_gets_404_for_the_batch(scope_a, scope_b, personas):
    batch = DocumentBatch.objects.create(session=selected_session(scope_a))

    with pytest.raises(Http404):
        get_batch_for(personas["CPIP_B"], batch.pk)
