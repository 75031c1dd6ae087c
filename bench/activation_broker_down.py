"""Benchmark: the coordinator's request that opens an activation of 10 peers, with the broker down
and, as the base, with it up, in the same run.

Fills a scratch PostgreSQL database with an agency of 100 peers under the Missouri default policy
(no limit on peers), signs a coordinator in with the second factor, and POSTs the activation form
through Django's test client in this process: the whole middleware stack and the view, minus the
network. It connects as the app role, under row-level security, as production does. Each request
opens an activation calling 10 peers (10 call-outs, 20 messages in the outbox) and rings the broker
once after commit.

Up: a redis-server of the bench's own on a free port, where no worker takes the tasks. Down:
another one, killed (SIGKILL), so its port refuses connections. The two take turns, request by
request, so that the machine's other work weighs on both alike, and before each request the
process forgets the last outage: each down request meets the dead broker itself instead of the
quiet period that spares the requests after a first failure. Hung (fewer rounds): a third one
stopped with SIGSTOP, which accepts connections and never answers, as a frozen or partitioned
Redis does; the request waits out the broker's socket timeout (CELERY_BROKER_SOCKET_TIMEOUT).
Prints the median and p95 of each; the aim is the down request's p95 under 2 s. Needs
redis-server on PATH.

    .venv/bin/python bench/activation_broker_down.py [--rounds 20] [--hung-rounds 5]
"""

import argparse
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from scratch import emit, median_p95, on_postgresql, scratch_database, skip, work_folder

NAME = "activation request, broker down"
PEERS = 10


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis(folder: Path) -> tuple[subprocess.Popen, str]:
    import redis

    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no", "--dir", str(folder)],
        stdout=(folder / f"redis-{port}.log").open("w"), stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    deadline = time.monotonic() + 10
    while True:
        try:
            redis.Redis.from_url(url, socket_timeout=1).ping()
            return process, url
        except redis.RedisError:
            if time.monotonic() > deadline:
                raise SystemExit(f"redis-server on port {port} did not start") from None
            time.sleep(0.05)


def kill(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.kill()  # SIGKILL, which a stopped process takes too
        process.wait(timeout=10)


def use_broker(url: str) -> None:
    from config.celery import app
    from notifications.doorbell import forget_outage

    app.conf.update(broker_url=url, task_always_eager=False)
    # Pools made for the previous URL would keep publishing there.
    app._pool = None
    app.amqp._producer_pool = None
    forget_outage()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=20)
    parser.add_argument("--hung-rounds", type=int, default=5)
    parser.add_argument("--peers", type=int, default=100, help="the agency's team")
    args = parser.parse_args()
    if not on_postgresql() or not os.environ.get("REDIS_URL", "").startswith("redis"):
        # REDIS_URL also gives the settings the broker's timeouts, as in production.
        return skip(NAME, "needs DATABASE_URL on PostgreSQL and REDIS_URL")
    if not shutil.which("redis-server"):
        return skip(NAME, "needs redis-server on PATH, for a Redis of the bench's own to kill")

    with scratch_database(), work_folder("broker-down-") as folder:
        from tests.support import rls

        saved = rls.become_app_role()
        try:
            return run(args, folder)
        finally:
            rls.become_owner(saved)


