"""One lockout for every way in: the password (django-axes' backend), the emailed sign-in link
and the second step (an authenticator or recovery code).

The counting is django-axes' own: a wrong code is reported as a failed sign-in through Django's
`user_login_failed` signal, which axes records; whether a username is locked is axes' answer for
the request (AXES_LOCKOUT_PARAMETERS: that username from that address). Axes does not clear the
failures on a right password (AXES_RESET_ON_SUCCESS is off): `completed` does, once the sign-in is
whole, so wrong codes after a right password still add up to a lockout."""

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_credentials, get_lockout_response
from django.contrib.auth import logout
from django.contrib.auth.signals import user_login_failed
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse

from agencies.models import Agency, Membership, User

from .audit import audited

# The sender of the failures this module reports: the audit receiver (security/signals.py)
# leaves them to security/mfa.py's verify, which records what was tried.
SECOND_STEP = "security.second_step"


def is_locked(request: HttpRequest, *, username: str) -> bool:
    """Axes' answer, the same one its backend gives a password: locked (or blocked) or not."""
    return not AxesProxyHandler.is_allowed(request, get_credentials(username))


def count_failure(request: HttpRequest, *, username: str) -> None:
    """A wrong authenticator or recovery code: one failure toward the lockout, as axes counts a
    wrong password."""
    user_login_failed.send(
        sender=SECOND_STEP, credentials=get_credentials(username), request=request
    )


def completed(request: HttpRequest, *, username: str) -> None:
    """The sign-in is whole: this username's failures from this address are cleared, as axes
    clears them after a right password when AXES_RESET_ON_SUCCESS is on."""
    address = get_client_ip_address(request)
    if address:
        AxesProxyHandler.reset_attempts(username=username, ip_address=address)


def refused(request: HttpRequest, *, username: str) -> HttpResponse:
    """The locked page, with no session left: a half-finished sign-in (the password done, the
    second step not) ends here too."""
    if getattr(request, "user", None) is not None and request.user.is_authenticated:
        logout(request)
    return get_lockout_response(request, credentials=get_credentials(username))


@audited("security:unlock")
def unlock(*, agency: Agency, username: str, actor: User) -> None:
    """The agency's admin lets one of its members sign in again before the cool-off ends."""
    from axes.utils import reset

    if not Membership.objects.for_agency(agency).filter(user__username=username).exists():
        raise ValidationError("Nobody of this agency has that username.")
    reset(username=username)
