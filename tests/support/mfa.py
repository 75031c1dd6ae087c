"""Signing test users in as if they had passed the second step."""

from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies import tenant_db


def device_for(user) -> TOTPDevice:
    device, _ = TOTPDevice.objects.get_or_create(
        user=user, confirmed=True, defaults={"name": "Test authenticator"}
    )
    return device


def verified_client(user, client: Client | None = None) -> Client:
    """Callable from a test body, which runs unscoped: signing in is setting up, not the
    behaviour under test."""
    client = client or Client()
    with tenant_db.system_scope():
        client.force_login(user)
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device_for(user).persistent_id
        session.save()
    return client
