"""Change history of participants, pathways and State conventions, written by the models' signals.

pre_save reads the row as stored, post_save compares it with what was saved and writes one ChangeRecord in the
same transaction (every service that saves these models is atomic, so a rolled-back change leaves no history).
Writes that send no signal are recorded only when their caller says so: the import's insert_many/update_many
(participants/importing/writing.py) call ``record_many``; QuerySet.update() and bulk_update are not recorded.

The history is personal data: the retention calls erase_for(object_type, object_id) when it anonymises a record.
"""

import datetime
import decimal
from dataclasses import dataclass, field

from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.utils import timezone

from access import scope

from . import context
from .enums import ChangeAction
from .models import ChangeRecord


@dataclass(frozen=True)
class Tracked:
    object_type: str
    excluded: frozenset  # derived, technical or identifying-twice fields
    # field -> who may read its values in the history (else the field is left out for that viewer)
    restricted: dict = field(default_factory=dict)
    creations: bool = True  # False: only the changes of an existing row (and its deletion) are written
    m2m: tuple = ()  # many-to-many fields recorded too, changed from either side (_m2m_changed)


def _tracked_models():
    from accounts.models import User
    from participants.models import Participant, Pathway
    from partners.models import Organisation
    from programmes.models import StateConvention

    common = {"id", "version", "created_at", "updated_at"}
    return {
        Participant: Tracked("participant", frozenset(common | {"ecrou_key", "search_last_name", "search_first_names"}),
                             {"work_constraints_note": scope.sees_spip_fields}),
        # The participant never changes on a pathway (and would copy the name); the age is derived.
        Pathway: Tracked("pathway", frozenset(common | {"participant", "age_at_entry"})),
        StateConvention: Tracked("state_convention", frozenset(common)),
        # What decides who reads what (issue 14: access.permissions.SCOPE_FIELDS): an organisation's establishment,
        # SIAE and served establishments, a user's organisation and role (a user's history keeps nothing else: no
        # password, no name). Their creation is not written (the administration's own log has it).
        Organisation: Tracked("organisation", frozenset({"id"}), creations=False, m2m=("served_establishments",)),
        User: Tracked("user", frozenset(f.name for f in User._meta.concrete_fields) - USER_FIELDS, creations=False),
    }


USER_FIELDS = {"role", "organisation", "is_active", "is_staff", "is_superuser"}


TRACKED: dict = {}


def tracked(model) -> Tracked | None:
    return TRACKED.get(model)


def _fields(model):
    spec = TRACKED[model]
    return [f for f in model._meta.concrete_fields if f.name not in spec.excluded]


def _tracks(model, update_fields=None, created=False) -> bool:
    """Whether a save is written: a tracked model, not a creation its history leaves out, not a save of untracked
    fields only (a user's last login)."""
    spec = TRACKED.get(model)
    if spec is None or (created and not spec.creations):
        return False
    return update_fields is None or any(model_field.name in update_fields for model_field in _fields(model))


def display(instance, model_field):
    """A value as the pages show it, as JSON (str or None)."""
    if isinstance(model_field, models.ForeignKey):
        related = getattr(instance, model_field.name)
        return str(related) if related is not None else None
    value = model_field.value_from_object(instance)
    if value in (None, ""):
        return None
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "Oui" if value else "Non"
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    if isinstance(value, decimal.Decimal):
        return format(value, "f").replace(".", ",")
    return str(value)


def _raw(instance, model_field):
    return model_field.value_from_object(instance) if not isinstance(model_field, models.ForeignKey) \
        else getattr(instance, model_field.attname)


def _before_save(sender, instance, raw=False, **kwargs):
    if raw or not _tracks(sender, kwargs.get("update_fields")):
        return
    instance._audit_before = None
    if instance.pk is not None and not instance._state.adding:
        instance._audit_before = sender._default_manager.filter(pk=instance.pk).first()


def _changes(model, before, instance) -> dict:
    """field -> [before, after] as the pages show them; ``before`` None: a creation (every value given)."""
    changes = {}
    for model_field in _fields(model):
        if before is None:
            after = display(instance, model_field)
            if after is not None:
                changes[model_field.name] = [None, after]
        elif _raw(before, model_field) != _raw(instance, model_field):
            changes[model_field.name] = [display(before, model_field), display(instance, model_field)]
    return changes


def _after_save(sender, instance, created, raw=False, **kwargs):
    if raw or not _tracks(sender, kwargs.get("update_fields"), created):
        return
    before = None if created else getattr(instance, "_audit_before", None)
    instance._audit_before = None
    changes = _changes(sender, before, instance)
    if changes or before is None:
        _record(sender, instance, ChangeAction.CREATE if before is None else ChangeAction.UPDATE, changes)


def _after_delete(sender, instance, **kwargs):
    if sender in TRACKED:
        _record(sender, instance, ChangeAction.DELETE, {})  # the fact, not the values


