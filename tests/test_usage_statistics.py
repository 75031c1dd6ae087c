"""Statistics and reports: who sees what, small counts hidden, the three reports and their
formats."""

import zoneinfo
from datetime import date, datetime
from decimal import Decimal

import pytest
from django.db import connection

from activations.models import Activation, CallOut, TimeEntry
from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.scopes import built
from usage_reports import periods
from usage_reports.models import UsageReport
from usage_reports.suppression import protect

CENTRAL = zoneinfo.ZoneInfo("America/Chicago")


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", name="Kansas City Missouri Police Department", preset="kcpd")


@pytest.fixture
def quarter(kcpd):
    return periods.previous_quarter(kcpd)


@pytest.fixture
def team(kcpd):
    return {
        name: PeerFactory(agency=kcpd, person__first_name=name, person__last_name="Smith")
        for name in ["Ava", "Ben"]
    }


@built
def forms(agency, peer, count, *, month, incident=0, on_duty=True, minutes=60, approved=False):
    types = list(IncidentType.objects.for_agency(agency))
    interventions = list(InterventionType.objects.for_agency(agency))
    UsageReport.objects.bulk_create(
        UsageReport(
            agency=agency, peer=peer, served_at=datetime.combine(month, datetime.min.time(),
                                                                 CENTRAL).replace(day=3 + i),
            duration_minutes=minutes, incident_type=types[incident],
            intervention_type=interventions[0], contact_mode="phone", on_duty=on_duty,
            compensation_approved=approved,
        )
        for i in range(count)
    )  # fmt: skip


@built
def time_entry(agency, peer, at, hours):
    activation = Activation.objects.create(
        agency=agency, status="closed", incident_type=IncidentType.objects.for_agency(agency)[0],
        occurred_at=at, opened_at=at, location="Downtown", members_affected=1, peers_needed=1,
    )  # fmt: skip
    call = CallOut.objects.create(agency=agency, activation=activation, peer=peer, state="accepted")
    TimeEntry.objects.create(
        agency=agency, peer=peer, callout=call, kind="overtime", started_at=at, hours=hours
    )


@pytest.fixture
def data(kcpd, team, quarter):
    first, second, _ = quarter.months
    forms(kcpd, team["Ava"], 5, month=first, incident=0)
    forms(kcpd, team["Ava"], 4, month=second, incident=0)
    forms(kcpd, team["Ben"], 1, month=second, incident=1, on_duty=False, minutes=90)
    forms(kcpd, team["Ben"], 2, month=first, incident=2, on_duty=False, minutes=30, approved=True)
    time_entry(kcpd, team["Ava"], quarter.start + (quarter.end - quarter.start) / 2, Decimal("2.5"))
    return quarter


def test_a_lone_hidden_count_takes_the_next_smallest_with_it():
    assert protect([10, 8], 3) == [False, False]
    # 2 alone would be the total less 17; with 7 hidden too it could be 0, 1 or 2.
    assert protect([10, 2, 7], 3) == [False, True, True]


def test_hidden_counts_the_total_would_pin_take_a_shown_one_with_them():
    # Two counts under 3 summing to 3 would each be 1 or 2: not the three values promised.
    assert protect([9, 1, 2, 5], 3) == [False, True, True, True]
    # Three of them summing to 3 can each still be 0, 1 or 2 with the total shown.
    assert protect([1, 1, 1, 20], 3) == [True, True, True, False]
    # Zeros beside a 3: the 3 could give up nothing, so a count that can (10) goes instead.
    assert protect([0, 3, 10], 3) == [True, False, True]


def test_a_table_nothing_can_protect_says_so():
    # On duty 2, off duty 2, total 4: both must be 2 whatever else is hidden.
    assert protect([2, 2], 3) is None
    assert protect([3, 0], 3) is None
    assert protect([0, 0], 3) is None


