"""Changes to a person's sign-in: the second factor, its recovery codes, and unlocking a locked sign-in."""

from __future__ import annotations

from axes.utils import reset as axes_reset
from django.conf import settings
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import Action
from audit.services import audit_record

from .models import User
from .recovery import recovery_code_key

RECOVERY_CODE_COUNT = 10


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    # Kept as keyed hashes (`recovery`): the codes themselves are shown once and stored nowhere.
    StaticToken.objects.bulk_create([StaticToken(device=device, token=recovery_code_key(code)) for code in codes])
    return codes


@transaction.atomic
def two_factor_enable(*, user: User, device: TOTPDevice) -> list[str]:
    """Confirm a newly scanned authenticator, replacing any other, and return fresh recovery codes.

    The caller has checked the password and the new app's code, and that replacing an existing
    authenticator happens in a session verified with it.
    """
    replaced = TOTPDevice.objects.filter(user=user, confirmed=True).exclude(pk=device.pk).delete()[0] > 0
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    codes = _new_recovery_codes(user)
    audit_record(
        action=Action.TWO_FACTOR_SETUP,
        obj=user,
        detail="replaced the authenticator" if replaced else "set up the authenticator",
    )
    return codes


@transaction.atomic
def recovery_codes_regenerate(*, user: User) -> list[str]:
    """New recovery codes; the old ones stop working."""
    codes = _new_recovery_codes(user)
    audit_record(action=Action.TWO_FACTOR_SETUP, obj=user, detail="new recovery codes")
    return codes


def recovery_code_used(*, user: User, codes_left: int) -> None:
    audit_record(action=Action.RECOVERY_CODE, obj=user, detail=f"{codes_left} recovery codes left")


@transaction.atomic
def two_factor_reset(*, user: User) -> None:
    """Remove a person's authenticator and recovery codes (a lost phone); they set up a new one at next sign-in.

    Their sessions verified with the old authenticator stop counting as verified (django-otp finds no device).
    """
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit_record(action=Action.TWO_FACTOR_RESET, obj=user, provider_id=user.provider_id, detail=user.username)


@transaction.atomic
def sign_in_unlock(*, user: User) -> int:
    """Forget the failed sign-ins of this user name at every address; returns how many records went."""
    removed = axes_reset(username=user.get_username())
    audit_record(
        action=Action.UNLOCK, obj=user, provider_id=user.provider_id, detail=f"{user.username}: {removed} removed"
    )
    return removed


def language_set(*, user: User, language: str) -> None:
    """The language of what is sent to the account holder (`User.language`); an unknown code changes nothing."""
    if language in dict(settings.LANGUAGES) and user.language != language:
        user.language = language
        user.save(update_fields=["language"])
