"""The compensation report as each policy pays: SLMPD's two days off a year counted in days,
KCPD's off-duty consults approved or declined, the report as a PDF, and the quarterly report
opening on the quarter under way."""

import zoneinfo
from datetime import date, datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection

from agencies.choices import Role
from roster.choices import PeerStatus
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.grid import Page, members_of, role_grid
from tests.support.races import run_together
from tests.test_usage_statistics import forms
from usage_reports import periods, services
from usage_reports.models import DayOff, UsageReport

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")
NOW = datetime(2026, 11, 18, 10, 0, tzinfo=CENTRAL)


@pytest.fixture
def slmpd(db):
    return AgencyFactory(slug="slmpd", preset="slmpd")


@pytest.fixture
def ava(slmpd):
    return PeerFactory(
        agency=slmpd, status=PeerStatus.ACTIVE, person__first_name="Ava", person__last_name="Cole"
    )


@pytest.fixture
def slmpd_members(slmpd):
    return members_of(slmpd, AgencyFactory(slug="other", preset="slmpd"))


@pytest.fixture
def days_off(slmpd, ava):
    return {"day_off": DayOff.objects.create(agency=slmpd, peer=ava, taken_on=date(2026, 10, 9))}


PAGES = [
    Page("usage_reports:compensation", "compensation.view"),
    Page("usage_reports:approve", "compensation.view", method="post", ok=302),
    Page("usage_reports:day_off", "compensation.view", method="post", ok=302),
    Page("usage_reports:remove_day_off", "compensation.view", obj="day_off", method="post",
         ok=302),
]  # fmt: skip


class TestRoles(role_grid(PAGES, objects="days_off", agency="slmpd", members="slmpd_members")):
    pass


def record(client, peer, day, period="2026Q4"):
    return client.post(
        "/slmpd/reports/compensation/days-off/",
        {"peer": peer.pk, "taken_on": day, "period": period},
        follow=True,
    )


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.system_scope
def test_slmpd_counts_days_off_against_the_two_a_year_team_activities_8_gives(login, slmpd, ava):
    client = login(member(slmpd, Role.COORDINATOR))
    page = client.get("/slmpd/reports/compensation/").content.decode()
    assert "Days off in 2026: 2 for each team member" in page
    assert "Activation hours" not in page  # no table of hours, all 0
    assert "Recorded" not in page and "Ava Cole" in page

    assert (
        "Day off recorded: October 9, 2026." in record(client, ava, "2026-10-09").content.decode()
    )
    record(client, ava, "2026-03-02")
    third = record(client, ava, "2026-11-20").content.decode()
    refusal = "has taken all 2 days off of 2026 the policy allows (PSST policy Team Activities 8)"
    assert refusal in third
    assert DayOff.objects.filter(peer=ava).count() == 2
    # A new year, a new allowance.
    assert "Day off recorded" in record(client, ava, "2027-01-04").content.decode()

    rows = client.get("/slmpd/reports/compensation/", {"format": "csv"}).content.decode()
    assert "Ava Cole,1,2,0" in rows  # this quarter, this year, left


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.system_scope
def test_a_day_off_is_refused_twice_on_one_date_or_far_from_now(login, slmpd, ava):
    client = login(member(slmpd, Role.COORDINATOR))
    record(client, ava, "2026-10-09")
    assert (
        "already has October 9, 2026 as a day off"
        in record(client, ava, "2026-10-09").content.decode()
    )
    assert (
        "Record a day off in 2025, 2026 or 2027."
        in record(client, ava, "0001-01-01").content.decode()
    )
    assert "Enter the day as a date." in record(client, ava, "yesterday").content.decode()
    assert DayOff.objects.count() == 1


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
@pytest.mark.system_scope
def test_a_day_off_recorded_by_mistake_is_removed_but_not_from_another_agency(login, slmpd, ava):
    day = DayOff.objects.create(agency=slmpd, peer=ava, taken_on=date(2026, 10, 9))
    other = AgencyFactory(slug="other", preset="slmpd")
    outsider = login(member(other, Role.COORDINATOR))
    response = outsider.post(f"/other/reports/compensation/days-off/{day.pk}/remove/")
    assert response.status_code == 404
    assert outsider.post(f"/slmpd/reports/compensation/days-off/{day.pk}/remove/").status_code in (
        403,
        404,
    )
    anonymous = login(member(slmpd, Role.PEER)).__class__()
    response = anonymous.post(f"/slmpd/reports/compensation/days-off/{day.pk}/remove/")
    assert response.status_code == 302 and "/login" in response.url
    assert DayOff.objects.filter(pk=day.pk).exists()

    page = login(member(slmpd, Role.COORDINATOR)).post(
        f"/slmpd/reports/compensation/days-off/{day.pk}/remove/", follow=True
    )
    assert "Day off of October 9, 2026 removed." in page.content.decode()
    assert not DayOff.objects.exists()


