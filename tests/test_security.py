"""Two-step sign-in, lockout, session limits, passwords, the audit log and the headers."""

import time
from datetime import timedelta

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from agencies.choices import Role
from agencies.models import Membership
from security.models import AuditEvent
from tests.factories import member

PASSWORD = "correct-horse-battery"


def sign_in(client, username, password=PASSWORD, address="10.0.0.1"):
    return client.post(
        "/accounts/login/", {"username": username, "password": password},
        REMOTE_ADDR=address,
    )  # fmt: skip


def code(device) -> str:
    return f"{totp(device.bin_key):06d}"


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.ADMIN, Role.COORDINATOR, Role.PROVIDER, Role.COMMAND])
def test_a_privileged_role_without_mfa_is_sent_to_set_it_up_first(client, agency, role):
    user = member(agency, role, username=f"{role}.new")
    sign_in(client, user.username)
    response = client.get("/clayton/")
    assert response.status_code == 302
    assert response.url == "/accounts/mfa/setup/?next=/clayton/"


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_coordinator_sets_up_mfa_gets_recovery_codes_and_reaches_the_page(client, agency):
    user = member(agency, Role.COORDINATOR, username="coordinator.new")
    sign_in(client, user.username)
    page = client.get("/accounts/mfa/setup/?next=/clayton/roster/")
    assert "<svg" in page.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    done = client.post("/accounts/mfa/setup/", {"token": code(device), "next": "/clayton/roster/"})
    codes = done.context["codes"]
    assert len(codes) == 10
    assert client.get("/clayton/roster/").status_code == 200
    # Next time: the password, then a recovery code (once).
    client.logout()
    sign_in(client, user.username)
    assert client.get("/clayton/roster/").url.startswith("/accounts/mfa/verify/")
    client.post("/accounts/mfa/verify/", {"token": codes[0], "next": "/clayton/roster/"})
    assert client.get("/clayton/roster/").status_code == 200
    client.logout()
    sign_in(client, user.username)
    again = client.post("/accounts/mfa/verify/", {"token": codes[0]})
    assert "That code is not right." in again.content.decode()
    actions = set(AuditEvent.objects.filter(actor=user).values_list("action", flat=True))
    assert {"login", "mfa setup", "mfa recovery code"} <= actions


@pytest.mark.django_db
def test_a_wrong_code_does_not_turn_mfa_on(client, agency):
    user = member(agency, Role.COORDINATOR)
    sign_in(client, user.username)
    client.get("/accounts/mfa/setup/")
    wrong = client.post("/accounts/mfa/setup/", {"token": "000000"})
    assert "That code is not right" in wrong.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
    assert client.get("/clayton/").url.startswith("/accounts/mfa/setup/")


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.PEER, Role.OFFICER])
def test_mfa_is_optional_for_peers_and_officers(client, agency, role):
    user = member(agency, role)
    sign_in(client, user.username)
    assert client.get("/clayton/").status_code == 200
    assert "is <strong>off</strong>" in client.get("/accounts/security/").content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_sixth_try_is_refused_even_with_the_right_password_until_the_admin_unlocks(
    login, agency, users
):
    officer = member(agency, Role.OFFICER, username="officer.locked")
    for _ in range(4):
        assert sign_in(Client(), officer.username, "wrong-password").status_code == 200
    assert sign_in(Client(), officer.username, "wrong-password").status_code == 403  # fifth
    locked = sign_in(Client(), officer.username)  # the sixth, with the right password
    assert locked.status_code == 403
    assert "Sign-in locked" in locked.content.decode()
    # Only that username from that address: elsewhere the officer still signs in.
    assert sign_in(Client(), officer.username, address="10.0.0.2").status_code == 302
    admin = login(users[Role.ADMIN])
    assert "officer.locked" in admin.get("/clayton/security/lockouts/").content.decode()
    admin.post("/clayton/security/lockouts/unlock/", {"username": officer.username})
    assert sign_in(Client(), officer.username).status_code == 302
    failed = AuditEvent.objects.filter(action="login failed", actor_name="officer.locked")
    assert failed.count() == 6  # five wrong passwords, and the sixth try refused while locked


@pytest.mark.django_db
def test_an_admin_cannot_unlock_someone_of_another_agency(login, users, other_agency):
    stranger = member(other_agency, Role.OFFICER, username="officer.elsewhere")
    for _ in range(5):
        sign_in(Client(), stranger.username, "wrong-password")
    response = login(users[Role.ADMIN]).post(
        "/clayton/security/lockouts/unlock/", {"username": stranger.username}, follow=True
    )
    assert "Nobody of this agency has that username." in response.content.decode()
    assert sign_in(Client(), stranger.username).status_code == 403


