"""Response headers that no single view owns (issue 7 §4; tests/iae_detention/test_headers.py)."""

LOGOUT_VIEW = "accounts:logout"
# The browser forgets what this site left on the computer: its HTTP cache (signed-in pages, in case a proxy or an
# old browser kept one despite no-store), its cookies and its storage. Shared computers are common in SPIP offices.
CLEAR_SITE_DATA = '"cache", "cookies", "storage"'


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
