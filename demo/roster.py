"""A believable directory, team and on-call schedule for each demo agency. Deterministic per
agency, and idempotent: running it again only tops the schedule up to the next two weeks."""

import random
from datetime import time, timedelta
from decimal import Decimal

from agencies import clock
from agencies.models import Agency, User
from roster.choices import PeerStatus
from roster.models import Application, OnCallShift, Peer, Person, TrainingRecord
from roster.services.people import sync_peer_role

FIRST = ["Alex", "Jordan", "Taylor", "Morgan", "Riley", "Jamie", "Dana", "Quinn", "Reese", "Avery",
         "Cameron", "Drew", "Emerson", "Frankie", "Hayden", "Jesse", "Kendall", "Logan", "Marley",
         "Parker", "Robin", "Sage", "Skyler", "Toby"]  # fmt: skip
LAST = ["Anders", "Brooks", "Carter", "Delgado", "Ellis", "Foster", "Garcia", "Hughes", "Ibarra",
        "Jensen", "Kim", "Lopez", "Miller", "Nguyen", "Owens", "Patel", "Reyes", "Sanders",
        "Turner", "Underwood", "Vasquez", "Walker", "Young", "Zimmer"]  # fmt: skip
RANKS = ["Officer", "Officer", "Officer", "Detective", "Sergeant", "Lieutenant", "Captain"]
UNITS = ["Central", "East", "North", "South", "Dispatch"]
AREA = {"st-joseph": "816", "joplin": "417", "slmpd": "314", "clayton": "314", "kcpd": "816",
        "stlcounty": "314"}  # fmt: skip
# Agencies sharing an area code share 555-0100 to 0199 (the numbers kept for fiction) by turns,
# so that no two demo people have one number (County's lookup lists SLMPD's peers too).
FIRST_NUMBER = {"clayton": 125, "stlcounty": 150, "st-joseph": 125}
DEMO_ACCOUNTS = ["coordinator", "peer", "officer", "chief"]
# The demo coordinator of each agency, as its policy wants its lead (agencies/role_rules.py): KCPD's
# PST Manager a captain, not from HR, Homicide or Internal Affairs (Policy 830 II.J); St. Joseph's
# coordinator a sergeant or above (GO2401 II.H.1); Joplin's a Staff Officer (SOG 2-13 III);
# SLMPD's the commander of the CIT/Employee Wellness Unit; Clayton's a commander (GO 23-07 II).
# St. Louis County's Missouri default sets no rank or unit: a captain, like the others.
COORDINATORS = {
    "st-joseph": ("Sergeant", "Central"),
    "joplin": ("Captain", "Central"),
    "slmpd": ("Lieutenant", "CIT/Employee Wellness Unit"),
    "clayton": ("Captain", "Central"),
    "kcpd": ("Captain", "Central"),
    "stlcounty": ("Captain", "Central"),
}


def seed_roster(agency: Agency) -> None:
    if not Person.objects.for_agency(agency).exists():
        _directory_and_team(agency)
    _coordinator_as_the_policy_wants(agency)
    _top_up_schedule(agency)


def _coordinator_as_the_policy_wants(agency: Agency) -> None:
    """Every run, so that a demo made before the rule existed meets it too."""
    rank, unit = COORDINATORS.get(agency.slug, ("Captain", "Central"))
    Person.objects.for_agency(agency).filter(user__username=f"coordinator.{agency.slug}").update(
        rank=rank, unit=unit, member_class="sworn"
    )