def test_a_count_hidden_to_protect_another_says_hidden_not_fewer_than(kcpd):
    from usage_reports.counts import Counts
    from usage_reports.suppression import decide

    month = date(2026, 10, 1)
    counts = Counts(forms={month: 19}, minutes={month: 19 * 60})
    counts.by["incident_type"][month] = {1: 10, 2: 2, 3: 7}
    counts.by["intervention_type"][month] = {1: 19}
    counts.by["contact_mode"][month] = {"phone": 19}
    counts.by["on_duty"][month] = {True: 19}
    entries = {"incident_type": [1, 2, 3], "intervention_type": [1],
               "contact_mode": ["phone"], "on_duty": [True]}  # fmt: skip
    decision = decide(counts=counts, months=[month], entries=entries, threshold=3)
    shown = [decision.cell("2026Q4", "incident_type", e) for e in (1, 2, 3)]
    assert [(f.value, f.small) for f in shown] == [(10, False), (None, True), (None, False)]
    assert decision.totals["2026Q4"].value == 19 and decision.totals["2026"].value == 19


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_coordinator_sees_per_peer_overtime_in_the_quarterly_report(login, kcpd, data):
    client = login(member(kcpd, Role.COORDINATOR))
    page = client.get(f"/kcpd/reports/quarterly/?period={data.key}").content.decode()
    assert "Ava Smith" in page and "Ben Smith" in page
    # Ava: 2.5 h of activation; Ben: 1 h of approved off-duty consults (KCPD III.D.2), and his
    # unapproved 1.5 h not counted.
    assert "3.5 hours this quarter." in page
    csv_text = client.get(f"/kcpd/reports/quarterly/?period={data.key}&format=csv").content.decode()
    assert "Ava Smith,2.5,0.0,2.5" in csv_text and "Ben Smith,0,1.0,1.0" in csv_text
    # A whole quarter is not cut finer than a quarter: the coordinator sees the count of one.
    label = IncidentType.objects.for_agency(kcpd)[1].label
    assert f"{label},1\r\n" in csv_text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_chief_sees_the_quarterly_report_with_small_counts_hidden_and_no_peer(
    login, kcpd, data
):
    client = login(member(kcpd, Role.COMMAND))
    page = client.get(f"/kcpd/reports/quarterly/?period={data.key}").content.decode()
    assert "Smith" not in page
    assert "fewer than 3" in page
    assert "3.5 hours this quarter." in page  # the total, never per peer
    csv_text = client.get(f"/kcpd/reports/quarterly/?period={data.key}&format=csv").content.decode()
    assert "Smith" not in csv_text and "fewer than 3" in csv_text
    # Ben's lone form of the second incident type is not shown as "1" anywhere.
    label = IncidentType.objects.for_agency(kcpd)[1].label
    assert f"{label},fewer than 3" in csv_text


@pytest.mark.django_db
def test_the_quarterly_report_comes_as_a_pdf(login, kcpd, data):
    response = login(member(kcpd, Role.COMMAND)).get(
        f"/kcpd/reports/quarterly/?period={data.key}&format=pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")


@pytest.mark.django_db
def test_the_coordinator_who_reads_every_form_sees_every_count(login, kcpd, data):
    page = (
        login(member(kcpd, Role.COORDINATOR))
        .get(f"/kcpd/statistics/?period={data.key}")
        .content.decode()
    )
    assert "Ava Smith" in page  # by peer, for the coordinator
    assert "fewer than" not in page and ">hidden<" not in page
    assert "12</strong> contacts" in page


@pytest.mark.django_db
def test_the_chief_sees_the_same_hidden_counts_on_every_page(login, kcpd, data):
    """Months 7, 5 and 0 of the quarter: the 0 and the 5 are hidden on the quarter's page, the
    year's page and the quarterly report alike; a quarter's lone small count is never shown."""
    client = login(member(kcpd, Role.COMMAND))
    first, second, third = (f"{m:%B %Y}" for m in data.months)
    year = data.key[:4]
    for url in [f"/kcpd/statistics/?period={data.key}", f"/kcpd/statistics/?period={year}",
                f"/kcpd/reports/quarterly/?period={data.key}"]:  # fmt: skip
        page = client.get(url).content.decode()
        assert f"{first}</th>" in page
        row = page[page.index(f"{second}</th>") : page.index(f"{third}</th>")]
        assert ">5<" not in row and "hidden" in row, url
    csv_text = client.get(f"/kcpd/reports/quarterly/?period={data.key}&format=csv").content
    assert f"{second},hidden" in csv_text.decode()


@pytest.mark.django_db
def test_a_quarter_too_small_to_protect_hides_its_total_hours_and_year(login, kcpd, team, quarter):
    forms(kcpd, team["Ava"], 2, month=quarter.months[0])
    client = login(member(kcpd, Role.COMMAND))
    page = client.get(f"/kcpd/statistics/?period={quarter.key}").content.decode()
    assert "fewer than 3</strong> contacts" in page and "hidden</strong> hours" in page
    evaluation = client.get("/kcpd/reports/evaluation/").content.decode()
    assert ">0.0<" not in evaluation and ">2<" not in evaluation


@pytest.mark.django_db
def test_the_chief_sees_no_peer_in_the_statistics(login, kcpd, data):
    page = (
        login(member(kcpd, Role.COMMAND))
        .get(f"/kcpd/statistics/?period={data.key}")
        .content.decode()
    )
    assert "Smith" not in page and "By peer" not in page


@pytest.mark.django_db
def test_a_period_not_offered_gets_a_message_not_an_error(login, kcpd, data):
    client = login(member(kcpd, Role.COORDINATOR))
    for bad in ["1999Q9", "'; drop table", "2026Q5", "x" * 300]:
        response = client.get("/kcpd/statistics/", {"period": bad})
        assert response.status_code == 200
        assert "Choose one of the periods offered." in response.content.decode()
    this_year = periods.current_quarter(kcpd).start.year  # the agency's year, not UTC's
    response = client.get("/kcpd/reports/quarterly/", {"period": str(this_year)})
    assert "Choose one of the quarters offered." in response.content.decode()


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_lead_approves_off_duty_consults_for_overtime(login, kcpd, data):
    client = login(member(kcpd, Role.COORDINATOR))
    page = client.get(f"/kcpd/reports/compensation/?period={data.key}").content.decode()
    assert "Off-duty consults awaiting a decision" in page
    pending = UsageReport.objects.filter(on_duty=False, compensation_approved=False).get()
    client.post("/kcpd/reports/compensation/approve/", {"report": [pending.pk], "period": data.key})
    assert UsageReport.objects.get(pk=pending.pk).compensation_approved
    csv_text = client.get(
        f"/kcpd/reports/compensation/?period={data.key}&format=csv"
    ).content.decode()
    assert "Ben Smith,0,0,2.5,0.0,2.5" in csv_text


