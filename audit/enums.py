from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessAction(models.TextChoices):
    """What an access-log row records. Values are stored: never renamed (retire, don't reuse)."""

    PARTICIPANT_VIEW = "participant_view", _("Consultation d'un participant")
    PATHWAY_VIEW = "pathway_view", _("Consultation d'un parcours")
    EXPORT = "export", _("Export")
    DOCUMENT_DOWNLOAD = "document_download", _("Téléchargement de document")
    RIGHT_OF_ACCESS_EXPORT = "right_of_access_export", _("Export du droit d'accès")
    LIST_VIEW = "list_view", _("Consultation d'une liste nominative")
    SESSION_VIEW = "session_view", _("Consultation d'une session de recrutement")
    IMPORT_VIEW = "import_view", _("Consultation d'un rapport d'import")
    DOCUMENT_VIEW = "document_view", _("Consultation de la fiche d'un document")
    HISTORY_VIEW = "history_view", _("Consultation de l'historique des modifications")


class ChangeAction(models.TextChoices):
    CREATE = "create", _("Création")
    UPDATE = "update", _("Modification")
    DELETE = "delete", _("Suppression")
