"""Counting usage forms (usage_reports/counts.py): each form in its month of the agency's
calendar, each peer's forms and minutes from the same pass, and the per-peer table they fill."""

import zoneinfo
from datetime import datetime

import pytest
from django.db import connection

from agencies import tenant_db
from agencies.choices import Role
from agencies.models import IncidentType, InterventionType
from tests.factories import AgencyFactory, PeerFactory, member
from tests.support.scopes import built
from usage_reports import counts, periods, selectors
from usage_reports.models import UsageReport


@pytest.fixture
def kcpd(db):
    return AgencyFactory(slug="kcpd", preset="kcpd")


@built
def filed(agency, peer, *at: datetime, minutes: int | None = 30, mode: str = "phone"):
    incident = IncidentType.objects.for_agency(agency).first()
    intervention = InterventionType.objects.for_agency(agency).first()
    UsageReport.objects.bulk_create(
        UsageReport(
            agency=agency, peer=peer, served_at=moment, duration_minutes=minutes,
            incident_type=incident, intervention_type=intervention, contact_mode=mode,
            on_duty=True,
        )
        for moment in at
    )  # fmt: skip


def counted(agency, period, *, per_peer: bool = False) -> counts.Counts:
    with tenant_db.agency_scope(agency.pk):
        return counts.monthly(agency=agency, start=period.start, end=period.end, per_peer=per_peer)


@pytest.mark.django_db
def test_a_form_counts_in_its_month_of_the_agencys_calendar_across_daylight_saving(kcpd):
    """Minutes either side of local midnight on the first of a month, in a month that starts
    in standard time and ends in daylight time (March) and the other way (November): UTC's
    month would put the late evening forms in the next month."""
    zone = zoneinfo.ZoneInfo(kcpd.time_zone)
    peer = PeerFactory(agency=kcpd)
    filed(
        kcpd, peer,
        datetime(2026, 3, 1, 0, 0, tzinfo=zone), datetime(2026, 3, 31, 23, 59, tzinfo=zone),
        datetime(2026, 4, 1, 0, 0, tzinfo=zone),
        datetime(2026, 11, 30, 23, 30, tzinfo=zone), datetime(2026, 12, 1, 0, 1, tzinfo=zone),
        datetime(2025, 12, 31, 23, 59, tzinfo=zone), datetime(2027, 1, 1, 0, 0, tzinfo=zone),
    )  # fmt: skip
    found = counted(kcpd, periods.parse("2026", kcpd))
    by_month = {f"{m:%m}": n for m, n in found.forms.items()}
    assert by_month == {"03": 2, "04": 1, "11": 1, "12": 1}
    assert found.minutes[datetime(2026, 3, 1).date()] == 60
    march = found.by["contact_mode"][datetime(2026, 3, 1).date()]
    assert march == {"phone": 2}


@pytest.mark.django_db
def test_each_peers_forms_and_minutes_come_with_the_months_and_leave_them_whole(kcpd):
    zone = zoneinfo.ZoneInfo(kcpd.time_zone)
    ava, ben, _filed_none = (PeerFactory(agency=kcpd) for _ in range(3))
    quarter = periods.parse("2026Q2", kcpd)
    filed(kcpd, ava, *(datetime(2026, 4, d, 9, tzinfo=zone) for d in (1, 2, 3)), minutes=20)
    filed(kcpd, ava, datetime(2026, 6, 30, 22, tzinfo=zone), minutes=None, mode="")
    filed(kcpd, ben, datetime(2026, 5, 15, 9, tzinfo=zone), minutes=45)
    filed(kcpd, ben, datetime(2026, 7, 1, 0, 0, tzinfo=zone))  # the next quarter's
    with_peers = counted(kcpd, quarter, per_peer=True)
    assert with_peers.peers == {ava.pk: (4, 60), ben.pk: (1, 45)}
    alone = counted(kcpd, quarter)
    assert alone.peers == {}
    assert (alone.forms, alone.minutes, alone.by) == (
        with_peers.forms, with_peers.minutes, with_peers.by
    )  # fmt: skip
    june = datetime(2026, 6, 1).date()
    assert with_peers.forms == {datetime(2026, 4, 1).date(): 3, datetime(2026, 5, 1).date(): 1,
                                june: 1}  # fmt: skip
    assert with_peers.by["contact_mode"][june] == {"": 1}


@pytest.mark.django_db
def test_no_per_peer_figures_for_a_reader_of_aggregates(kcpd):
    quarter = periods.current_quarter(kcpd)
    with tenant_db.agency_scope(kcpd.pk), pytest.raises(ValueError, match="per-peer"):
        selectors.statistics(agency=kcpd, period=quarter, per_peer=True, suppress_everything=True)


@pytest.mark.django_db
def test_the_per_peer_table_escapes_names_and_orders_by_contacts(login, kcpd):
    quarter = periods.current_quarter(kcpd)
    odd = PeerFactory(agency=kcpd, person__first_name="<b>Zoe</b>", person__last_name="O'Neil")
    busy = PeerFactory(agency=kcpd, person__first_name="Ann", person__last_name="Busy")
    filed(kcpd, odd, quarter.start, minutes=15)
    filed(kcpd, busy, quarter.start, quarter.start, minutes=10)
    page = login(member(kcpd, Role.COORDINATOR)).get("/kcpd/statistics/").content.decode()
    busy_row = '<tr><td>Ann Busy</td><td class="text-end">2</td><td class="text-end">20</td></tr>'
    odd_row = (
        '<tr><td>&lt;b&gt;Zoe&lt;/b&gt; O&#x27;Neil</td><td class="text-end">1</td>'
        '<td class="text-end">15</td></tr>'
    )
    assert busy_row in page and odd_row in page
    assert page.index(busy_row) < page.index(odd_row)
    assert "<b>Zoe" not in page


@pytest.mark.django_db
def test_a_period_without_forms_says_so_in_the_per_peer_table(login, kcpd):
    PeerFactory(agency=kcpd)
    page = login(member(kcpd, Role.COORDINATOR)).get("/kcpd/statistics/").content.decode()
    assert '<tr><td colspan="3">No forms in this period.</td></tr>' in page


@pytest.mark.django_db
@pytest.mark.skipif(connection.vendor != "postgresql", reason="the one-pass query is PostgreSQL's")
def test_the_coordinators_statistics_read_the_forms_once(login, kcpd):
    """The counts of every breakdown and of every peer come from one pass over the forms."""
    quarter = periods.current_quarter(kcpd)
    filed(kcpd, PeerFactory(agency=kcpd), quarter.start)
    client = login(member(kcpd, Role.COORDINATOR))
    reads = []

    def keep(execute, sql, params, many, context):
        if "usage_reports_usagereport" in sql:
            reads.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get("/kcpd/statistics/").status_code == 200
    assert reads == [counts.COUNTS_AND_PEERS_SQL]
