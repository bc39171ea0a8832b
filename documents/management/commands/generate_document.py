"""`python manage.py generate_document KIND SUBJECT_ID --out FILE`: one document, rendered here and now.

For operators: no worker, no document row, nothing recorded; the same kind module, template and renderer as
the application, so the file is the one a user would get today. KIND is a DocumentKind value (any case);
SUBJECT_ID the programme id, the convention id or the pathway UUID, as the kind requires. Missing data stops
the command with the list of what to enter, and where.
"""

import hashlib
import uuid
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from documents import renderer
from documents.enums import DocumentKind, SubjectType
from documents.registry import spec_of
from participants.models import Pathway
from programmes.models import Programme, StateConvention

SUBJECTS = {
    SubjectType.PROGRAMME: (Programme, "programme", int),
    SubjectType.CONVENTION: (StateConvention, "convention avec l'État", int),
    SubjectType.PATHWAY: (Pathway, "parcours", uuid.UUID),
}


class Command(BaseCommand):
    help = "Génère un document type en PDF, immédiatement, sans worker (pour l'exploitation)."

    def add_arguments(self, parser):
        parser.add_argument("kind", help="Type de document : " + ", ".join(DocumentKind.values))
        parser.add_argument("subject_id", help="Identifiant du programme, de la convention ou UUID du parcours")
        parser.add_argument("--out", required=True, help="Fichier PDF à écrire")

    def handle(self, *args, kind, subject_id, out, **options):
        kind = kind.strip().upper()
        if kind not in DocumentKind.values:
            raise CommandError(f"Type de document inconnu : « {kind} ». Types possibles : "
                               + ", ".join(DocumentKind.values) + ".")
        try:
            spec = spec_of(kind)
        except KeyError:
            raise CommandError(f"Le document « {DocumentKind(kind).label} » n'a pas encore de modèle.") from None
        model, noun, parse = SUBJECTS[spec.subject_type]
        try:
            subject = model.objects.get(pk=parse(subject_id))
        except (ValueError, model.DoesNotExist):
            raise CommandError(f"Aucun {noun} n'a l'identifiant « {subject_id} ».") from None
        missing = spec.missing(subject)
        if missing:
            lines = "\n".join(f"  - {item.label} (à saisir : {item.url})" for item in missing)
            raise CommandError(f"Des informations manquent pour établir « {DocumentKind(kind).label} » :\n{lines}")
        pdf = renderer.render_document(kind, spec.build(subject, timezone.localdate()))
        path = Path(out)
        try:
            path.write_bytes(pdf)
        except OSError as error:
            raise CommandError(f"Impossible d'écrire {path} : {error.strerror or error}.") from error
        self.stdout.write(f"{hashlib.sha256(pdf).hexdigest()}  {path}")
