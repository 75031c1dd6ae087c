"""One lockout for every way in: password, emailed link, authenticator code, recovery code.
The clear locked page says when it lifts and who can lift it; the sign-in pages carry the
system-use notice."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp

from agencies.choices import Role
from roster.models import SignInLink
from security import mfa
from security.models import AuditEvent
from tests.factories import PersonFactory, member
from tests.support.mfa import device_for

PASSWORD = "correct-horse-battery"
ADDRESS = "10.0.0.1"
COOL_OFF_PASSED = timedelta(minutes=16)


def client() -> Client:
    return Client(REMOTE_ADDR=ADDRESS)


def sign_in(browser: Client, username: str, password: str = PASSWORD):
    return browser.post("/accounts/login/", {"username": username, "password": password})


def lock(username: str) -> None:
    for _ in range(5):
        sign_in(client(), username, "wrong-password")
    assert sign_in(client(), username).status_code == 403


def assert_locked_with_no_session(response, browser: Client) -> None:
    page = response.content.decode()
    assert response.status_code == 403
    assert "Sign-in locked" in page
    assert "15 minutes after the last failed try" in page
    assert "agency's administrator" in page and "platform administrator" in page
    assert "_auth_user_id" not in browser.session


def totp_code(user) -> str:
    return f"{totp(device_for(user).bin_key):06d}"


@pytest.fixture
def coordinator(agency):
    """A coordinator with an authenticator and ten recovery codes: a code follows the password."""
    user = member(agency, Role.COORDINATOR, username="coordinator.locked")
    device_for(user)
    user.codes = mfa.new_recovery_codes(user)
    return user


@pytest.fixture
def linked_officer(agency):
    user = member(agency, Role.OFFICER, username="officer.linked")
    PersonFactory(agency=agency, user=user, email="linked@clayton.example.org")
    return user


def email_link(browser: Client, callbacks) -> str:
    with callbacks(execute=True):
        browser.post("/accounts/sign-in-link/", {"email": "linked@clayton.example.org"})
    url = re.search(r"http://\S+/accounts/link/\S+/", mail.outbox[-1].body).group(0)
    return url.replace("http://127.0.0.1:8000", "")


@pytest.mark.django_db
def test_a_locked_username_cannot_sign_in_with_the_right_password_until_the_cool_off(agency):
    officer = member(agency, Role.OFFICER, username="officer.pw")
    lock(officer.username)
    browser = client()
    assert_locked_with_no_session(sign_in(browser, officer.username), browser)
    with time_machine.travel(timezone.now() + COOL_OFF_PASSED):
        assert sign_in(browser, officer.username).status_code == 302
        assert browser.get("/clayton/").status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_locked_username_cannot_sign_in_with_an_emailed_link_until_the_cool_off(
    linked_officer, django_capture_on_commit_callbacks
):
    lock(linked_officer.username)
    browser = client()
    path = email_link(browser, django_capture_on_commit_callbacks)
    assert_locked_with_no_session(browser.post(path), browser)
    assert SignInLink.objects.get().used_at is None  # left unused; it expires as it would
    denied = AuditEvent.objects.filter(action="login link", outcome="denied")
    assert list(denied.values_list("actor", flat=True)) == [linked_officer.pk]
    with time_machine.travel(timezone.now() + COOL_OFF_PASSED):
        path = email_link(browser, django_capture_on_commit_callbacks)
        assert browser.post(path).status_code == 302
        assert browser.get("/clayton/").status_code == 200
    assert AuditEvent.objects.filter(action="login link", outcome="done").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("way", ["recovery code", "authenticator code"])
def test_a_username_locked_after_the_password_cannot_finish_with_a_code_until_the_cool_off(
    coordinator, way
):
    browser = client()
    assert sign_in(browser, coordinator.username).status_code == 302  # not locked yet
    lock(coordinator.username)  # meanwhile, from the same address
    token = coordinator.codes[0] if way == "recovery code" else totp_code(coordinator)
    locked = browser.post("/accounts/mfa/verify/", {"token": token})
    assert_locked_with_no_session(locked, browser)
    assert mfa.remaining_codes(coordinator) == 10  # the recovery code was not used up
    with time_machine.travel(timezone.now() + COOL_OFF_PASSED):
        assert sign_in(browser, coordinator.username).status_code == 302
        token = coordinator.codes[0] if way == "recovery code" else totp_code(coordinator)
        browser.post("/accounts/mfa/verify/", {"token": token})
        assert browser.get("/clayton/roster/").status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_five_wrong_codes_lock_the_username_end_the_session_and_refuse_the_password(
    coordinator,
):
    browser = client()
    sign_in(browser, coordinator.username)
    for _ in range(4):
        wrong = browser.post("/accounts/mfa/verify/", {"token": "zzzzzzzz"})
        assert "That code is not right." in wrong.content.decode()
    fifth = browser.post("/accounts/mfa/verify/", {"token": "000000"})
    assert_locked_with_no_session(fifth, browser)
    assert sign_in(client(), coordinator.username).status_code == 403
    failed = AuditEvent.objects.filter(actor=coordinator, outcome="failed")
    assert sorted(failed.values_list("action", flat=True)) == ["mfa recovery code"] * 4 + [
        "mfa verify"
    ]


@pytest.mark.django_db
def test_the_right_password_does_not_clear_wrong_codes_when_a_code_must_follow(coordinator):
    browser = client()
    sign_in(browser, coordinator.username)
    for _ in range(3):
        browser.post("/accounts/mfa/verify/", {"token": "000000"})
    browser.logout()
    sign_in(browser, coordinator.username)  # the password again: the three still count
    browser.post("/accounts/mfa/verify/", {"token": "000000"})
    assert browser.post("/accounts/mfa/verify/", {"token": "000000"}).status_code == 403


@pytest.mark.django_db
def test_a_completed_sign_in_clears_the_failures(agency, coordinator):
    officer = member(agency, Role.OFFICER, username="officer.typo")
    for user in (officer, coordinator):
        for _ in range(4):
            sign_in(client(), user.username, "wrong-password")
        browser = client()
        assert sign_in(browser, user.username).status_code == 302
        if user is coordinator:
            browser.post("/accounts/mfa/verify/", {"token": totp_code(user)})
        for _ in range(4):
            assert sign_in(client(), user.username, "wrong-password").status_code == 200


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_admin_unlocks_a_username_locked_by_wrong_codes(login, users, coordinator):
    browser = client()
    sign_in(browser, coordinator.username)
    for _ in range(5):
        browser.post("/accounts/mfa/verify/", {"token": "000000"})
    admin = login(users[Role.ADMIN])
    assert coordinator.username in admin.get("/clayton/security/lockouts/").content.decode()
    admin.post("/clayton/security/lockouts/unlock/", {"username": coordinator.username})
    assert sign_in(browser, coordinator.username).status_code == 302
    assert AuditEvent.objects.filter(action="security:unlock", outcome="done").exists()


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["/accounts/login/", "/accounts/sign-in-link/"])
def test_the_sign_in_pages_show_the_system_use_notice(client, page):
    text = client.get(page).content.decode()
    assert "System use notice." in text
    assert "authorized users only" in text and "monitored" in text


@pytest.mark.django_db
def test_each_deployment_words_its_own_system_use_notice(client, settings):
    settings.LOGIN_NOTICE = "Clayton County systems: for official business only."
    text = client.get("/accounts/login/").content.decode()
    assert "Clayton County systems: for official business only." in text
    assert "authorized users only" not in text


def test_the_notice_is_read_from_the_environment(tmp_path):
    """In a fresh interpreter, as settings are read once per process."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    env = {**os.environ, "DEBUG": "true", "VAR_DIR": str(tmp_path), "LOGIN_NOTICE": "Ours."}
    script = "from config import settings; print(settings.LOGIN_NOTICE)"
    root = Path(__file__).resolve().parent.parent
    out = subprocess.run(
        [sys.executable, "-c", script], cwd=root, env=env, capture_output=True, text=True
    )
    assert out.stdout.strip() == "Ours.", out.stderr