def _record(model, instance, action, changes):
    user, label = context.actor()
    ChangeRecord.objects.create(user=user, user_label=label, object_type=TRACKED[model].object_type,
                                object_id=str(instance.pk), action=action, changes=changes)


def record_removal(owner, label: str, what: str) -> None:
    """A part of ``owner`` removed (an item of a pathway's timeline): one row in the owner's history, by whoever is
    acting, whose line reads ``label``: ``what`` → (nothing)."""
    _record(type(owner), owner, ChangeAction.UPDATE, {label: [what, None]})


def record_many(model, pairs, *, by=None) -> int:
    """The history of writes that send no signal (the import's bulk statements), in one INSERT: ``pairs`` are
    (object as it was read, or None for a creation; object as written). By ``by``, else whoever is acting.
    Returns the number of rows written (an update that changed nothing writes none)."""
    user, label = (by, context.user_label(by)) if by is not None else context.actor()
    records = []
    for before, instance in pairs:
        changes = _changes(model, before, instance)
        if changes or before is None:
            records.append(ChangeRecord(user=user, user_label=label, object_type=TRACKED[model].object_type,
                                        object_id=str(instance.pk), changes=changes,
                                        action=ChangeAction.CREATE if before is None else ChangeAction.UPDATE))
    ChangeRecord.objects.bulk_create(records, batch_size=500)
    return len(records)


def connect():
    TRACKED.update(_tracked_models())
    for model in TRACKED:
        pre_save.connect(_before_save, sender=model, dispatch_uid=f"audit_pre_save_{model._meta.label}")
        post_save.connect(_after_save, sender=model, dispatch_uid=f"audit_post_save_{model._meta.label}")
        post_delete.connect(_after_delete, sender=model, dispatch_uid=f"audit_post_delete_{model._meta.label}")
        for name in TRACKED[model].m2m:
            through = model._meta.get_field(name).remote_field.through
            _M2M[through] = (model, name)
            m2m_changed.connect(_m2m_changed, sender=through, dispatch_uid=f"audit_m2m_{model._meta.label}_{name}")


# --- Many-to-many fields: one UPDATE row per object whose list changed, with the list before and after ---------

_M2M: dict = {}  # through model -> (tracked model, field name)


def _m2m_display(owner, name: str) -> str | None:
    return ", ".join(sorted(str(related) for related in getattr(owner, name).all())) or None


def _m2m_changed(sender, instance, action, reverse, pk_set, **kwargs):
    """``spip.served_establishments.add(...)`` or ``establishment.spips.add(spip)``: the lists of the tracked
    objects concerned are read before and after the change."""
    model, name = _M2M[sender]
    if action in ("pre_add", "pre_remove", "pre_clear"):
        if not reverse:
            owners = [instance]
        elif pk_set is not None:
            owners = model._default_manager.filter(pk__in=pk_set)
        else:  # establishment.spips.clear()
            owners = model._default_manager.filter(**{name: instance})
        instance._audit_m2m_before = {owner.pk: (owner, _m2m_display(owner, name)) for owner in owners}
    elif action in ("post_add", "post_remove", "post_clear"):
        for owner, before in getattr(instance, "_audit_m2m_before", {}).values():
            after = _m2m_display(owner, name)
            if after != before:
                _record(model, owner, ChangeAction.UPDATE, {name: [before, after]})
        instance._audit_m2m_before = {}


# --- Reading and erasing ------------------------------------------------------------------------------------

HISTORY_LIMIT = 50


@dataclass
class Row:
    at: datetime.datetime
    author: str
    action: str
    is_update: bool
    lines: list  # (label, before, after)


def rows_for(obj, user, limit: int = HISTORY_LIMIT) -> list[Row]:
    """The newest changes of ``obj`` for ``user``, who already sees the object (it is on its page): fields the
    user may not read (the SPIP-only note for an SIAE user) are left out, and so are rows left with nothing."""
    spec = TRACKED[type(obj)]
    hidden = {name for name, may_read in spec.restricted.items() if not may_read(user)}
    labels = {f.name: str(f.verbose_name) for f in type(obj)._meta.concrete_fields}
    rows = []
    for record in ChangeRecord.objects.filter(object_type=spec.object_type, object_id=str(obj.pk))[:limit]:
        lines = [(labels.get(name, name), values[0], values[1])
                 for name, values in record.changes.items() if name not in hidden]
        if record.changes and not lines:
            continue
        rows.append(Row(record.at, record.user_label, record.get_action_display(),
                        record.action == ChangeAction.UPDATE, lines))
    return rows


def erase_for(object_type: str, object_id) -> int:
    """Delete the history of one object (anonymisation by the retention). Returns how many rows went."""
    return ChangeRecord.objects.filter(object_type=object_type, object_id=str(object_id)).delete()[0]
