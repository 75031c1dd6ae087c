"""Demo usage forms: half a year of contacts spread over each agency's active peers, so the
statistics and reports have something to show."""

import random
from datetime import timedelta

from django.db.models import F
from django.utils import timezone

from agencies.choices import FieldUse
from agencies.models import Agency, IncidentType, InterventionType
from roster.models import Peer
from usage_reports.models import ContactMode, UsageReport
from usage_reports.services import ASKED, asked


def seed_usage(agency: Agency) -> None:
    if UsageReport.objects.for_agency(agency).exists():
        return
    peers = list(Peer.objects.for_agency(agency).filter(status="active"))
    incidents = list(IncidentType.objects.for_agency(agency).filter(active=True))
    interventions = list(InterventionType.objects.for_agency(agency).filter(active=True))
    if not (peers and incidents and interventions):
        return
    rng = random.Random(f"usage-{agency.slug}")
    now = timezone.now()
    # What the policy's usage form does not ask stays empty (Joplin's asks none of it).
    unasked = {
        field: empty
        for field, (_, empty, _) in ASKED.items()
        if asked(agency.policy, field) == FieldUse.OFF
    }

    def form() -> UsageReport:
        report = UsageReport(
            agency=agency,
            peer=rng.choice(peers),
            served_at=now - timedelta(days=rng.randint(8, 270), minutes=rng.randint(0, 1440)),
            duration_minutes=rng.choice([15, 20, 30, 45, 60, 90]),
            # A few types are common, the rest rare: the small counts show suppression.
            incident_type=incidents[min(int(rng.expovariate(0.8)), len(incidents) - 1)],
            intervention_type=rng.choice(interventions),
            contact_mode=rng.choice(ContactMode.values),
            on_duty=rng.random() < 0.6,
        )
        for field, empty in unasked.items():
            setattr(report, field, empty)
        return report

    UsageReport.objects.bulk_create(form() for _ in range(90))
    # Filed when they were served, as a peer would have: past forms are past correcting.
    UsageReport.objects.for_agency(agency).update(filed_at=F("served_at"))
