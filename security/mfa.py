"""Second factor: a TOTP authenticator app, and ten single-use recovery codes."""

import segno
from django_otp import login as otp_login
from django_otp import match_token
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import tenant_db
from agencies.models import Membership, User
from agencies.permissions import SECOND_FACTOR_ROLES

RECOVERY_CODES = 10
# What entering a code at sign-in came to.
SIGNED_IN, WRONG, LOCKED = "signed in", "wrong", "locked"


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


def second_step_required(user: User) -> bool:
    """A privileged role in any agency, or the platform admin: a code must follow the password
    (security/middleware.py asks for it). Read in the user's own scope, which shows their
    memberships even while they are signing in."""
    if user.is_staff:
        return True
    with tenant_db.user_scope(user.pk):
        return Membership.objects.filter(user=user, role__in=SECOND_FACTOR_ROLES).exists()


def used_recovery_code(device) -> bool:
    return isinstance(device, StaticDevice)


def looks_like_recovery_code(token: str) -> bool:
    """An authenticator shows six digits; a recovery code is letters and digits."""
    return not (token.isdigit() and len(token) == 6)


def verify(request, *, token: str) -> str:
    """The second step at sign-in, with an authenticator or a recovery code. Refused while the
    username is locked out, whatever the code; a wrong code counts toward the lockout, and may
    be the one that locks it. Each try is in the audit log."""
    from . import audit, lockout
    from .models import Outcome

    username = request.user.get_username()
    if lockout.is_locked(request, username=username):
        audit.record(request=request, action="mfa verify", outcome=Outcome.DENIED)
        return LOCKED
    device = match_token(request.user, token)
    if device is None:
        audit.record(
            request=request,
            action="mfa recovery code" if looks_like_recovery_code(token) else "mfa verify",
            outcome=Outcome.FAILED,
        )
        lockout.count_failure(request, username=username)
        return LOCKED if lockout.is_locked(request, username=username) else WRONG
    otp_login(request, device)
    lockout.completed(request, username=username)
    audit.record(
        request=request,
        action="mfa recovery code" if used_recovery_code(device) else "mfa verify",
    )
    return SIGNED_IN