def run(args, folder: Path) -> int:
    from django.conf import settings
    from django.urls import reverse

    from activations.models import CallOut
    from agencies import clock, tenant_db
    from agencies.choices import Role
    from agencies.models import IncidentType, Membership, User
    from agencies.services import create_agency
    from demo.bulk import fill_agency
    from notifications.doorbell import delivery_delayed
    from notifications.models import Message
    from tests.support.mfa import verified_client

    # Each request with the broker away logs a warning: dozens of lines the figures say better.
    logging.getLogger("notifications.doorbell").setLevel(logging.ERROR)
    with tenant_db.system_scope():
        agency = create_agency(slug="bench", name="Bench PD", preset_key="missouri-default")
        assert agency.policy.max_peers_per_activation is None
        fill_agency(agency, persons=args.peers * 2, peers=args.peers)
        coordinator = User.objects.create(username="coordinator.bench")
        Membership.objects.create(user=coordinator, agency=agency, role=Role.COORDINATOR)
        incident = IncidentType.objects.for_agency(agency).filter(requires_consent=False).first()
        client = verified_client(coordinator)
    url = reverse("activations:list", args=[agency.slug])

    def one_request(number: int, *, delayed: bool) -> float:
        form = {
            "incident_type": incident.pk, "area": agency.policy.activation_areas[0],
            "location": f"Round {number}", "members_affected": 1,
            "occurred_at": clock.now_local(agency).strftime("%Y-%m-%dT%H:%M"),
            "peers_needed": PEERS, "briefing": "",
        }  # fmt: skip
        began = time.perf_counter()
        response = client.post(url, form)
        took = time.perf_counter() - began
        with tenant_db.system_scope():
            calls = CallOut.objects.filter(activation__location=f"Round {number}")
            messages = Message.objects.filter(
                subject_type="activations.callout", subject_id__in=calls.values("pk")
            )
            made = (calls.count(), messages.count())
        if response.status_code != 302 or made != (PEERS, 2 * PEERS):
            raise SystemExit(
                f"Round {number}: answered {response.status_code}, {made[0]} call-outs and "
                f"{made[1]} messages (expected 302, {PEERS} and {2 * PEERS})"
            )
        if delivery_delayed() != delayed:
            raise SystemExit(f"Round {number}: the request did not see the broker as expected")
        return took

    number = 0

    def request_through(broker: str, *, delayed: bool) -> float:
        nonlocal number
        number += 1
        use_broker(broker)  # which also forgets the last outage: no quiet period spares it
        return one_request(number, delayed=delayed)

    timeout = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("socket_timeout")
    live, up_url = start_redis(folder)
    dead, down_url = start_redis(folder)
    hung, hung_url = start_redis(folder)
    try:
        kill(dead)  # its port now refuses connections, as a crashed Redis's does
        hung.send_signal(signal.SIGSTOP)  # accepts connections, never answers
        for _ in range(2):  # warm-up: templates, the URL resolver, the first connections
            request_through(up_url, delayed=False)
        # In turn, so that the machine's other work weighs on both alike.
        up, down = [], []
        for _ in range(args.rounds):
            up.append(request_through(up_url, delayed=False))
            down.append(request_through(down_url, delayed=True))
        stuck = [request_through(hung_url, delayed=True) for _ in range(args.hung_rounds)]
    finally:
        for server in (live, dead, hung):
            kill(server)

    setup = f"{PEERS} of {args.peers} peers, {2 * PEERS} messages; test client, app role"
    figures = {}
    for label, times in (("up", up), ("down", down), ("hung", stuck)):
        median, p95 = median_p95(times)
        figures[label] = {"median_ms": round(median * 1000, 1), "p95_ms": round(p95 * 1000, 1),
                          "requests": len(times)}  # fmt: skip

    def described(label: str) -> str:
        f = figures[label]
        return (
            f"median {f['median_ms']:,.0f} ms, p95 {f['p95_ms']:,.0f} ms, {f['requests']} requests"
        )

    print(
        f"{NAME} ({setup}):\n"
        f"  broker up (base): {described('up')}\n"
        f"  broker down (redis-server killed): {described('down')}\n"
        f"  broker hung (redis-server stopped, socket timeout {timeout} s): {described('hung')}"
    )
    emit(NAME, described("down"), setup=f"{setup}; redis-server killed", aim="p95 under 2 s",
         ok=figures["down"]["p95_ms"] < 2000, **figures["down"])  # fmt: skip
    emit("activation request, broker up", described("up"), setup=f"{setup}; the base",
         **figures["up"])  # fmt: skip
    emit("activation request, broker hung", described("hung"),
         setup=f"{setup}; redis-server stopped (SIGSTOP)", **figures["hung"])  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
