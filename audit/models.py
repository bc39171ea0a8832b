"""The access log (append-only: see migrations/0002 and protection.py) and the change history.

Neither holds a name, an écrou number or a query string: the user (a foreign key, plus a snapshot of the username
and role that survives the account), what was done, and the object's type and id.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .enums import AccessAction, ChangeAction


class AccessLog(models.Model):
    """One read of nominative data: a participant or pathway page, an export, a document download.

    The database refuses UPDATE and DELETE of these rows (trigger); only the retention purge
    (audit.retention.purge_expired) deletes rows older than ACCESS_LOG_RETENTION_MONTHS.
    """

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    # SET_NULL (the trigger lets exactly that through): the row outlives the account, user_label says who it was.
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("compte"))
    user_label = models.CharField(_("utilisateur·rice"), max_length=200,
                                  help_text=_("Identifiant et rôle au moment de l'accès."))
    action = models.CharField(_("action"), max_length=32, choices=AccessAction.choices)
    object_type = models.CharField(_("type d'objet"), max_length=40, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=100, blank=True)
    route = models.CharField(_("page"), max_length=120, help_text=_("Nom de la route (jamais l'adresse complète)."))
    detail = models.CharField(_("précision"), max_length=40, blank=True,
                              help_text=_("Format d'un export (csv, xlsx) : jamais un filtre saisi."))

    class Meta:
        verbose_name = _("accès journalisé")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} — {self.user_label} ({timezone.localtime(self.at):%d/%m/%Y %H:%M})"


class ChangeRecord(models.Model):
    """One change of a participant, pathway or State convention, written in the transaction of the change.

    ``changes``: field name -> [before, after], values as the pages show them (labels of choices, names of related
    objects, dates in French); None where empty. A deletion keeps no values.
    """

    at = models.DateTimeField(_("le"), default=timezone.now, db_index=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                             related_name="+", verbose_name=_("compte"))
    user_label = models.CharField(_("auteur"), max_length=200,
                                  help_text=_("Identifiant et rôle au moment du changement, ou « système »."))
    object_type = models.CharField(_("type d'objet"), max_length=40)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=100)
    action = models.CharField(_("action"), max_length=12, choices=ChangeAction.choices)
    changes = models.JSONField(_("changements"), default=dict, blank=True)

    class Meta:
        verbose_name = _("modification enregistrée")
        verbose_name_plural = _("historique des modifications")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id", "at"], name="changerecord_object_idx")]

    def __str__(self):
        return f"{self.get_action_display()} {self.object_type} {self.object_id} — {self.user_label}"
