"""The agency's audit page: its members' sign-ins and failed sign-ins (every way in), each
action in plain words, each time to the hundredth of a second with the zone, in bounded
queries."""

import ast
import re
from datetime import UTC, datetime

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.urls import get_resolver
from django.utils import timezone

from agencies import tenant_db
from agencies.choices import Role
from security import audit, audit_labels, mfa
from security.models import AuditEvent
from tests.factories import MembershipFactory, PersonFactory, member
from tests.support.audit import agency_url_names, audited_codes, call_name, code_base_calls
from tests.support.grid import Page, role_grid
from tests.support.mfa import device_for

PASSWORD = "correct-horse-battery"


def sign_in(username: str, password: str = PASSWORD) -> Client:
    browser = Client(REMOTE_ADDR="10.0.0.7")
    browser.post("/accounts/login/", {"username": username, "password": password})
    return browser


def rows(page: str) -> list[str]:
    """Each row of the log's table as its cells' text, one line."""
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return [" | ".join(re.sub(r"<[^>]+>", "", c).strip() for c in r.split("</td>")) for r in
            body.split("</tr>") if "<td" in r]  # fmt: skip


@pytest.fixture
def signins(agency, users, django_capture_on_commit_callbacks):
    """Clayton's officer signs in with a password and mistypes it once, a coordinator finishes
    with a recovery code, a directory member signs in by emailed link, and somebody types a
    username that is nobody's."""
    sign_in(users[Role.OFFICER].username)
    sign_in(users[Role.OFFICER].username, "wrong-password")
    coordinator = users[Role.COORDINATOR]
    device_for(coordinator)
    codes = mfa.new_recovery_codes(coordinator)
    sign_in(coordinator.username).post("/accounts/mfa/verify/", {"token": codes[0]})
    PersonFactory(agency=agency, user=users[Role.PEER], email="peer@clayton.example.org")
    browser = Client()
    with django_capture_on_commit_callbacks(execute=True):
        browser.post("/accounts/sign-in-link/", {"email": "peer@clayton.example.org"})
    link = re.search(r"/accounts/link/\S+/", mail.outbox[-1].body).group(0)
    browser.post(link)
    sign_in("nobody.at.all", "guess")
    return users


@pytest.mark.django_db
def test_the_admin_sees_their_members_sign_ins_and_failed_sign_ins_every_way(login, signins):
    page = login(signins[Role.ADMIN]).get("/clayton/audit/").content.decode()
    lines = rows(page)
    officer, coordinator, peer = (
        signins[role].username for role in (Role.OFFICER, Role.COORDINATOR, Role.PEER)
    )
    for expected in [
        f"{officer} | Sign-in with a password |  | Done",
        f"{officer} | Sign-in refused: a wrong password, or a locked account |  | Failed",
        f"{coordinator} | Sign-in with a recovery code |  | Done",
        f"{peer} | Sign-in with an emailed link |  | Done",
    ]:
        assert any(expected in line for line in lines), expected
    assert "10.0.0.7" in page
    assert "nobody.at.all" not in page


@pytest.mark.django_db
def test_another_agencys_admin_sees_none_of_them(login, signins):
    outsider = login(signins["outsider"])
    own = outsider.get("/kcpd/audit/")
    assert own.status_code == 200
    text = own.content.decode()
    for role in (Role.OFFICER, Role.COORDINATOR, Role.PEER):
        assert signins[role].username not in text
    assert "nobody.at.all" not in text
    assert outsider.get("/clayton/audit/").status_code == 404


PAGES = [
    Page("security:audit", "audit.view"),
    Page("security:lockouts", "audit.view"),
    Page("security:unlock", "audit.view", method="post", ok=302),
]


class TestRoles(role_grid(PAGES)):
    pass


@pytest.mark.django_db
@pytest.mark.system_scope
def test_a_sign_in_reaches_every_agency_of_the_member_and_an_unknown_name_none(
    agency, other_agency
):
    both = member(agency, Role.OFFICER, username="officer.both")
    MembershipFactory(agency=other_agency, user=both, role=Role.PEER)
    sign_in(both.username, "wrong-password")
    sign_in("nobody.at.all", "guess")
    failed = AuditEvent.objects.filter(action="login failed")
    mine = failed.filter(actor_name="officer.both")
    assert sorted(mine.values_list("agency__slug", flat=True)) == ["clayton", "kcpd"]
    assert list(failed.filter(actor_name="nobody.at.all").values_list("agency", flat=True)) == [
        None
    ]