def _directory_and_team(agency: Agency) -> None:
    rng = random.Random(agency.slug)
    today = clock.today(agency)
    area = AREA.get(agency.slug, "573")
    people = []
    for i in range(24):
        people.append(
            Person(
                agency=agency,
                employee_number=f"{agency.slug[:3].upper()}{1001 + i}",
                first_name=FIRST[i],
                last_name=rng.choice(LAST),
                rank=rng.choice(RANKS),
                unit=rng.choice(UNITS[:4]) if i % 7 else "Dispatch",
                member_class="dispatcher" if i % 7 == 0 else "sworn",
                hire_date=today - timedelta(days=rng.randint(400, 9000)),
                email=f"{FIRST[i].lower()}.{i}@{agency.slug}.example.org",
                phone=f"({area}) 555-{FIRST_NUMBER.get(agency.slug, 100) + i:04d}",
            )
        )
    # The demo accounts are people of the directory too, so they can use every page.
    for i, prefix in enumerate(DEMO_ACCOUNTS):
        user = User.objects.get(username=f"{prefix}.{agency.slug}")
        person = people[i]
        person.first_name, person.last_name = user.first_name, user.last_name
        person.email, person.user = user.email, user
    Person.objects.bulk_create(people)
    people = list(Person.objects.for_agency(agency).order_by("employee_number"))
    chief = people[3]
    Person.objects.for_agency(agency).exclude(pk=chief.pk).update(commanding_officer=chief)

    policy = agency.policy
    peer_roles = list(agency_team_roles(agency))
    team = [people[1], *people[4:13]]
    metro = User.objects.filter(username="peer.metro", memberships__agency=agency).first()
    if metro:
        team.append(
            Person.objects.create(
                agency=agency, employee_number=f"{agency.slug[:3].upper()}2001",
                first_name=metro.first_name, last_name=metro.last_name, rank="Officer",
                unit="Central", email=metro.email, phone=f"({area}) 555-0199", user=metro,
                hire_date=today - timedelta(days=4000), commanding_officer=chief,
            )
        )  # fmt: skip
    for i, person in enumerate(team, start=1):
        status = PeerStatus.IN_TRAINING if i in (9, 10) else PeerStatus.ACTIVE
        peer = Peer.objects.create(
            agency=agency,
            person=person,
            status=status,
            team_role=peer_roles[0] if peer_roles else None,
            agreement_signed_on=today - timedelta(days=300),
            agreement_kept_by=policy.lead_title,
            active_since=today - timedelta(days=400) if status == PeerStatus.ACTIVE else None,
        )
        last = today - timedelta(days=200 if i == 4 else 20 + 9 * i)
        TrainingRecord.objects.create(
            agency=agency, peer=peer, date=last, topic="Team training", hours=Decimal("4")
        )
        sync_peer_role(peer=peer)
    _demo_applicant(agency, people)


def agency_team_roles(agency: Agency):
    from agencies.models import TeamRole

    return TeamRole.objects.for_agency(agency).filter(active=True, kind="peer")


def _demo_applicant(agency: Agency, people: list[Person]) -> None:
    """One pending applicant who shows the agency's own eligibility rule at work."""
    today = clock.today(agency)
    person = people[15]
    if agency.slug == "slmpd":
        person.hire_date = today - timedelta(days=2 * 365 + 30)
    elif agency.slug == "kcpd":
        person.post_suspension = True
    elif agency.slug == "clayton":
        person.probationary = True
    person.save()
    peer = Peer.objects.create(agency=agency, person=person, status=PeerStatus.APPLICANT)
    Application.objects.create(
        agency=agency, peer=peer, submitted_on=today - timedelta(days=5), letter_received=True
    )


def _top_up_schedule(agency: Agency) -> None:
    """Day (07-19) and night (19-07) shifts for yesterday to two weeks out, rotating through the
    active peers, leaving the night four days out uncovered so the gap report has something."""
    peers = list(
        Peer.objects.for_agency(agency).reachable(agency.policy).order_by("person__employee_number")
    )
    if not peers:
        return
    today = clock.today(agency)
    shifts = []
    for offset in range(-1, 14):
        day = today + timedelta(days=offset)
        for slot, (start, end_day, end) in enumerate(
            [(time(7), day, time(19)), (time(19), day + timedelta(days=1), time(7))]
        ):
            if offset == 4 and slot == 1:
                continue
            starts = clock.local_time(agency, day, start)
            ends = clock.local_time(agency, end_day, end)
            taken = OnCallShift.objects.for_agency(agency).overlapping(starts, ends)
            if taken.exists():
                continue
            peer = peers[(offset * 2 + slot) % len(peers)]
            shifts.append(OnCallShift(agency=agency, peer=peer, starts_at=starts, ends_at=ends))
    OnCallShift.objects.bulk_create(shifts)
