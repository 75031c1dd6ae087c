"""The demo's two-step sign-in in the README's order: sign in, then ask demo_code for the code."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.choices import Role
from tests.factories import member


def code_for(username: str) -> str:
    out = StringIO()
    call_command("demo_code", username, stdout=out, stderr=StringIO())
    return out.getvalue().strip()


@pytest.fixture
def coordinator(agency):
    return member(agency, Role.COORDINATOR, username="coordinator.demo")


@pytest.mark.django_db
def test_demo_code_after_signing_in_gives_the_code_of_the_setup_page_device(settings, coordinator):
    settings.DEBUG = True
    client = Client()
    client.force_login(coordinator)
    assert client.get("/accounts/mfa/setup/").status_code == 200  # makes the pending device
    response = client.post("/accounts/mfa/setup/", {"token": code_for("coordinator.demo")})
    assert response.status_code == 200 and "recovery" in response.content.decode().lower()
    assert TOTPDevice.objects.filter(user=coordinator, confirmed=True).count() == 1
    assert not TOTPDevice.objects.filter(user=coordinator, confirmed=False).exists()


@pytest.mark.django_db
def test_demo_code_before_signing_in_gives_an_authenticator_the_sign_in_asks_for(
    settings, coordinator
):
    settings.DEBUG = True
    code = code_for("coordinator.demo")
    client = Client()
    client.force_login(coordinator)
    response = client.post("/accounts/mfa/verify/", {"token": code})
    assert response.status_code == 302, response.content.decode()[:300]
    assert TOTPDevice.objects.filter(user=coordinator).count() == 1
