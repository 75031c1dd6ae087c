"""Second factor: a TOTP authenticator app, and ten single-use recovery codes."""

import segno
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.models import User

RECOVERY_CODES = 10


def pending_device(user: User) -> TOTPDevice:
    """The authenticator being set up: unconfirmed until the user proves it with a code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    return device or TOTPDevice.objects.create(user=user, name="Authenticator", confirmed=False)


def qr_svg(device: TOTPDevice) -> str:
    return segno.make(device.config_url, error="m").svg_inline(scale=4, title="Authenticator QR")


def confirm(request, device: TOTPDevice, token: str) -> list[str] | None:
    """Confirms the authenticator when the token is right; returns fresh recovery codes."""
    if not device.verify_token(token):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save()
    otp_login(request, device)
    return new_recovery_codes(device.user)


def new_recovery_codes(user: User) -> list[str]:
    static, _ = StaticDevice.objects.get_or_create(user=user, name="Recovery codes")
    static.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=static, token=c) for c in codes)
    return codes


def remaining_codes(user: User) -> int:
    return StaticToken.objects.filter(device__user=user).count()
