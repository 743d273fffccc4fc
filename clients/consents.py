"""Consents (casework.md "Consent"): recorded before they are relied on, withdrawn but never deleted.

Which consents are valid on a day is a read: `clients.selectors.consent_valid`, the one home of that rule.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.capabilities import can_manage_consents

from .choices import ConsentHow, ConsentKind, DocumentKind, InstitutionKind
from .documents import DocumentRefused, document_upload
from .models import Client, Consent, Document, Staff

if TYPE_CHECKING:
    from accounts.models import User


@transaction.atomic
def consent_record(
    *,
    client: Client,
    actor: User,
    staff: Staff,
    kind: str,
    given_on: datetime.date,
    how: str,
    institution_kinds: Iterable[str] = (),
    document: Document | None = None,
    upload: UploadedFile | None = None,
) -> Consent:
    """Record what the person agreed to, on which day and how; `staff` recorded it (the actor's own staff record,
    or, for a manager without one, the staff member they name). Raises ValidationError by field.

    A signed consent's scanned form is `document` (kept already) or `upload`, kept here as a document of kind
    `consent_form` in the same transaction: a refused file (`signed_form`: why) keeps neither.
    """
    if not can_manage_consents(actor, client):
        raise PermissionDenied
    kinds = list(dict.fromkeys(institution_kinds))
    errors: dict[str, Any] = {}
    if kind not in ConsentKind.values:
        errors["kind"] = _("Choose what the person agreed to.")
    if how not in ConsentHow.values:
        errors["how"] = _("Choose how the consent was given.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("A consent cannot be dated in the future.")
    if kinds and kind != ConsentKind.SHARE_WITH_INSTITUTIONS:
        errors["institution_kinds"] = _("Kinds of institution are named only for sharing data with institutions.")
    elif any(code not in InstitutionKind.values for code in kinds):
        errors["institution_kinds"] = _("Choose the kinds of institution from the list.")
    if staff.provider_id != client.provider_id or not staff.is_active:
        errors["staff"] = _("Choose an active staff member of your provider.")
    if document is not None and (document.client_id != client.pk or document.kind != DocumentKind.CONSENT_FORM):
        errors["document"] = _("The signed form must be a consent form of this client.")
    if (document is not None or upload is not None) and how != ConsentHow.SIGNED:
        errors["signed_form"] = _("A scanned form is attached only to a signed consent.")
    if errors:
        raise ValidationError(errors)
    if upload is not None:
        try:
            document = document_upload(client=client, kind=DocumentKind.CONSENT_FORM, upload=upload, actor=actor)
        except DocumentRefused as refused:
            raise ValidationError({"signed_form": [refused.reason]}) from None
    consent = Consent(
        client=client,
        kind=kind,
        institution_kinds=kinds,
        given_on=given_on,
        how=how,
        staff=staff,
        document=document,
        created_by=actor,
    )
    try:
        consent.full_clean()
        consent.save()
    except BaseException:
        if upload is not None and document is not None and document.file.name:
            document.file.storage.delete(document.file.name)
        raise
    return consent


@transaction.atomic
def consent_withdraw(*, consent: Consent, actor: User, withdrawn_on: datetime.date) -> Consent:
    """The person withdrew the consent on `withdrawn_on`: it stops what it allowed from that day and is kept."""
    if not can_manage_consents(actor, consent.client):
        raise PermissionDenied
    consent = Consent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_on is not None:
        raise ValidationError({"withdrawn_on": _("This consent was already withdrawn.")})
    if withdrawn_on < consent.given_on:
        raise ValidationError({"withdrawn_on": _("A consent cannot be withdrawn before it was given.")})
    if withdrawn_on > timezone.localdate():
        raise ValidationError({"withdrawn_on": _("A withdrawal cannot be dated in the future.")})
    consent.withdrawn_on = withdrawn_on
    consent.save(update_fields=["withdrawn_on"])
    return consent
