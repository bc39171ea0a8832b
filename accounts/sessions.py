"""Session limits (issue 7 section 1): 30 minutes idle (SESSION_COOKIE_AGE) and ``SESSION_MAX_HOURS`` at most since
the login, whatever the activity. Django gives a new session id at login and ends the other sessions of an account
when its password changes (the session keeps a hash of the password).

The idle limit is renewed by activity, but the session is written at most once every SESSION_RENEW_SECONDS (60 s)
when nothing else changed it (issue 19: writing it on every request, SESSION_SAVE_EVERY_REQUEST, cost three queries
per page): a session ends between 29 and 30 minutes after its last request, never later.
"""

import time

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.signals import user_logged_in
from django.contrib.auth.views import redirect_to_login
from django.dispatch import receiver
from django.utils.cache import patch_cache_control

LOGIN_AT = "login_at"
RENEWED_AT = "renewed_at"  # when the idle limit was last pushed back (the session written)


@receiver(user_logged_in)
def remember_login_time(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT] = request.session[RENEWED_AT] = int(time.time())


def renew_when_due(session) -> None:
    """Pushes the idle limit back (the session saved, its cookie sent again) when it was last renewed
    SESSION_RENEW_SECONDS ago or more; a session that is empty, or already changed by the request, needs nothing."""
    if session.is_empty():
        return
    now = int(time.time())
    if now - session.get(RENEWED_AT, 0) >= settings.SESSION_RENEW_SECONDS:
        session[RENEWED_AT] = now


class SessionLimitMiddleware:
    """Signs out a session older than SESSION_MAX_HOURS (after AuthenticationMiddleware), and renews the idle limit
    of the others when due (renew_when_due)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            started = request.session.get(LOGIN_AT)
            if started is None:  # a session opened before this rule: its limit starts now
                request.session[LOGIN_AT] = int(time.time())
            elif time.time() - started > settings.SESSION_MAX_HOURS * 3600:
                logout(request)
                messages.info(request, "Votre session a dépassé sa durée maximale : reconnectez-vous.")
                return redirect_to_login(request.get_full_path())
        renew_when_due(request.session)
        return self.get_response(request)


class NoStoreMiddleware:
    """Pages and files served to a signed-in user are never kept by a browser or a proxy cache (issue 7 section 4):
    a shared computer in a SPIP office must not show a participant's page from its cache."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            patch_cache_control(response, no_store=True, private=True)
        return response
