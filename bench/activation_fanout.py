"""Benchmark: an activation that calls 50 peers, each by email and SMS, through a real Celery
worker and Redis.

Prints the median and 95th percentile time from saving the activation to the last of its
messages handed to the email and SMS backends (files here, as in the embedded default). Needs
DATABASE_URL on PostgreSQL (the worker shares the scratch database) and REDIS_URL, as CI and
`make bench` on a machine with both have them.

    .venv/bin/python bench/activation_fanout.py [--rounds 20] [--peers 50] [--concurrency 4]
"""

import argparse
import contextlib
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from scratch import ROOT, scratch_database


def start_worker(db_name: str, redis: str, folder: Path, concurrency: int) -> subprocess.Popen:
    from django.conf import settings

    db = settings.DATABASES["default"]
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DEBUG": "true",
        "DATABASE_URL": f"postgres://{db.get('USER') or 'postgres'}{password}@"
        f"{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db_name}",
        "REDIS_URL": redis,
        "VAR_DIR": str(folder),
        "EMAIL_URL": f"filemail://{folder / 'mail'}",
        "SMS_FILE_PATH": str(folder / "sms"),
    }
    return subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--loglevel=WARNING",
         f"--concurrency={concurrency}", "--without-gossip", "--without-mingle",
         "-n", f"bench-{os.getpid()}@localhost"],
        cwd=ROOT, env=env, stdout=(folder / "worker.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--peers", type=int, default=50)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()
    if "postgres" not in os.environ.get("DATABASE_URL", "") or not os.environ.get("REDIS_URL"):
        print("activation fan-out: skipped (needs DATABASE_URL on PostgreSQL and REDIS_URL)")
        return 0

    with scratch_database() as db_name:
        from config.celery import app

        # Its own Redis database, so no other worker takes these tasks.
        redis = os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/14"
        app.conf.update(broker_url=redis, task_always_eager=False)
        folder = Path(tempfile.mkdtemp(prefix="fanout-"))
        worker = start_worker(db_name, redis, folder, args.concurrency)
        try:
            return run(args, folder)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(worker.pid, signal.SIGTERM)
            worker.wait(timeout=60)


def run(args, folder: Path) -> int:
    from django.db.models import Max
    from django.utils import timezone

    from activations.models import CallOut
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

    def one_round(number: int) -> float:
        start = timezone.now()
        activation = service.create(
            agency=agency, actor=coordinator, roles=frozenset({Role.COORDINATOR}),
            incident_type=incident, occurred_at=start, location=f"Round {number}",
            members_affected=1, briefing="Benchmark", peers_needed=args.peers,
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
        return (last - start).total_seconds()

    one_round(0)  # warm-up: the worker's processes open their connections
    times = sorted(one_round(i + 1) for i in range(args.rounds))
    p95 = times[max(0, round(len(times) * 0.95) - 1)]
    print(
        f"activation fan-out ({args.peers} peers, {expected} messages, worker concurrency "
        f"{args.concurrency}, Redis): median {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
        f"{args.rounds} rounds (aim: p95 under 5 s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
