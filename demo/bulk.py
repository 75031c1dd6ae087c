"""A large agency for benchmarks and query-budget tests: thousands of people, a big team and a
full on-call schedule, made with bulk inserts."""

from datetime import timedelta

from django.utils import timezone

from agencies import clock
from agencies.models import Agency
from roster.models import OnCallShift, Peer, Person, TrainingRecord


def fill_agency(agency: Agency, *, persons: int, peers: int) -> None:
    today = clock.today(agency)
    Person.objects.bulk_create(
        [
            Person(
                agency=agency,
                employee_number=f"B{i:06d}",
                first_name=f"First{i}",
                last_name=f"Last{i % 997}",
                rank="Officer",
                unit=f"Station {i % 9}",
                hire_date=today - timedelta(days=400 + i % 8000),
                email=f"person{i}@{agency.slug}.example.org",
                phone=f"(816) 555-{i % 10000:04d}",
            )
            for i in range(persons)
        ],
        batch_size=1000,
    )
    people = list(Person.objects.for_agency(agency).order_by("pk").values_list("pk", flat=True))
    Peer.objects.bulk_create(
        [
            Peer(agency=agency, person_id=pk, status="active", active_since=today)
            for pk in people[:peers]
        ],
        batch_size=1000,
    )
    team = list(Peer.objects.for_agency(agency).order_by("pk").values_list("pk", flat=True))
    now = timezone.now()
    OnCallShift.objects.bulk_create(
        [
            OnCallShift(
                agency=agency,
                peer_id=pk,
                starts_at=now + timedelta(hours=12 * (i % 28) - 6),
                ends_at=now + timedelta(hours=12 * (i % 28) + 6),
            )
            for i, pk in enumerate(team)
        ],
        batch_size=1000,
    )
    TrainingRecord.objects.bulk_create(
        [
            TrainingRecord(agency=agency, peer_id=pk, date=today - timedelta(days=i % 200),
                           topic="Team training", hours=4)
            for i, pk in enumerate(team)
        ],
        batch_size=1000,
    )  # fmt: skip
