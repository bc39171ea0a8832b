"""Response headers that no single view owns (issue 7 §4; tests/iae_detention/test_headers.py and
test_error_pages.py)."""

from dataclasses import asdict

import csp.middleware
from csp.constants import HEADER
from csp.utils import build_policy
from django.conf import settings

LOGOUT_VIEW = "accounts:logout"
# The browser forgets what this site left on the computer: its HTTP cache (signed-in pages, in case a proxy or an
# old browser kept one despite no-store), its cookies and its storage. Shared computers are common in SPIP offices.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'
# The answers django-csp leaves without a policy when DEBUG is on (csp.middleware.CSPMiddleware.process_response).
DEBUG_EXEMPTED_STATUSES = (404, 500)


class ClearSiteDataOnLogoutMiddleware:
    """Adds ``Clear-Site-Data`` to the answer of a logout (a POST that the logout view accepted)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        if (match is not None and match.view_name == LOGOUT_VIEW and request.method == "POST"
                and response.status_code < 400):
            response["Clear-Site-Data"] = CLEAR_SITE_DATA
        return response


class CSPMiddleware(csp.middleware.CSPMiddleware):
    """django-csp's middleware, without its exemption of 404 and 500 answers when DEBUG is on (Django's debug pages
    carry inline styles and scripts): every answer carries the policy in every configuration (issue 14 item 12).
    Under DEBUG, Django's debug pages are therefore shown without their styling; their text is unchanged."""

    def process_response(self, request, response):
        if settings.DEBUG and response.status_code in DEBUG_EXEMPTED_STATUSES and HEADER not in response:
            policy = build_policy(**asdict(self.get_policy_parts(request=request, response=response)))
            if policy and not getattr(response, "_csp_exempt", False):
                response[HEADER] = policy
        return super().process_response(request, response)