@pytest.mark.django_db
def test_a_peer_cannot_record_days_off(login, slmpd, ava):
    peer_user = member(slmpd, Role.PEER)
    response = login(peer_user).post(
        "/slmpd/reports/compensation/days-off/", {"peer": ava.pk, "taken_on": "2026-10-09"}
    )
    assert response.status_code == 403
    assert not DayOff.objects.exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's")
@pytest.mark.system_scope
def test_two_coordinators_recording_the_last_day_off_at_once_record_one(slmpd, ava):
    DayOff.objects.create(agency=slmpd, peer=ava, taken_on=date(2026, 3, 2))
    coordinator = member(slmpd, Role.COORDINATOR)

    def take(day):
        return lambda: services.record_day_off(
            agency=slmpd, peer_id=ava.pk, taken_on=day, by=coordinator
        )

    with time_machine.travel(NOW, tick=True):
        results = run_together(slmpd.pk, take(date(2026, 10, 9)), take(date(2026, 10, 12)))
    kinds = sorted(kind for kind, _ in results)
    assert kinds == ["error", "ok"], results
    [error] = [value for kind, value in results if kind == "error"]
    assert isinstance(error, ValidationError) and "has taken all 2 days off" in str(error)
    assert DayOff.objects.filter(peer=ava, taken_on__year=2026).count() == 2


@pytest.mark.django_db
@pytest.mark.system_scope
def test_kcpd_lead_declines_an_off_duty_consult_and_it_no_longer_awaits(login):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    peer = PeerFactory(agency=kcpd, person__first_name="Ben", person__last_name="Ray")
    quarter = periods.current_quarter(kcpd)
    forms(kcpd, peer, 2, month=quarter.months[0], on_duty=False, minutes=60)
    client = login(member(kcpd, Role.COORDINATOR))
    first, second = UsageReport.objects.order_by("pk")
    client.post(
        "/kcpd/reports/compensation/approve/",
        {"report": [first.pk], "decision": "decline", "period": quarter.key},
    )
    first.refresh_from_db()
    assert first.compensation_declined and not first.compensation_approved
    page = client.get("/kcpd/reports/compensation/", {"period": quarter.key}).content.decode()
    assert f'value="{first.pk}"' not in page and f'value="{second.pk}"' in page
    rows = client.get(
        "/kcpd/reports/compensation/", {"period": quarter.key, "format": "csv"}
    ).content.decode()
    assert "Ben Ray,0,0,0.0,1.0,0.0" in rows  # one hour still awaiting, the declined one not
    # Changing their mind: approving the declined consult counts it.
    client.post("/kcpd/reports/compensation/approve/", {"report": [first.pk], "period": ""})
    first.refresh_from_db()
    assert first.compensation_approved and not first.compensation_declined


@pytest.mark.django_db
def test_the_compensation_report_comes_as_a_pdf(login, slmpd, ava):
    response = login(member(slmpd, Role.COORDINATOR)).get(
        "/slmpd/reports/compensation/", {"format": "pdf"}
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.django_db
@time_machine.travel(NOW, tick=False)
def test_the_quarterly_report_opens_on_the_quarter_under_way(login):
    kcpd = AgencyFactory(slug="kcpd", preset="kcpd")
    page = login(member(kcpd, Role.COMMAND)).get("/kcpd/reports/quarterly/").content.decode()
    assert "quarterly report, Q4 2026" in page
