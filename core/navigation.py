"""The main menu, grouped by what each role does (issue 18, §5): at most six entries at the top level for any role,
the administration in the header's tools for staff. ``menu_for`` is pure apart from ``reverse``: the context
processor (accounts.context_processors) gives it the role's flags, so the menu costs no query."""

from dataclasses import dataclass, field

from django.urls import reverse

MAX_TOP_LEVEL = 6


@dataclass(frozen=True)
class Entry:
    label: str
    url: str = ""
    children: tuple["Entry", ...] = field(default=())
    current: bool = False

    @property
    def slug(self) -> str:
        return "menu-" + "".join(c if c.isalnum() else "-" for c in self.label.lower())


def _link(label: str, name: str) -> Entry:
    return Entry(label, reverse(name))


def _structure(*, reads_names: bool, imports: bool, dashboards: bool, accounts: bool = False) -> list[Entry]:
    entries = [_link("Accueil", "accounts:home")]
    if reads_names:
        entries.append(Entry("Parcours", children=(
            _link("Participants", "participants:participant_list"),
            _link("Sessions de recrutement", "participants:session_list"),
            _link("Heures du mois", "participants:hours_index"),
            *([_link("Importer des parcours", "participants:import_upload")] if imports else []),
        )))
    if dashboards:
        entries.append(_link("Tableaux de bord", "dashboards:landing"))
    entries += [
        Entry("Programmes", children=(
            _link("Programmes", "programmes:programme_list"),
            _link("Conventions", "programmes:convention_list"),
            _link("Établissements", "programmes:establishment_list"),
            _link("SIAE", "programmes:siae_list"),
        )),
        Entry("Partenaires", children=(
            _link("Organisations", "partners:organisation_list"),
            _link("Comités", "partners:meeting_list"),
            _link("Événements", "partners:event_list"),
            *([_link("Comptes", "accounts:account_list")] if accounts else []),  # issue 18, §3: the managers
        )),
        _link("Documents", "documents:document_list"),
    ]
    return entries


def _current_url(entries: list[Entry], path: str) -> str | None:
    """The link whose address is the longest start of the path (/participants/sessions/ is "Sessions", not
    "Participants"); the home page only for itself."""
    urls = [child.url for entry in entries for child in (entry.children or (entry,))]
    matching = [url for url in urls if path == url or (url != "/" and path.startswith(url))]
    return max(matching, key=len, default=None)


def menu_for(*, path: str, reads_names: bool, imports: bool, dashboards: bool, accounts: bool = False) -> list[Entry]:
    entries = _structure(reads_names=reads_names, imports=imports, dashboards=dashboards, accounts=accounts)
    current = _current_url(entries, path)
    marked = []
    for entry in entries:
        if entry.children:
            children = tuple(Entry(c.label, c.url, current=c.url == current) for c in entry.children)
            marked.append(Entry(entry.label, children=children, current=any(c.current for c in children)))
        else:
            marked.append(Entry(entry.label, entry.url, current=entry.url == current))
    return marked
