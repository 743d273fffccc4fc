"""Model changes and sign-ins become audit entries, in the transaction of the change itself."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver

from .models import Action
from .services import audit_record, row_values

# The records whose changes are audited, by model label.
AUDITED_MODELS = {
    "accounts.user",
    "clients.provider",
    "clients.contract",
    "clients.staff",
    "clients.family",
    "clients.client",
    "clients.legalstatusentry",
    "clients.residenceentry",
    "clients.providerhandover",
    "clients.document",
    "clients.consent",
    "plans.contact",
    "plans.plan",
    "plans.goal",
    "plans.planreview",
    "plans.goalreview",
    "plans.task",
    "plans.tasknote",
    "plans.institution",
    "plans.referral",
    "plans.assessment",
    "plans.assessmentscore",
    "reporting.reportnarrative",
    # A person's calendar address (its key's hash only): made, replaced and revoked.
    "reminders.calendarfeed",
}


def _audited(sender: type[models.Model]) -> bool:
    return sender._meta.label_lower in AUDITED_MODELS


@receiver(pre_save)
def _remember_values_before(sender, instance, raw=False, **kwargs):
    if raw or not _audited(sender) or instance.pk is None:
        return
    before = sender._base_manager.filter(pk=instance.pk).first()
    instance._audit_before = row_values(before) if before is not None else None


@receiver(post_save)
def _record_change(sender, instance, created, raw=False, **kwargs):
    if raw or not _audited(sender):
        return
    after = row_values(instance)
    before = getattr(instance, "_audit_before", None)
    if created or before is None:
        audit_record(action=Action.CREATE, obj=instance, changes={"after": after})
        return
    changed = {name for name in after if after[name] != before.get(name)}
    if changed:
        audit_record(
            action=Action.UPDATE,
            obj=instance,
            changes={
                "before": {name: before.get(name) for name in sorted(changed)},
                "after": {name: after[name] for name in sorted(changed)},
            },
        )


@receiver(post_delete)
def _record_delete(sender, instance, **kwargs):
    if _audited(sender):
        audit_record(action=Action.DELETE, obj=instance, changes={"before": row_values(instance)})


@receiver(m2m_changed)
def _record_m2m(sender, instance, action, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear") or not _audited(type(instance)):
        return
    verb = {"post_add": "added", "post_remove": "removed", "post_clear": "cleared"}[action]
    audit_record(
        action=Action.UPDATE,
        obj=instance,
        changes={verb: sorted(pk_set or [])},
        detail=sender._meta.label_lower,
    )


@receiver(user_logged_in)
def _record_sign_in(sender, request, user, **kwargs):
    audit_record(
        action=Action.SIGN_IN,
        obj=user,
        actor_id=user.pk,
        actor_username=user.get_username(),
        provider_id=getattr(user, "provider_id", None),
    )


@receiver(user_logged_out)
def _record_sign_out(sender, request, user, **kwargs):
    if user is not None:
        audit_record(
            action=Action.SIGN_OUT,
            obj=user,
            actor_id=user.pk,
            actor_username=user.get_username(),
            provider_id=getattr(user, "provider_id", None),
        )


@receiver(user_login_failed)
def _record_failed_sign_in(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username", ""))[:150]
    user = apps.get_model("accounts", "User")._default_manager.filter(username=username).first()
    audit_record(
        action=Action.SIGN_IN_FAILED,
        actor_id=user.pk if user else None,
        actor_username=username,
        provider_id=getattr(user, "provider_id", None),
    )
