"""The SIAE's logo, printed on the documents it issues (fiche-projet, dossier unique, contrat d'emploi pénitentiaire).

A logo is checked by its content, never by its name: a PNG or a JPEG that Pillow opens as such (within
``MAX_PIXELS``), or an SVG with nothing active in it: no script, no foreign object, no event attribute, no
reference outside the file (``href``, ``url(…)``, ``@import``), no DTD or entity, and no transparency (a PNG's is
flattened on white), which would put a transparency group or a soft mask in the archival PDF. At most ``MAX_BYTES``.
A file that fails any check is refused with a French message and nothing is stored. The model's field runs the same
check (``validate_logo``), so the admin and the form refuse the same files.

The logo is stored through the default storage (private) and reaches a document only as a data: URL frozen in its
snapshot (``logo_data_url``): it is never served at a URL of its own.
"""

import base64
import io
import re
import xml.etree.ElementTree as ET  # noqa: S405 - DTDs and entities are refused before parsing (see _svg_errors)

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAX_BYTES = 500 * 1024
MAX_PIXELS = 4000 * 4000
PNG_MAGIC, JPEG_MAGIC = b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff"
MIME = {"png": "image/png", "jpg": "image/jpeg", "svg": "image/svg+xml"}

TOO_BIG = _("Le logo dépasse 500 Ko : réduisez sa taille avant de l'envoyer.")
NOT_AN_IMAGE = _("Ce fichier n'est pas une image PNG, JPEG ou SVG (son contenu a été vérifié, pas son nom).")
UNSAFE_SVG = _("Ce logo SVG contient %(what)s : seuls les dessins opaques sans script, sans objet étranger et sans "
               "référence extérieure sont acceptés (ou envoyez-le en PNG).")

_FORBIDDEN_TAGS = {"script", "foreignobject", "iframe", "object", "embed", "audio", "video", "handler", "listener"}
# Transparency would put a transparency group in the archival PDF (tests/documents/test_pdfa.py): a PNG is flattened
# on white, an SVG that asks for it is refused.
_TRANSPARENCY_TAGS = {"mask", "filter"}
_TRANSPARENCY_ATTRIBUTES = {"opacity", "fill-opacity", "stroke-opacity", "mask", "filter"}
_EXTERNAL_URL = re.compile(r"url\(\s*['\"]?\s*(?!#)", re.IGNORECASE)


def _local(name: str) -> str:
    """"{http://www.w3.org/2000/svg}foreignObject" -> "foreignobject"."""
    return name.rsplit("}", 1)[-1].lower()


def _svg_errors(content: bytes) -> str | None:
    """What makes an SVG unsafe, in French ("un script"), or None when it is a plain drawing."""
    head = content[:4096].lower()
    if b"<!doctype" in head or b"<!entity" in content.lower():
        return "une déclaration de type de document (DTD) ou des entités"
    try:
        root = ET.fromstring(content)  # noqa: S314 - no DTD, hence no entity to expand (checked above)
    except ET.ParseError:
        return "une erreur de syntaxe XML"
    if _local(root.tag) != "svg":
        return "autre chose qu'un dessin SVG"
    for element in root.iter():
        tag = _local(element.tag)
        if tag in _FORBIDDEN_TAGS:
            return "un script ou un objet étranger" if tag != "script" else "un script"
        if tag in _TRANSPARENCY_TAGS:
            return "de la transparence (masque ou filtre)"
        if tag == "style" and (_EXTERNAL_URL.search(element.text or "") or "@import" in (element.text or "")):
            return "une feuille de style qui appelle une ressource extérieure"
        for name, value in element.attrib.items():
            attribute = _local(name)
            if attribute.startswith("on"):
                return "un script (attribut d'événement)"
            if attribute in _TRANSPARENCY_ATTRIBUTES or (attribute == "style" and "opacity" in value):
                return "de la transparence (masque ou filtre)" if attribute in ("mask", "filter") else (
                    "de la transparence (opacité)")
            if attribute == "href" and not value.strip().startswith("#"):
                return "une référence extérieure"
            if _EXTERNAL_URL.search(value):
                return "une référence extérieure"
    return None


def check_logo(content: bytes) -> str:
    """The logo's kind ("png", "jpg", "svg") when ``content`` is an acceptable logo; ValidationError otherwise."""
    if len(content) > MAX_BYTES:
        raise ValidationError(TOO_BIG, code="logo_too_big")
    if content.startswith(PNG_MAGIC) or content.startswith(JPEG_MAGIC):
        from PIL import Image  # WeasyPrint's own dependency

        expected = "PNG" if content.startswith(PNG_MAGIC) else "JPEG"
        try:
            with Image.open(io.BytesIO(content)) as image:
                if image.format != expected or image.width * image.height > MAX_PIXELS:
                    raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image")
                image.verify()
        except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as error:
            raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image") from error
        return "png" if expected == "PNG" else "jpg"
    stripped = content.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"<"):
        problem = _svg_errors(content)
        if problem == "une erreur de syntaxe XML" or problem == "autre chose qu'un dessin SVG":
            raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image")
        if problem:
            raise ValidationError(UNSAFE_SVG, code="logo_unsafe_svg", params={"what": problem})
        return "svg"
    raise ValidationError(NOT_AN_IMAGE, code="logo_not_an_image")


def validate_logo(file) -> None:
    """The model field's validator: the same check on the uploaded file's content."""
    file.seek(0)
    content = file.read(MAX_BYTES + 1)
    file.seek(0)
    check_logo(content)


def logo_data_url(siae) -> str:
    """The stored logo as a data: URL for a document's snapshot ("" without a logo or when its file is gone); checked
    again, so that a file placed in the storage by other means never reaches a document unchecked."""
    if not siae.logo:
        return ""
    try:
        with siae.logo.open("rb") as file:
            content = file.read(MAX_BYTES + 1)
        kind = check_logo(content)
        if kind != "svg":
            content, kind = _flattened(content), "png"
    except (OSError, ValidationError):
        return ""
    return f"data:{MIME[kind]};base64,{base64.b64encode(content).decode('ascii')}"


def _flattened(content: bytes) -> bytes:
    """A PNG or JPEG as an opaque RGB PNG (transparent pixels on white): no soft mask in the archival PDF."""
    from PIL import Image

    with Image.open(io.BytesIO(content)) as image:
        rgba = image.convert("RGBA")
    opaque = Image.new("RGB", rgba.size, (255, 255, 255))
    opaque.paste(rgba, mask=rgba.getchannel("A"))
    buffer = io.BytesIO()
    opaque.save(buffer, format="PNG")
    return buffer.getvalue()
