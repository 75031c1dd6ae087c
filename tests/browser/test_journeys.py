"""The product's journeys, end to end in Chromium against a live server, on the demo data:
coordinators and admins on a desktop screen, peers and officers on a phone. Every page a journey
visits is checked with axe-core (no serious or critical violation): `arrive` on the way, `shot`
where it stops, which also photographs the page into SCREENSHOT_DIR when that is set (the
README's screenshots: `SCREENSHOT_DIR=docs/screenshots`)."""

import re
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from agencies.models import Agency, Policy
from demo.management.commands.seed_demo import DEMO_PASSWORD
from roster.choices import PeerStatus
from roster.models import OnCallShift, Peer
from tests.browser.conftest import PHONE, arrive, shot
from tests.factories import UserFactory
from usage_reports.models import UsageReport

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_platform_admin_starts_an_agency_from_a_preset_and_its_admin_changes_the_policy(
    page_for, live_server, demo
):
    UserFactory(username="admin.carthage", password=DEMO_PASSWORD, first_name="Alex")
    platform = page_for("platform", DEMO_PASSWORD)
    platform.goto(f"{live_server.url}/admin/")
    arrive(platform, "Site administration")
    platform.get_by_role("link", name="Agencies", exact=True).click()
    arrive(platform, "Select agency to change")
    platform.get_by_role("link", name="Add agency").click()
    platform.get_by_label("Name").fill("Carthage Police Department")
    platform.get_by_label("Slug").fill("carthage")
    platform.get_by_label("Preset").select_option("joplin")
    shot(platform, "admin-add-agency")
    platform.get_by_role("button", name="Save and continue editing").click()
    expect(platform.get_by_text("was added successfully")).to_be_visible()
    carthage = Agency.objects.get(slug="carthage")
    assert carthage.policy.program_name == "Peer Support Program"
    arrive(platform, "Change agency")

    # The agency's first administrator, by username.
    platform.get_by_label("Username").first.fill("admin.carthage")
    platform.get_by_label("Role").first.select_option(label="Agency administrator")
    platform.get_by_role("button", name="Save and continue editing").click()
    expect(platform.get_by_text("was changed successfully")).to_be_visible()
    shot(platform, "admin-agency-members")

    admin = page_for("admin.carthage", DEMO_PASSWORD)
    assert admin.url.endswith("/carthage/")
    arrive(admin, "Peer Support Program")
    admin.get_by_role("link", name=re.compile("^Policy settings")).click()
    arrive(admin, "Policy settings")
    limit = admin.get_by_label("Most peers per activation")
    assert limit.input_value() == ""
    limit.fill("4")
    admin.get_by_label("Check-in interval (years)").fill("4")
    admin.get_by_role("button", name="Save policy").click()
    expect(admin.get_by_text("Policy saved.")).to_be_visible()
    expect(admin.get_by_text("Source: Set by the agency (settings page").first).to_be_visible()
    shot(admin, "agency-admin-settings")
    policy = Policy.objects.get(agency=carthage)
    assert (policy.max_peers_per_activation, policy.checkin_interval_years) == (4, 4)

    admin.get_by_role("link", name="Policy", exact=True).click()
    row = admin.get_by_role("row", name=re.compile("Most peers per activation"))
    assert "Set by the agency" in row.inner_text()
    shot(admin, "agency-admin-policy")