@pytest.mark.django_db
def test_times_show_to_the_hundredth_of_a_second_with_the_agencys_zone(login, users):
    moment = datetime(2026, 12, 2, 15, 59, 3, 478_912, tzinfo=UTC)
    with time_machine.travel(moment, tick=False):
        sign_in(users[Role.OFFICER].username)
    page = login(users[Role.ADMIN]).get("/clayton/audit/").content.decode()
    assert "2026-12-02 09:59:03.47 CST" in page  # Chicago, cut (not rounded) to hundredths


def test_the_stamp_follows_the_zone_in_force_and_its_daylight_time():
    import zoneinfo

    summer = datetime(2026, 7, 1, 14, 0, 0, 999_999, tzinfo=UTC)
    with timezone.override(zoneinfo.ZoneInfo("America/Chicago")):
        assert audit.stamp(summer) == "2026-07-01 09:00:00.99 CDT"
    with timezone.override(zoneinfo.ZoneInfo("America/New_York")):
        assert audit.stamp(summer) == "2026-07-01 10:00:00.99 EDT"


@pytest.mark.django_db
def test_actions_read_in_plain_words(login, users):
    admin = login(users[Role.ADMIN])
    admin.post("/clayton/settings/", {"checkin_interval_years": "7"})
    admin.get("/clayton/reports/quarterly/", {"format": "pdf"})
    page = admin.get("/clayton/audit/").content.decode()
    assert "Changed the policy settings" in page
    assert "Exported the quarterly report (PDF)" in page
    assert "agencies:settings" not in page and "usage_reports:quarterly" not in page


@pytest.mark.django_db
def test_a_page_of_the_log_costs_the_same_few_queries_however_long_the_log(
    login, users, agency, django_assert_max_num_queries
):
    admin = login(users[Role.ADMIN])
    admin.get("/clayton/audit/")  # the session and device settle
    with tenant_db.agency_scope(agency.pk):
        for n in range(120):
            AuditEvent.objects.create(
                agency=agency, actor=users[Role.OFFICER], actor_name=f"officer{n}",
                action="login", outcome="done",
            )  # fmt: skip
    with django_assert_max_num_queries(8):
        response = admin.get("/clayton/audit/")
    assert response.status_code == 200
    assert len(rows(response.content.decode())) == 50


def _recorded_codes() -> set[str]:
    """Every literal action handed to the audit log in the code base: `action=` of any call
    (audit.record and friends), and the codes a service is `audited` under, outside tests,
    migrations and the virtualenv."""
    codes = audited_codes()
    for node in code_base_calls():
        if call_name(node) in {"add_argument", "members_who_may"}:
            continue  # argparse's action="store_true"; a permission, not an audit code
        for keyword in node.keywords:
            if keyword.arg == "action":
                codes |= {
                    c.value
                    for c in ast.walk(keyword.value)
                    if isinstance(c, ast.Constant) and isinstance(c.value, str)
                }
    return codes


def test_every_action_code_the_code_base_records_has_a_plain_label():
    pages = set(agency_url_names(get_resolver().url_patterns))
    literal = _recorded_codes()
    assert {"login", "login failed", "login link", "mfa recovery code"} <= literal
    assert {"roster:peer_status", "agencies:resource_new", "role granted"} <= literal
    assert "checkins:explain" in pages
    missing = sorted(c for c in pages | literal if c not in audit_labels.LABELS)
    assert missing == [], f"Add plain labels to security/audit_labels.py for: {missing}"
    assert audit_labels.label("checkins:explain") == "Explained a missed check-in"


def test_an_export_and_an_unknown_code_still_read_sensibly():
    assert audit_labels.label("usage_reports:quarterly (csv)") == (
        "Exported the quarterly report (CSV)"
    )
    assert audit_labels.label("something:old") == "something:old"
