"""Who is acting: the user a service was called for (`records_by`: its `by=`), else the request being served
(set by audit.middleware.AuditMiddleware), else nobody (a command, a Celery task), in which case the label is
"système" (with the command's name under manage.py)."""

import contextlib
import functools
import sys
from contextvars import ContextVar

_request: ContextVar = ContextVar("audit_request", default=None)
_label: ContextVar = ContextVar("audit_label", default=None)
_by: ContextVar = ContextVar("audit_by", default=None)


def user_label(user) -> str:
    """The snapshot kept beside the foreign key: username and role code, e.g. "cpip.meaux (CPIP)"."""
    role = getattr(user, "role", "") or ("superuser" if user.is_superuser else "")
    return f"{user.get_username()} ({role})" if role else user.get_username()


def system_label() -> str:
    label = _label.get()
    if label:
        return label
    argv = sys.argv
    if len(argv) > 1 and argv[0].endswith("manage.py"):
        return f"système (commande {argv[1]})"
    return "système"


def current_user():
    by = _by.get()
    if by is not None:
        return by
    request = _request.get()
    user = getattr(request, "user", None)
    return user if user is not None and user.is_authenticated else None


def actor() -> tuple[object, str]:
    """(user or None, label) of whoever is acting now."""
    user = current_user()
    return (user, user_label(user)) if user is not None else (None, system_label())


@contextlib.contextmanager
def serving(request):
    token = _request.set(request)
    try:
        yield
    finally:
        _request.reset(token)


@contextlib.contextmanager
def acting_as(label: str):
    """For a command or task that wants a clearer label than "système", e.g. acting_as("système (rétention)")."""
    token = _label.set(label)
    try:
        yield
    finally:
        _label.reset(token)


def records_by(service):
    """Decorates a service taking `by=`: what it changes is recorded in the change history as done by `by`, whether
    it runs for a page, the import, a command or a task (`by=None`: whoever is acting, as above)."""

    @functools.wraps(service)
    def run(*args, by=None, **kwargs):
        token = _by.set(by if by is not None and by.is_authenticated else None)
        try:
            return service(*args, by=by, **kwargs)
        finally:
            _by.reset(token)

    return run