def test_the_coordinator_imports_the_roster_takes_an_application_to_an_active_peer_and_sets_the_schedule(  # noqa: E501
    page_for, live_server, demo, tmp_path
):
    roster = tmp_path / "roster.csv"
    roster.write_text(
        "employee_number,first_name,last_name,rank,unit,member_class,hire_date,email,phone\n"
        "KCP3001,Dana,Whitfield,Sergeant,East,sworn,2012-03-05,dana.w@kcpd.example.org,"
        "(816) 555-0301\n"
        "KCP3002,Luis,Ortega,Officer,North,sworn,2019-08-19,luis.o@kcpd.example.org,"
        "(816) 555-0302\n"
    )
    page = page_for("coordinator.kcpd", DEMO_PASSWORD)
    arrive(page, "Peer Support Team (PST) Program")
    page.get_by_role("link", name="Directory", exact=True).click()
    arrive(page, "Personnel directory")
    page.get_by_role("link", name="Import").click()
    arrive(page, "Import the personnel directory")
    page.get_by_label("CSV file").set_input_files(str(roster))
    page.get_by_role("button", name="Check the file").click()
    expect(page.get_by_text("The file is clean: 2 to add")).to_be_visible()
    shot(page, "coordinator-import")
    page.get_by_role("button", name="Import 2 rows").click()
    expect(page.get_by_text("Imported: 2 added, 0 updated.")).to_be_visible()
    arrive(page, "Personnel directory")

    # Dana applies through the chain of command (Policy 830 IV.E.1).
    page.get_by_role("link", name="Team", exact=True).click()
    arrive(page, "Peer Support Team")
    page.get_by_role("link", name="Applications").click()
    arrive(page, "Applications to the Peer Support Team")
    page.get_by_role("link", name="Record an application").click()
    arrive(page, "Record an application")
    page.get_by_label("Applicant's employee number").fill("KCP3001")
    page.get_by_label("Recommended through the chain of command by").fill("Capt. Ellis")
    page.get_by_role("button", name="Record application").click()
    expect(page.get_by_text("Application of Dana Whitfield recorded.")).to_be_visible()
    expect(
        page.get_by_text("Approval is blocked: The policy requires a passed oral")
    ).to_be_visible()
    arrive(page, "Application of Dana Whitfield")
    page.get_by_label("Held on").fill(str(timezone.localdate()))
    page.get_by_label("Passed").select_option(label="Passed")
    page.get_by_role("button", name="Record interview").click()
    expect(page.get_by_text("Interview recorded.")).to_be_visible()
    page.get_by_role("combobox", name="Decision").select_option(label="Approve")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Decision recorded.")).to_be_visible()
    shot(page, "coordinator-application")

    # In training: the agreement and a training, then active.
    page.get_by_role("link", name="Open Dana Whitfield's team page").click()
    expect(page.get_by_text("Before this peer can be active")).to_be_visible()
    arrive(page, "Dana Whitfield")
    page.get_by_label("Signed on").fill(str(timezone.localdate()))
    page.get_by_label("Kept by").fill("PST Manager")
    page.get_by_role("button", name="Record signed agreement").click()
    page.get_by_label("Date").fill(str(timezone.localdate()))
    page.get_by_label("Topic").fill("Basic peer support course")
    page.get_by_label("Hours").fill("24")
    page.get_by_role("button", name="Add training").click()
    page.get_by_label("New status").select_option(label="Active")
    page.get_by_role("button", name="Change status").click()
    expect(page.get_by_text("Completed training; now active")).to_be_visible()
    shot(page, "coordinator-peer-active")
    dana = Peer.objects.get(person__employee_number="KCP3001")
    assert dana.status == PeerStatus.ACTIVE

    # Dana covers the night the demo schedule leaves uncovered, four days out.
    page.get_by_role("link", name="Team", exact=True).click()
    arrive(page, "Peer Support Team")
    page.get_by_role("link", name="On-call schedule").click()
    arrive(page, "On-call schedule")
    night = timezone.localdate() + timedelta(days=4)
    gap = page.get_by_role("list", name="Gaps").get_by_text(f"{night:%a %b} {night.day} 19:00")
    expect(gap).to_be_visible()
    page.get_by_label("Peer").select_option(label="Dana Whitfield")
    page.get_by_label("Start day").fill(str(night))
    page.get_by_label("Start time").fill("19:00")
    page.get_by_label("End time").fill("07:00")
    page.get_by_role("button", name="Add shift").click()
    expect(page.get_by_text("1 shift added for Dana Whitfield.")).to_be_visible()
    expect(gap).to_have_count(0)
    shot(page, "coordinator-schedule")
    assert OnCallShift.objects.filter(peer=dana).count() == 1


def test_an_officer_on_a_phone_finds_the_on_call_peer(page_for, live_server, demo):
    now = timezone.now()
    shift = OnCallShift.objects.get(agency__slug="kcpd", starts_at__lte=now, ends_at__gt=now)
    person = shift.peer.person
    page = page_for("officer.kcpd", DEMO_PASSWORD, phone=True)
    shot(page, "officer-home-phone")
    page.get_by_role("link", name=re.compile("^Who is on call now")).click()
    on_call = page.get_by_role("list", name="On call now")
    expect(on_call.get_by_role("heading", name=person.full_name)).to_be_visible()
    call = on_call.get_by_role("link", name=f"Call {person.full_name} {person.phone}")
    digits = re.sub(r"\D", "", person.phone)
    expect(call).to_have_attribute("href", f"tel:{digits}")
    text = on_call.get_by_role("link", name=f"Text {person.full_name}")
    expect(text).to_have_attribute("href", f"sms:{digits}")
    expect(page.get_by_role("list", name="Other peers").get_by_role("listitem")).not_to_have_count(
        0
    )
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "officer-on-call-phone")