@pytest.mark.django_db
@pytest.mark.system_scope
def test_another_agencys_forms_cannot_be_approved(login, kcpd, data):
    other = AgencyFactory(slug="slmpd", preset="slmpd")
    coordinator = member(other, Role.COORDINATOR)
    pending = UsageReport.objects.filter(compensation_approved=False, on_duty=False).get()
    login(coordinator).post("/slmpd/reports/compensation/approve/", {"report": [pending.pk]})
    assert not UsageReport.objects.get(pk=pending.pk).compensation_approved


@pytest.mark.django_db
def test_st_joseph_counts_every_off_duty_contact_as_comp_time(login):
    stjoe = AgencyFactory(slug="st-joseph", preset="st-joseph")
    peer = PeerFactory(agency=stjoe, person__first_name="Cy", person__last_name="Jones")
    quarter = periods.current_quarter(stjoe)
    forms(stjoe, peer, 2, month=quarter.months[0], on_duty=False, minutes=45)
    forms(stjoe, peer, 2, month=quarter.months[0], on_duty=True, minutes=45)
    page = login(member(stjoe, Role.COORDINATOR)).get("/st-joseph/reports/compensation/")
    text = page.content.decode()
    assert "Comp time" in text and ">1.5</td>" in text


@pytest.mark.django_db
def test_the_year_over_year_evaluation_lists_each_year(login, kcpd, data):
    page = login(member(kcpd, Role.COORDINATOR)).get("/kcpd/reports/evaluation/").content.decode()
    year = periods.current_quarter(kcpd).start.year  # the agency's year, not UTC's
    assert all(str(y) in page for y in (year - 2, year - 1, year))
    assert "Training hours" in page


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/kcpd/statistics/", "/kcpd/reports/quarterly/", "/kcpd/reports/compensation/",
     "/kcpd/reports/evaluation/", "/kcpd/usage/"],
)  # fmt: skip
def test_report_pages_keep_a_fixed_query_budget(
    login, kcpd, team, quarter, url, django_assert_max_num_queries
):
    for i in range(30):
        extra = PeerFactory(agency=kcpd)
        forms(kcpd, extra, 3, month=quarter.months[i % 3], incident=i % 3, on_duty=i % 2 == 0)
    client = login(member(kcpd, Role.COORDINATOR))
    with django_assert_max_num_queries(22):
        assert client.get(url, {"period": quarter.key}).status_code == 200


@pytest.mark.django_db
def test_a_quarterly_download_of_a_year_says_why_instead_of_giving_another_quarter(login, kcpd):
    client = login(member(kcpd, Role.COMMAND))
    year = periods.current_quarter(kcpd).key[:4]
    page = client.get("/kcpd/reports/quarterly/").content.decode()
    assert f'value="{year}"' not in page  # quarters only in its list
    for fmt in ("csv", "pdf"):
        response = client.get("/kcpd/reports/quarterly/", {"period": year, "format": fmt})
        assert response["Content-Type"].startswith("text/html")
        assert "Choose one of the quarters offered." in response.content.decode()
    # The message was shown with the page: none is left for the next one.
    later = client.get("/kcpd/reports/quarterly/").content.decode()
    assert "Choose one of the quarters offered." not in later


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="work_mem and JIT are PostgreSQL's")
def test_the_monthly_counts_group_in_memory_without_jit(kcpd, team, quarter):
    """The planner, guessing a year of a large agency's forms (300,000) makes as many groups,
    would sort them in 4 MB runs on disk, and JIT compiled the query for 30 to 50 ms: the
    counting query runs with room to group in memory and without JIT."""
    from agencies import tenant_db
    from usage_reports import counts

    forms(kcpd, team["Ava"], 3, month=quarter.months[0])
    seen = []

    def settings_at_the_count(execute, sql, params, many, context):
        if sql in (counts.COUNTS_SQL, counts.COUNTS_AND_PEERS_SQL):
            with connection.cursor() as cursor:
                cursor.execute("SELECT current_setting('work_mem'), current_setting('jit')")
                seen.append(cursor.fetchone())
        return execute(sql, params, many, context)

    with tenant_db.agency_scope(kcpd.pk), connection.execute_wrapper(settings_at_the_count):
        found = counts.monthly(agency=kcpd, start=quarter.start, end=quarter.end)
    assert sum(found.forms.values()) == 3
    assert seen == [("64MB", "off")]
