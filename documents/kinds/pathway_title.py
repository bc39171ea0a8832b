"""The title of a document about a pathway (GeneratedDocument.title, the PDF's running header and footer, the
downloaded file's name): the document's kind, its programme and the pathway's reference, never the person's name
(lists and file names travel; the lists show the person through the pathway's link, to whom may see it)."""


def pathway_reference(pathway) -> str:
    """"3F2A9C1B": the first eight characters of the pathway's identifier, the same on every document of it."""
    return pathway.pk.hex[:8].upper()


def pathway_title(kind_label: str, pathway) -> str:
    """"Charte d'accompagnement — programme MEAUX-APRES — parcours 3F2A9C1B"."""
    return f"{kind_label} — programme {pathway.programme.code} — parcours {pathway_reference(pathway)}"
