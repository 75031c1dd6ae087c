from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from agencies import tenant_db
from agencies.choices import Role
from agencies.models import Agency, Partnership, User
from agencies.presets import PRESETS
from agencies.services import apply_policy_document, create_agency, grant_role
from demo.checkins import seed_checkins
from demo.roster import seed_roster
from demo.usage import seed_usage

DEMO_PASSWORD = "peer-support-demo-2026"
DEMO_AGENCIES = ["st-joseph", "joplin", "slmpd", "clayton", "kcpd", "stlcounty"]
# A demo agency without a source policy of its own: made from the Missouri default preset.
OTHER_AGENCIES = {"stlcounty": ("St. Louis County Police Department", "missouri-default")}
# St. Louis County's side of SLMPD's policy (Team Member 4: assist the County's Peer Team;
# Contact Guidelines 8: County officers may contact SLMPD's team). County's own policy is not
# among the sources, so the demo sets these two points, saying so.
COUNTY_NOTE = (
    "Demo data: stands for St. Louis County's side of SLMPD's policy (Contact Guidelines 8: "
    "County officers may initiate contact with SLMPD's team; Team Member 4: SLMPD's team "
    "assists the County's Peer Team)"
)
DEMO_POLICY = {
    "stlcounty": {
        "cross_agency_requests": True,
        "partner_peers_in_lookup": True,
        "sources": {"cross_agency_requests": COUNTY_NOTE, "partner_peers_in_lookup": COUNTY_NOTE},
    }
}
DEMO_USERS = [
    ("admin", Role.ADMIN, "Avery", "Admin"),
    ("coordinator", Role.COORDINATOR, "Casey", "Coordinator"),
    ("peer", Role.PEER, "Pat", "Peer"),
    ("officer", Role.OFFICER, "Oakley", "Officer"),
    ("provider", Role.PROVIDER, "Parker", "Provider"),
    ("chief", Role.COMMAND, "Charlie", "Chief"),
]
# One person on two teams: a peer who serves both St. Louis departments.
# Granted after the roster is seeded: the lead's role needs their directory entry.
LATER = frozenset({Role.COORDINATOR})
SHARED_USER = ("peer.metro", [("slmpd", Role.PEER), ("clayton", Role.PEER)])
# Accepted partnerships, (proposer, partner). Joplin and SLMPD lend peers to other agencies
# (Joplin SOG 2-13 III; SLMPD Goals 5), but only SLMPD shows partners' on-call peers in its
# lookup, so between them it is requests for peers. SLMPD and St. Louis County show each other's
# on-call peers (SLMPD Contact Guidelines 8).
PARTNERS = [("joplin", "slmpd"), ("stlcounty", "slmpd")]


class Command(BaseCommand):
    help = (
        "Create the six demo agencies from their presets, their users, directories, teams and "
        "on-call schedules (idempotent)."
    )

    @transaction.atomic
    # A platform admin's tool: it works across agencies (row-level security on PostgreSQL).
    @tenant_db.system_scope()
    def handle(self, *args, **options):
        created = []
        for key in DEMO_AGENCIES:
            agency = Agency.objects.filter(slug=key).first()
            if agency is None:
                name, preset = OTHER_AGENCIES.get(key) or (PRESETS[key].name, key)
                agency = create_agency(slug=key, name=name, preset_key=preset)
                if key in DEMO_POLICY:
                    # Once, when made: what an admin changes afterwards stays.
                    apply_policy_document(agency=agency, data=DEMO_POLICY[key], how="demo")
                created.append(key)
            for prefix, role, first, last in DEMO_USERS:
                user = self._user(f"{prefix}.{key}", first, last, key)
                # The lead once in the directory: the policy's rule reads their rank.
                if role not in LATER:
                    grant_role(user=user, agency=agency, role=role)
        username, grants = SHARED_USER
        shared = self._user(username, "Morgan", "Metro", "metro")
        for slug, role in grants:
            grant_role(user=shared, agency=Agency.objects.get(slug=slug), role=role)
        for key in DEMO_AGENCIES:
            agency = Agency.objects.select_related("policy").get(slug=key)
            seed_roster(agency)
            for prefix, role, *_ in DEMO_USERS:
                if role in LATER:
                    user = User.objects.get(username=f"{prefix}.{key}")
                    grant_role(user=user, agency=agency, role=role)
            seed_usage(agency)
            seed_checkins(agency)
        for proposer, partner in PARTNERS:
            self._partners(Agency.objects.get(slug=proposer), Agency.objects.get(slug=partner))
        platform = self._user("platform", "Platform", "Admin", "platform")
        if not platform.is_superuser:
            platform.is_staff = platform.is_superuser = True
            platform.save(update_fields=["is_staff", "is_superuser"])

        self.stdout.write(
            f"Demo agencies: {', '.join(DEMO_AGENCIES)}"
            + (f" (created now: {', '.join(created)})" if created else " (already there)")
        )
        self.stdout.write(
            "Demo users: admin.<slug>, coordinator.<slug>, peer.<slug>, officer.<slug>, "
            "provider.<slug>, chief.<slug>; peer.metro (slmpd and clayton); "
            "platform (Django admin). Joplin and SLMPD are partner agencies, and so are SLMPD "
            "and St. Louis County: officer.stlcounty sees SLMPD's on-call peers at "
            "/stlcounty/on-call/."
        )
        self.stdout.write(self.style.SUCCESS(f"Demo password for every demo user: {DEMO_PASSWORD}"))

    def _partners(self, proposer: Agency, partner: Agency) -> None:
        """An accepted partnership, unless the two have one already (either way round)."""
        either = Partnership.objects.filter(proposer=proposer, partner=partner) | (
            Partnership.objects.filter(proposer=partner, partner=proposer)
        )
        if not either.exists():
            Partnership.objects.create(
                proposer=proposer, partner=partner, accepted_at=timezone.now()
            )

    def _user(self, username: str, first: str, last: str, domain: str) -> User:
        user, made = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@{domain}.example.org",
            },
        )
        if made:
            user.set_password(DEMO_PASSWORD)
            user.save(update_fields=["password"])
        return user
