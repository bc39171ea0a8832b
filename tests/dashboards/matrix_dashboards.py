"""Access matrix entries for the dashboards (see tests/accounts/test_scope_matrix.py), and the table of who opens
which level's dashboard, read by tests/dashboards/test_pages.py for every level and every persona.

Written from issue 6 (section 2: "each role lands on its own scope") and the issue on roles, not from
access.scope or dashboards.scopes: a dashboard shows figures, never names, so every role that sees a programme or
an establishment opens its dashboard; a territory's dashboard (interregion, region, department) is opened only by
the staff of that territory and by national roles; the national one only by national roles. Outside: 404.

The global matrix builds its URLs as reverse(name, args=[*ARGS_BEFORE_ID, obj.pk]): the level comes before the
key, and a programme's key is its code.
"""

from types import SimpleNamespace

OBJECT_URLS = {
    "dashboards:scope": ("programme_dashboard", "detail"),
    "dashboards:scope_json": ("establishment_dashboard", "detail"),
}
ARGS_BEFORE_ID = {"dashboards:scope": ["programme"], "dashboards:scope_json": ["establishment"]}
MAY_EDIT = {}  # dashboards are read only

ALL_ROLES = {"ADMIN", "NATIONAL", "CPIP", "SPIP_MANAGER", "SIAE_DIRECTOR", "SIAE_STAFF", "ESTABLISHMENT_STAFF",
             "DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"}
NATIONAL_ROLES = {"ADMIN", "NATIONAL"}
# Who opens scope A's dashboard of each level (scope B's personas never do: 404).
LEVEL_READERS = {
    "national": NATIONAL_ROLES,
    "disp": NATIONAL_ROLES | {"DISP_STAFF"},
    "region": NATIONAL_ROLES | {"DISP_STAFF", "DREETS_STAFF"},  # the regions of the interregion, or one's region
    "department": NATIONAL_ROLES | {"DISP_STAFF", "DREETS_STAFF", "DDETS_STAFF"},
    "establishment": ALL_ROLES,
    "siae": ALL_ROLES,
    "programme": ALL_ROLES,
}
# Routes without an id (issue 16 §2): who opens each of them (anyone else: 404; anonymous: the login page), read by
# tests/dashboards/test_release_access.py. The annual open-data release: national staff and administrators only;
# the "version diffusable" of an export: whoever reads the dashboard (the same rows as LEVEL_READERS).
ROUTE_READERS = {
    "dashboards:release": NATIONAL_ROLES,
}
READERS = {"programme_dashboard": LEVEL_READERS["programme"],
           "establishment_dashboard": LEVEL_READERS["establishment"]}


def level_key(scope_a, level: str) -> str:
    """The key of scope A's dashboard at ``level`` (tests/accounts/personas.py: CP Alpha, 77, 11, DISP Paris)."""
    return {
        "national": "",
        "disp": "DISP_PARIS",
        "region": "11",
        "department": "77",
        "establishment": str(scope_a.establishment.pk),
        "siae": scope_a.siae.siret,
        "programme": scope_a.programme.code,
    }[level]


def scope_a_object(scope_a, kind: str):
    if kind == "programme_dashboard":
        return SimpleNamespace(pk=scope_a.programme.code, label=scope_a.programme.code)
    return SimpleNamespace(pk=scope_a.establishment.pk, label=scope_a.establishment.name)


def shown_text(obj) -> str:
    return obj.label  # the page's title, the JSON's scope label