@pytest.mark.django_db
def test_thirty_idle_minutes_end_the_session(client, agency):
    user = member(agency, Role.OFFICER)
    sign_in(client, user.username)
    assert client.get("/clayton/").status_code == 200
    with time_machine.travel(time.time() + 31 * 60):
        response = client.get("/clayton/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.django_db
def test_twelve_hours_end_a_busy_session_too(client, agency):
    user = member(agency, Role.OFFICER)
    sign_in(client, user.username)
    start = time.time()
    for minutes in range(20, 12 * 60, 20):  # never idle, but twelve hours go by
        with time_machine.travel(start + minutes * 60):
            assert client.get("/clayton/").status_code == 200
    with time_machine.travel(start + 12 * 3600 + 60):
        assert client.get("/clayton/").status_code == 302


@pytest.mark.django_db
def test_the_session_key_changes_at_sign_in(client, agency):
    user = member(agency, Role.OFFICER)
    client.get("/accounts/login/")
    client.session.save()
    before = client.session.session_key
    sign_in(client, user.username)
    assert client.session.session_key != before


@pytest.mark.django_db
def test_deactivating_a_user_ends_their_sessions_at_once(client, agency):
    user = member(agency, Role.OFFICER)
    sign_in(client, user.username)
    assert Session.objects.count() == 1
    user.is_active = False
    user.save()
    assert Session.objects.count() == 0
    assert client.get("/clayton/").status_code == 302


@pytest.mark.django_db
@pytest.mark.system_scope
def test_removing_a_membership_ends_the_users_sessions(client, agency):
    user = member(agency, Role.OFFICER)
    sign_in(client, user.username)
    Membership.objects.filter(user=user).delete()
    assert Session.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("password", "message"),
    [("short-pw1", "at least 12 characters"), ("password1234", "too common")],
)
def test_short_and_common_passwords_are_refused(login, agency, password, message):
    user = member(agency, Role.OFFICER)
    response = login(user).post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": password, "new_password2": password},
    )
    assert message in response.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_privileged_change_is_in_the_audit_log_with_actor_agency_address_and_outcome(
    login, users, agency
):
    admin = login(users[Role.ADMIN])
    admin.post("/clayton/settings/", {"checkin_interval_years": "7"}, REMOTE_ADDR="10.1.2.3")
    event = AuditEvent.objects.filter(action="agencies:settings").latest("at")
    assert (event.actor, event.agency, event.address) == (users[Role.ADMIN], agency, "10.1.2.3")
    assert event.outcome == "refused"  # seven years is not allowed
    page = admin.get("/clayton/audit/").content.decode()
    assert "Changed the policy settings" in page and "Refused" in page


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_refusal_that_redirects_with_a_message_is_audited_as_refused(login, users, clayton):
    from tests.factories import AppointmentFactory

    upcoming = AppointmentFactory(
        agency=clayton["agency"], person=clayton["officer"], provider=clayton["provider"]
    )
    provider = login(users[Role.PROVIDER])
    provider.post(f"/clayton/checkins/provider/{upcoming.pk}/completed/")  # not its day yet
    events = AuditEvent.objects.filter(action="checkins:provider_completed")
    assert list(events.values_list("outcome", flat=True)) == ["refused"]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_exports_are_audited(login, users, agency):
    login(users[Role.COORDINATOR]).get("/clayton/reports/quarterly/", {"format": "csv"})
    assert AuditEvent.objects.filter(action="usage_reports:quarterly (csv)").exists()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_audit_log_cannot_be_changed_or_deleted(login, users):
    login(users[Role.ADMIN]).get("/clayton/reports/quarterly/", {"format": "csv"})
    event = AuditEvent.objects.first()
    with pytest.raises(PermissionError):
        event.save()
    with pytest.raises(PermissionError):
        event.delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError):
        AuditEvent.objects.update(outcome="done")


# Who may read the audit log: the role grid of tests/test_audit_page.py.


@pytest.mark.django_db
def test_pages_carry_a_strict_content_security_policy_and_headers(login, users):
    response = login(users[Role.OFFICER]).get("/clayton/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.django_db
def test_no_template_has_inline_script_or_style(settings):
    from pathlib import Path

    for path in Path(settings.BASE_DIR, "templates").rglob("*.html"):
        text = path.read_text()
        if path.name.endswith("_pdf.html"):
            continue  # rendered to PDF on the server, never served as a page
        assert "<script>" not in text and " style=" not in text and "<style" not in text, path
        assert " onclick=" not in text and " onsubmit=" not in text, path


@pytest.mark.django_db
def test_the_demo_code_command_refuses_without_debug(settings, agency):
    from django.core.management import CommandError, call_command

    settings.DEBUG = False
    member(agency, Role.COORDINATOR, username="coordinator.demo")
    with pytest.raises(CommandError):
        call_command("demo_code", "coordinator.demo")


def test_twelve_hours_is_the_cookie_age_too(settings):
    assert timedelta(seconds=settings.SESSION_COOKIE_AGE) == timedelta(hours=12)
    assert timezone.now()  # time zone support on


@pytest.mark.django_db
def test_a_nul_character_is_refused_with_a_clear_page(login, users):
    response = login(users[Role.ADMIN]).post(
        "/clayton/security/lockouts/unlock/", {"username": "a\x00b"}
    )
    assert response.status_code == 400
    assert "not allowed" in response.content.decode()
