"""Benchmark: an activation that calls 50 peers, each by email and SMS, through a real Celery
worker and Redis.

Prints the median and 95th percentile time from saving the activation to the last of its
messages handed to the email and SMS backends (files here, as in the embedded default). Needs
DATABASE_URL on PostgreSQL (the worker shares the scratch database) and REDIS_URL: the tasks go
through that Redis database, so give the bench one no other worker reads (`make bench` uses
database 15 unless told otherwise).

    .venv/bin/python bench/activation_fanout.py [--rounds 20] [--peers 50] [--concurrency 4]
"""

import argparse
import os
import sys
import time
from pathlib import Path

from scratch import (
    celery_worker,
    emit,
    median_p95,
    on_postgresql,
    scratch_database,
    skip,
    work_folder,
)

NAME = "activation fan-out"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--peers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if not on_postgresql() or not os.environ.get("REDIS_URL", "").startswith("redis"):
        return skip(NAME, "needs DATABASE_URL on PostgreSQL and REDIS_URL")

    with (
        scratch_database() as db_name,
        work_folder("fanout-") as folder,
        celery_worker(db_name, folder, args.concurrency),
    ):
        return run(args, folder)


def run(args, folder: Path) -> int:
    from django.db.models import Max
    from django.utils import timezone

    from activations.models import CallOut
    from activations.selectors import areas_for
    from activations.services import activation as service
    from agencies.choices import Role
    from agencies.models import IncidentType, Membership, User
    from agencies.services import create_agency
    from demo.bulk import fill_agency
    from notifications.models import Message, State

    agency = create_agency(slug="bench", name="Bench PD", preset_key="missouri-default")
    policy = agency.policy
    policy.max_peers_per_activation = None
    policy.activation_chain = ["peers"]
    policy.save()
    fill_agency(agency, persons=args.peers * 4, peers=args.peers)
    coordinator = User.objects.create(username="coordinator.bench")
    Membership.objects.create(user=coordinator, agency=agency, role=Role.COORDINATOR)
    incident = IncidentType.objects.for_agency(agency).first()
    expected = args.peers * 2  # an email and an SMS each

    area = next(iter(areas_for(policy=agency.policy)), "")

    def one_round(number: int) -> float:
        start = timezone.now()
        activation = service.create(
            agency=agency, actor=coordinator, roles=frozenset({Role.COORDINATOR}),
            incident_type=incident, occurred_at=start, location=f"Round {number}",
            members_affected=1, briefing="Benchmark", peers_needed=args.peers, area=area,
        )  # fmt: skip
        calls = list(CallOut.objects.filter(activation=activation).values_list("pk", flat=True))
        messages = Message.objects.filter(subject_type="activations.callout", subject_id__in=calls)
        deadline = time.monotonic() + 120
        while messages.filter(state=State.SENT).count() < expected:
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"Round {number}: only {messages.filter(state=State.SENT).count()} of "
                    f"{expected} messages sent after 120 s; see {folder / 'worker.log'}"
                )
            time.sleep(0.02)
        last = messages.aggregate(last=Max("sent_at"))["last"]
        service.close(activation=activation, actor=coordinator)
        # The close stands the 50 down (another 100 messages): they go before the next round,
        # or it would time its fan-out queued behind this one's stand-down, twice the work.
        unsent = Message.objects.filter(state__in=[State.PENDING, State.SENDING])
        while unsent.exists():
            if time.monotonic() > deadline:
                raise SystemExit(f"Round {number}: the stand-down messages not sent after 120 s")
            time.sleep(0.02)
        return (last - start).total_seconds()

    one_round(0)  # warm-up: the worker's processes open their connections
    median, p95 = median_p95([one_round(i + 1) for i in range(args.rounds)])
    setup = f"{args.peers} peers, {expected} messages; worker of {args.concurrency}, Redis"
    result = f"median {median:.2f} s, p95 {p95:.2f} s, {args.rounds} rounds"
    print(f"{NAME} ({setup}): {result} (aim: p95 under 2 s)")
    emit(NAME, result, setup=setup, aim="p95 under 2 s", ok=p95 < 2,
         median_s=round(median, 3), p95_s=round(p95, 3), rounds=args.rounds)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
