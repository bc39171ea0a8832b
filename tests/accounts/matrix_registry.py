"""Access matrix entries for the registry pages (see tests/accounts/test_scope_matrix.py)."""

OBJECT_URLS = {
    "programmes:establishment_detail": ("establishment", "detail"),
    "programmes:establishment_update": ("establishment", "update"),
    "programmes:siae_detail": ("siae", "detail"),
    "programmes:siae_update": ("siae", "update"),
    "programmes:siae_logo": ("siae", "update"),
    "programmes:programme_detail": ("programme", "detail"),
    "programmes:programme_update": ("programme", "update"),
    "partners:organisation_detail": ("organisation", "detail"),
    "partners:organisation_update": ("organisation", "update"),
}

# Inside their scope, everyone reads; only these roles open the edit pages.
MAY_EDIT = {
    "establishment": {"ADMIN", "DISP_STAFF"},
    "siae": {"ADMIN", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"},
    "programme": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF", "SIAE_DIRECTOR"},
    "organisation": {"ADMIN", "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"},
}

# Relations that decide who reads names (issue 14): field of the organisation form -> the organisation of scope A
# it is posted for. Only these roles change them; anyone else's post leaves them as they were.
SCOPE_RELATIONS = {"served_establishments": "spip", "siae": "siae", "establishment": "establishment"}
MAY_CHANGE_SCOPE = {"ADMIN"}


def scope_a_object(scope_a, kind: str):
    if kind == "organisation":
        return scope_a.organisations["spip"]
    return getattr(scope_a, kind)


def shown_text(obj) -> str:
    return getattr(obj, "code", None) or obj.name
