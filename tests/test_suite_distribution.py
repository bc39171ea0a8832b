"""The suite's own distribution under `make test` (pytest-xdist, `--dist loadgroup`): the groups of
tests/conftest.py must reach the scheduler, or each process sets up the demo, a live server and a Celery worker of
its own, silently (pytest 9.2 with pytest-xdist 3.8 dropped them: pytest-dev/pytest-xdist#1386, hence pytest 9.1.1
in pyproject.toml); and a transactional test, wherever the groups put it, leaves the reference data of the
migrations for the tests after it (tests/conftest.py, pytest_runtest_teardown)."""

import pytest


@pytest.fixture(scope="module")
def shared():
    return object()


def test_a_module_fixture_keeps_its_tests_in_one_process(request, shared):
    if not getattr(request.config.option, "loadgroup", False):  # set in pytest-xdist's worker processes
        pytest.skip("only under pytest-xdist with --dist loadgroup (make test)")
    assert request.node.nodeid.endswith("@tests/test_suite_distribution.py"), request.node.nodeid


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_reference_data_comes_back_after_a_transactional_test_empties_the_database(request):
    from django.contrib.contenttypes.models import ContentType
    from django.core.management import call_command

    from programmes.models import Department
    from tests.conftest import put_reference_data_back

    departments, types = Department.objects.count(), dict(ContentType.objects.values_list("pk", "model"))
    assert departments > 90  # the migrations' departments
    # As a transactional test without serialized rollback ends: emptied, then the content types and permissions
    # re-created by post_migrate under new ids.
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
    assert not Department.objects.exists() and ContentType.objects.exists()
    put_reference_data_back(request.config)
    assert Department.objects.count() == departments
    assert dict(ContentType.objects.values_list("pk", "model")) == types
