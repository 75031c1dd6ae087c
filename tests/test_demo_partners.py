"""The demo's partner agencies (issue 15, point 4): St. Louis County and SLMPD show each other's
on-call peers in the lookup (SLMPD Contact Guidelines 8, Team Member 4); Joplin and SLMPD are
partners for requests for peers only, Joplin's policy not showing partners' peers."""

import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from agencies.choices import Role
from agencies.models import Agency, Membership, Partnership, Policy, User
from agencies.selectors import partner_agencies
from checkins.models import Appointment, Program
from roster.models import OnCallShift, Peer, Person, TrainingRecord
from usage_reports.models import UsageReport


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def on_call_now(slug: str) -> str:
    """The on-call peer of the agency as its lookup links them: by their own email address, as
    demo names repeat across agencies (every agency's demo peer is Pat Peer)."""
    now = timezone.now()
    shift = OnCallShift.objects.select_related("peer__person").get(
        agency__slug=slug, starts_at__lte=now, ends_at__gt=now
    )
    return f"mailto:{shift.peer.person.email}"


def lookup_page(login, username: str) -> str:
    user = User.objects.get(username=username)
    slug = user.memberships.get(role=Role.OFFICER).agency.slug
    response = login(user, second_factor=False).get(f"/{slug}/on-call/")
    assert response.status_code == 200
    return response.content.decode()


def partner_section(page: str, name: str) -> str:
    heading = f"On call at {name}</h2>"
    assert heading in page, f"no partner heading for {name}"
    return page.split(heading, 1)[1].split("<h2", 1)[0]


@pytest.mark.django_db
@pytest.mark.system_scope
def test_officer_stlcounty_sees_slmpd_on_call_peers_and_slmpd_sees_county_s(login):
    seed()
    county = partner_section(
        lookup_page(login, "officer.stlcounty"), "St. Louis Metropolitan Police Department"
    )
    assert on_call_now("slmpd") in county
    slmpd = partner_section(
        lookup_page(login, "officer.slmpd"), "St. Louis County Police Department"
    )
    assert on_call_now("stlcounty") in slmpd
    # SLMPD and Joplin are partners, but Joplin's policy does not show partners' peers.
    assert "Joplin" not in lookup_page(login, "officer.slmpd").split("Clinical, EAP")[0]
    joplin = lookup_page(login, "officer.joplin")
    assert "On call at" not in joplin
    assert on_call_now("slmpd") not in joplin


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_county_is_a_missouri_default_agency_whose_partner_points_say_they_are_demo_data(
    login,
):
    seed()
    settings_page = login(User.objects.get(username="admin.stlcounty")).get("/stlcounty/settings/")
    assert "Source: Demo data: stands for St. Louis County" in settings_page.content.decode()
    county = Agency.objects.select_related("policy").get(slug="stlcounty")
    assert county.name == "St. Louis County Police Department"
    assert county.preset == "missouri-default"
    policy = county.policy
    assert policy.cross_agency_requests and policy.partner_peers_in_lookup
    for point in ("cross_agency_requests", "partner_peers_in_lookup"):
        assert policy.sources[point].startswith("Demo data")
        assert "Contact Guidelines 8" in policy.sources[point]
    # Every other point as the preset says.
    assert policy.sources["peer_title"] == "product default"
    # The presets' own partner points, as their policies read.
    assert Policy.objects.get(agency__slug="slmpd").partner_peers_in_lookup
    assert not Policy.objects.get(agency__slug="joplin").partner_peers_in_lookup
    assert Policy.objects.get(agency__slug="joplin").cross_agency_requests
    accepted = Partnership.objects.filter(accepted_at__isnull=False)
    pairs = {frozenset((p.proposer.slug, p.partner.slug)) for p in accepted}
    assert pairs == {frozenset(("joplin", "slmpd")), frozenset(("stlcounty", "slmpd"))}
    # Requests for peers between any two partners: each policy lends and borrows.
    slmpd = Agency.objects.get(slug="slmpd")
    assert [a.slug for a in partner_agencies(agency=county)] == ["slmpd"]
    assert {a.slug for a in partner_agencies(agency=slmpd)} == {"joplin", "stlcounty"}
    assert all(a.policy.cross_agency_requests for a in partner_agencies(agency=slmpd))


@pytest.mark.django_db
@pytest.mark.system_scope
def test_the_county_has_demo_users_a_team_on_call_shifts_and_check_ins():
    seed()
    county = Agency.objects.get(slug="stlcounty")
    roles = dict(Membership.objects.filter(agency=county).values_list("user__username", "role"))
    assert roles == {
        "admin.stlcounty": Role.ADMIN,
        "coordinator.stlcounty": Role.COORDINATOR,
        "peer.stlcounty": Role.PEER,
        "officer.stlcounty": Role.OFFICER,
        "provider.stlcounty": Role.PROVIDER,
        "chief.stlcounty": Role.COMMAND,
    }
    assert Person.objects.filter(agency=county).count() == 24
    assert Peer.objects.filter(agency=county, status="active").count() == 8
    assert OnCallShift.objects.filter(agency=county).count() == 29
    assert Program.objects.filter(agency=county).exists()
    assert Appointment.objects.filter(agency=county, state="scheduled").exists()
    # County's own provider: the practice the two St. Louis departments share is unchanged.
    assert not Appointment.objects.filter(agency=county, provider__name__startswith="Gateway")


def snapshot() -> dict:
    models = [Agency, User, Membership, Partnership, Person, Peer, OnCallShift, TrainingRecord,
              UsageReport, Program, Appointment]  # fmt: skip
    counts = {m.__name__: m.objects.count() for m in models}
    policies = {p.agency_id: (p.sources, p.updated_at) for p in Policy.objects.all()}
    partnerships = set(Partnership.objects.values_list("proposer", "partner", "accepted_at"))
    return {"counts": counts, "policies": policies, "partnerships": partnerships}


@pytest.mark.django_db
@pytest.mark.system_scope
def test_seed_demo_twice_changes_nothing_the_second_time():
    seed()
    before = snapshot()
    seed()
    assert snapshot() == before
    assert before["counts"]["Agency"] == 6 and before["counts"]["Partnership"] == 2