def test_the_coordinator_activates_a_peer_accepts_from_the_email_and_the_status_shows_it(
    page_for, fresh_page, live_server, demo
):
    page = page_for("coordinator.kcpd", DEMO_PASSWORD)
    arrive(page, "Peer Support Team (PST) Program")
    page.get_by_role("link", name="Activations", exact=True).click()
    arrive(page, "Activations")
    page.get_by_label("Incident type").select_option(
        label="Pursuit ending in death or serious bodily injury"
    )
    page.get_by_label("General area").select_option(label="Within Kansas City")
    page.get_by_label("General location").fill("I-435 near Front Street")
    page.get_by_label("Members affected").fill("2")
    page.get_by_label("Briefing").fill("Two officers at the scene.")
    page.get_by_role("button", name="Activate and call peers").click()
    expect(page.get_by_text("The team is activated")).to_be_visible()
    heading = page.get_by_role("heading", name=re.compile(r"0 of \d+ peers? accepted"))
    expect(heading).to_be_visible()
    needed = re.search(r"0 of (\d+)", heading.inner_text()).group(1)
    shot(page, "coordinator-activation-called")

    email = next(m for m in mail.outbox if "/callouts/" in m.body)
    assert "Two officers at the scene." not in email.body  # on the page only
    link = re.search(r"http://\S+/callouts/\S+/", email.body).group(0)
    peer = fresh_page(phone=True)
    peer.goto(link)
    expect(peer.get_by_text("Two officers at the scene.")).to_be_visible()
    shot(peer, "peer-callout-phone")
    peer.get_by_role("button", name="Accept").click()
    expect(peer.get_by_text("you are on this assignment")).to_be_visible()
    shot(peer, "peer-callout-accepted-phone")

    # The coordinator's page refreshes itself (htmx) without a reload.
    accepted = page.get_by_role("heading", name=re.compile(f"1 of {needed} peers? accepted"))
    expect(accepted).to_be_visible(timeout=15000)
    expect(page.get_by_text(re.compile(r"Accepted \d\d:\d\d"))).to_be_visible()
    shot(page, "coordinator-activation-status")


def test_a_peer_files_a_usage_form_on_a_phone(page_for, live_server, demo):
    before = UsageReport.objects.filter(agency__slug="kcpd").count()
    page = page_for("peer.kcpd", DEMO_PASSWORD, phone=True)
    started = time.monotonic()
    arrive(page, "Peer Support Team (PST) Program")
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("link", name="Usage forms").click()
    arrive(page, "My usage forms")
    page.get_by_role("link", name="File a usage form").click()
    shot(page, "peer-usage-form-phone")
    page.get_by_label("Duration (minutes)").fill("40")
    page.get_by_label("Incident type").select_option(index=1)
    page.get_by_label("Intervention").select_option(index=1)
    page.get_by_label("Phone").check()
    page.get_by_label("Off duty").check()
    page.get_by_label("Remind me to follow up").select_option(label="In 3 days")
    page.get_by_role("button", name="File the form").click()
    expect(page.get_by_text("Usage form filed. You will be reminded in 3 days.")).to_be_visible()
    assert time.monotonic() - started < 60
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "peer-usage-filed-phone")
    report = UsageReport.objects.filter(agency__slug="kcpd").latest("id")
    assert (report.duration_minutes, report.contact_mode, report.on_duty) == (40, "phone", False)

    # A mistake is caught with a message, and nothing more is stored.
    page.get_by_role("link", name="File a usage form").click()
    page.get_by_label("Duration (minutes)").fill("0")
    page.get_by_role("button", name="File the form").click()
    expect(page.get_by_text("A contact lasts at least a minute.")).to_be_visible()
    shot(page, "peer-usage-refused-phone")
    assert UsageReport.objects.filter(agency__slug="kcpd").count() == before + 1


def test_the_coordinator_and_the_chief_read_the_statistics(page_for, live_server, demo):
    coordinator = page_for("coordinator.kcpd", DEMO_PASSWORD)
    arrive(coordinator, "Peer Support Team (PST) Program")
    coordinator.get_by_role("link", name="Statistics", exact=True).click()
    arrive(coordinator, re.compile("^Statistics: Q"))
    expect(coordinator.get_by_role("heading", name="By incident type")).to_be_visible()
    expect(coordinator.get_by_role("heading", name="By peer")).to_be_visible()
    coordinator.get_by_label("Period").select_option(index=1)
    coordinator.get_by_role("button", name="Show").click()
    expect(coordinator.get_by_role("heading", name="By peer")).to_be_visible()
    shot(coordinator, "coordinator-statistics")

    chief = page_for("chief.kcpd", DEMO_PASSWORD)
    arrive(chief, "Peer Support Team (PST) Program")
    chief.get_by_role("link", name="Statistics", exact=True).click()
    expect(chief.get_by_role("heading", name="By incident type")).to_be_visible()
    expect(chief.get_by_role("heading", name="By peer")).to_have_count(0)
    expect(chief.get_by_text("there are no per-peer figures")).to_be_visible()
    shot(chief, "chief-statistics")
    chief.get_by_role("link", name="Quarterly report").click()
    expect(chief.get_by_role("heading", name=re.compile("quarterly report"))).to_be_visible()
    shot(chief, "chief-quarterly-report")
