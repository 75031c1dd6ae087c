"""Password-free sign-in for everyone in a directory: a one-time link to the person's email,
valid for ten minutes, usable once. Only a hash of the token is stored."""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from agencies import tenant_db
from agencies.models import User
from roster.models import Person, SignInLink

LIFETIME = timedelta(minutes=10)
MAX_PER_HOUR = 5


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def request_link(*, email: str) -> bool:
    """Send a link when the address belongs to someone employed in a directory. The caller
    answers the same either way, so nobody can probe who is in a directory."""
    from .people import ensure_account

    # The one question asked of every agency's directory: whose address is this.
    with tenant_db.system_scope():
        person = (
            Person.objects.filter(email__iexact=email.strip(), employed=True)
            .select_related("agency", "user")
            .order_by("pk")
            .first()
        )
    if person is None:
        return False
    with tenant_db.agency_scope(person.agency_id):
        user = ensure_account(person=person)
    if not user.is_active:
        return False
    recent = SignInLink.objects.filter(
        user=user, created_at__gte=timezone.now() - timedelta(hours=1)
    ).count()
    if recent >= MAX_PER_HOUR:
        return False
    token = secrets.token_urlsafe(32)
    SignInLink.objects.create(
        user=user, token_hash=_hash(token), expires_at=timezone.now() + LIFETIME
    )
    url = settings.SITE_URL + reverse("signin_link", args=[token])
    transaction.on_commit(
        lambda: send_mail(
            subject="Your sign-in link",
            message=(
                "Open this link within 10 minutes to sign in. It works once.\n\n"
                f"{url}\n\nIf you did not ask for it, ignore this email."
            ),
            from_email=None,
            recipient_list=[user.email],
        )
    )
    return True


def link_owner(*, token: str) -> User | None:
    """Whose the link is while it can still be used, using nothing up: the caller checks the
    owner may sign in (not locked out) before consuming it."""
    link = (
        SignInLink.objects.filter(
            token_hash=_hash(token), used_at__isnull=True, expires_at__gt=timezone.now()
        )
        .select_related("user")
        .first()
    )
    return link.user if link is not None and link.user.is_active else None


def consume_link(*, token: str) -> User | None:
    """The link's user, once: a second use, an expired or unknown link gives None."""
    now = timezone.now()
    claimed = SignInLink.objects.filter(
        token_hash=_hash(token), used_at__isnull=True, expires_at__gt=now
    ).update(used_at=now)
    if claimed != 1:
        return None
    link = SignInLink.objects.select_related("user").get(token_hash=_hash(token))
    return link.user if link.user.is_active else None


def link_state(*, token: str) -> str:
    link = SignInLink.objects.filter(token_hash=_hash(token)).first()
    if link is None:
        return "unknown"
    if link.used_at:
        return "used"
    if link.expires_at <= timezone.now():
        return "expired"
    return "valid"
