"""Issue 13's faults, shown with a real Celery worker, Redis and PostgreSQL: Redis killed before a
coordinator opens an activation, a worker killed in the middle of a fan-out, and the worker's
database connections cut while it delivers. Each test prints what happened, then checks that
every called peer got exactly one email and one text.

Each test has a redis-server of its own on a free port (killing it breaks nobody else's run, and
no task of another run's worker is taken or left behind), so these need `redis-server` on PATH
besides PostgreSQL and REDIS_URL, as CI has. Counting is done on what the backends wrote (files):
the outbox's rows say what should have gone, the files what did."""

import json
import re
import shutil
import subprocess
import time
from collections import Counter
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from activations.models import Activation, CallOut, Status
from agencies.choices import Role
from agencies.models import Agency, IncidentType, User
from demo.bulk import fill_agency
from notifications.middleware import DELAYED
from notifications.models import Channel, Message, State
from roster.selectors import recipient_address
from tests.factories import AgencyFactory, member
from tests.support.mfa import verified_client
from tests.test_worker_redis import (
    database_url,
    forget_connections,
    sms_lines,
    start_worker,
    stop,
    sweep,
    use_broker,
    wait_for,
)
from tests.test_worker_redis import (
    pytestmark as needs_postgresql_and_redis,
)

pytestmark = [
    *needs_postgresql_and_redis,
    pytest.mark.skipif(not shutil.which("redis-server"), reason="needs redis-server on PATH"),
]

WORKER_APP_NAME = "faultworker"


def free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PrivateRedis:
    """A redis-server of this test's own, keeping nothing on disk; kill() is SIGKILL, as a
    crash or the OOM killer would stop it."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        log = (self.folder / f"redis-{self.port}.log").open("a")
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
             "--appendonly", "no", "--dir", str(self.folder)],
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        client = redis.Redis.from_url(self.url, socket_timeout=1)
        assert wait_for(lambda: self._answers(client), 10), f"redis-server on {self.port}"

    @staticmethod
    def _answers(client: redis.Redis) -> bool:
        try:
            return client.ping()
        except redis.RedisError:
            return False

    def kill(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)


@pytest.fixture
def private_redis(tmp_path):
    """A Redis of the test's own, which this process's Celery app rings (put back after)."""
    from config.celery import app

    server = PrivateRedis(tmp_path)
    server.start()
    before = (app.conf.broker_url, app.conf.task_always_eager)
    use_broker(server.url)
    yield server
    app.conf.update(broker_url=before[0], task_always_eager=before[1])
    forget_connections(app)
    server.kill()


def teams(count: int, *, peers: int) -> list[tuple[Agency, User]]:
    """Agencies whose policy sets no limit on peers an activation (the Missouri default), each
    with `peers` active peers (an address of their own each) and a coordinator."""
    made = []
    for number in range(1, count + 1):
        agency = AgencyFactory(slug=f"faults{number}", preset="missouri-default")
        assert agency.policy.max_peers_per_activation is None
        fill_agency(agency, persons=peers, peers=peers)
        made.append((agency, member(agency, Role.COORDINATOR, username=f"coordinator.{number}")))
    return made


def incident_type(agency) -> IncidentType:
    return IncidentType.objects.for_agency(agency).filter(requires_consent=False).first()


def scene(agency) -> str:
    return f"Scene {agency.slug}"


# Each agency has one activation, and its messages carry the agency in their link (never the
# location): the agencies' demo phone numbers are alike, so an address alone would not say
# whose call-out it was.
LINK_AGENCY = re.compile(r"/callouts/([^/\s]+)/")


def open_activations(open_activation, made: list[tuple[Agency, User]], *, peers: int) -> list:
    """One activation of `peers` in each agency, one right after another: an activation calls
    at most 50 (the model's limit), so a bigger fan-out is several agencies' incidents at once.
    Their call-outs go to the broker when each commits, as the page's would (`deliver=False`)."""
    return [
        open_activation(
            agency,
            actor=coordinator,
            incident_type=incident_type(agency),
            location=scene(agency),
            peers_needed=peers,
            deliver=False,
        )
        for agency, coordinator in made
    ]


def wait_until_ready(tmp_path: Path, name: str) -> None:
    # A worker still starting would leave the first tasks waiting, and the test's timing with it.
    log = tmp_path / f"{name}.log"
    assert wait_for(lambda: " ready." in log.read_text(), 30), log.read_text()[-3000:]


def deliveries(tmp_path: Path) -> Counter:
    """(channel, address, agency) of every message the backends wrote, as many times as
    written."""
    written = Counter()
    for line in sms_lines(tmp_path):
        text = json.loads(line)
        written[(Channel.SMS, text["to"], LINK_AGENCY.search(text["body"])[1])] += 1
    folder = tmp_path / "mail"
    for path in folder.iterdir() if folder.exists() else []:
        # The file backend may append two messages to one file: each has its headers and body.
        for mail in path.read_text().split("\n" + "-" * 79 + "\n"):
            if to := re.search(r"^To: (.+)$", mail, flags=re.MULTILINE):
                written[(Channel.EMAIL, to[1].strip(), LINK_AGENCY.search(mail)[1])] += 1
    return written


def outbox() -> Counter:
    """(channel, address, agency) of every message the outbox holds: what should have gone."""
    calls = dict(CallOut.objects.values_list("pk", "agency__slug"))
    messages = Message.objects.all()
    assert {m.purpose for m in messages} <= {"callout"}
    return Counter((m.channel, recipient_address(m), calls[m.subject_id]) for m in messages)


def tally(tmp_path: Path) -> tuple[int, int, int]:
    """(sent, missing, doubled), counted per recipient address and channel."""
    expected, written = outbox(), deliveries(tmp_path)
    # One message per peer, channel and activation: two alike are one message sent twice.
    assert len(expected) == Message.objects.count()
    missing = sum((expected - written).values())
    doubled = sum((written - expected).values())
    return sum(written.values()), missing, doubled


def all_sent() -> bool:
    return not Message.objects.exclude(state=State.SENT).exists()


def settle(tmp_path: Path, redis_url: str, *, lease_from: float) -> int:
    """Lets the worker take what is still queued, then sweeps as beat would, once the lease of a
    claim left by a dead or failed delivery has run out (3 s in worker_env, counted from
    `lease_from`), until every message is sent. Returns the number of sweeps.

    Sweeping while the queue is still full would hand every queued message over a second time:
    harmless (the claim skips them) but it doubles the worker's work and the test's time."""
    queue = redis.Redis.from_url(redis_url)
    assert wait_for(lambda: queue.llen("celery") == 0, 60), "the worker did not take its queue"
    for number in range(1, 5):
        time.sleep(max(0.0, lease_from + 3.5 - time.monotonic()))
        sweep(tmp_path, REDIS_URL=redis_url)
        if wait_for(all_sent, 15):
            return number
        lease_from = time.monotonic()
    return number


@pytest.mark.system_scope
def test_with_redis_killed_an_activation_of_10_peers_opens_at_once_and_goes_out_when_it_is_back(
    tmp_path, private_redis
):
    [(agency, coordinator)] = teams(1, peers=12)
    private_redis.kill()
    client = verified_client(coordinator)
    page = reverse("activations:list", args=[agency.slug])
    # The coordinator has the form open already; this also leaves the process's first-request
    # costs (templates, URLs) out of the time of the POST.
    assert client.get(page).status_code == 200
    form = {
        "incident_type": incident_type(agency).pk,
        "occurred_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "area": agency.policy.activation_areas[0],
        "location": scene(agency),
        "members_affected": 1,
        "peers_needed": 10,
        "briefing": "",
    }
    started = time.monotonic()
    response = client.post(page, form)
    took = time.monotonic() - started
    assert response.status_code == 302, response.content.decode()[-2000:]
    # The warning is added to the answer of the POST, and shown on the page it leads to.
    assert DELAYED in client.get(response.url).content.decode()
    activation = Activation.objects.get()
    assert activation.status == Status.OPEN and activation.callouts.count() == 10
    pending = Counter(Message.objects.filter(state=State.PENDING).values_list("channel", flat=True))
    assert pending == {Channel.EMAIL: 10, Channel.SMS: 10}
    assert Message.objects.count() == 20
    assert took < 2

    private_redis.start()  # back, on the same port, empty: the rows are the truth, not the queue
    worker = start_worker(tmp_path, "after", REDIS_URL=private_redis.url)
    try:
        wait_until_ready(tmp_path, "after")
        handed = sweep(tmp_path, REDIS_URL=private_redis.url)
        done = wait_for(lambda: Message.objects.filter(state=State.SENT).count() == 20, 30)
        assert done, (tmp_path / "after.log").read_text()[-3000:]
    finally:
        stop(worker)
    sent, missing, doubled = tally(tmp_path)
    print(
        f"\nredis killed before activation of 10 peers: request {took:.2f} s, "
        f"{sum(pending.values())} pending, sweep handed {handed}; "
        f"sent {sent}, missing {missing}, doubled {doubled}"
    )
    assert (sent, missing, doubled) == (20, 0, 0)


@pytest.mark.system_scope
def test_a_worker_killed_mid_fan_out_of_200_call_outs_leaves_each_peer_one_email_and_one_text(
    tmp_path, private_redis, open_activation
):
    made = teams(4, peers=50)
    sent = Message.objects.filter(state=State.SENT)
    first = start_worker(tmp_path, "first", REDIS_URL=private_redis.url)
    try:
        wait_until_ready(tmp_path, "first")
        open_activations(open_activation, made, peers=50)
        assert Message.objects.count() == 400
        assert wait_for(lambda: sent.count() >= 100, 60), (tmp_path / "first.log").read_text()
    finally:
        stop(first)  # SIGKILL to its process group: no task finishes, nothing is acknowledged
    killed = time.monotonic()
    at_kill = sent.count()
    # The message in the dying worker's hands: claimed and perhaps already written by the
    # backend, but not yet recorded as sent. That one alone may go twice (at least once).
    in_flight = list(Message.objects.filter(state=State.SENDING))
    written = deliveries(tmp_path)
    calls = dict(CallOut.objects.values_list("pk", "agency__slug"))
    in_window = [
        m for m in in_flight if written[(m.channel, recipient_address(m), calls[m.subject_id])]
    ]
    assert 20 <= at_kill <= 300 and len(in_flight) <= 1

    # The one that takes over may be quicker: only the killed one's in-flight count matters.
    second = start_worker(tmp_path, "second", concurrency=4, REDIS_URL=private_redis.url)
    try:
        wait_until_ready(tmp_path, "second")
        sweeps = settle(tmp_path, private_redis.url, lease_from=killed)
        assert all_sent(), (tmp_path / "second.log").read_text()[-3000:]
    finally:
        stop(second)
    total, missing, doubled = tally(tmp_path)
    print(
        f"\nworker SIGKILLed mid-fan-out of 200 call-outs: killed at {at_kill} of 400 sent, "
        f"{len(in_flight)} in flight, {len(in_window)} of them written but not recorded "
        f"(the at-least-once window, at most 1 with concurrency 1 and prefetch 1); "
        f"{sweeps} sweep(s); sent {total}, missing {missing}, doubled {doubled}"
    )
    assert missing == 0
    # A double is allowed only for the message written in the instant before its SENT was
    # recorded, seen above; any other would be a bug.
    assert doubled == len(in_window) <= 1


def terminate_worker_connections() -> int:
    """Cuts the worker's connections to the test database (found by their application_name),
    as a failover or a restarted PostgreSQL would. Returns how many were cut."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            " AND application_name = %s",
            [WORKER_APP_NAME],
        )
        return cursor.fetchone()[0]


@pytest.mark.system_scope
def test_the_workers_database_connections_cut_mid_delivery_lose_and_double_nothing(
    tmp_path, private_redis, open_activation
):
    made = teams(2, peers=50)
    sent = Message.objects.filter(state=State.SENT)
    pause = tmp_path / "pause.request"
    worker = start_worker(
        tmp_path, "cut", REDIS_URL=private_redis.url,
        DATABASE_URL=f"{database_url()}?application_name={WORKER_APP_NAME}",
        SMS_BACKEND="tests.support.pausing_sms.PausingSmsBackend", PAUSE_REQUEST=str(pause),
    )  # fmt: skip
    # How many messages were sent at each cut that found a worker's connection: anywhere in a
    # delivery, and just after a text was handed over and before it was recorded as sent.
    anywhere: list[int] = []
    after_send: list[int] = []
    try:
        wait_until_ready(tmp_path, "cut")
        open_activations(open_activation, made, peers=50)
        # Celery closes the database connection after every task, so the worker holds one only
        # while it delivers: a cut is tried until it finds one. Every 15 messages, from the
        # first ones to near the end of the fan-out, one cut of each kind in turn.
        deadline = time.monotonic() + 40
        next_cut = 5
        while len(anywhere) + len(after_send) < 12 and time.monotonic() < deadline:
            count = sent.count()
            if count >= 185:
                break
            if count < next_cut:
                time.sleep(0.01)
            elif len(after_send) < len(anywhere):
                pause.touch()
                taken = pause.with_suffix(".taken")
                if wait_for(taken.exists, 10) and terminate_worker_connections():
                    after_send.append(count)
                taken.unlink(missing_ok=True)
                next_cut = count + 15
            elif terminate_worker_connections():
                anywhere.append(count)
                next_cut = count + 15
        pause.unlink(missing_ok=True)
        sweeps = settle(tmp_path, private_redis.url, lease_from=time.monotonic())
        log = (tmp_path / "cut.log").read_text()
        assert all_sent(), log[-3000:]
    finally:
        stop(worker)
    total, missing, doubled = tally(tmp_path)
    recorded_again = log.count("Transient database error in _record_sent")
    retried = log.count("retry: Retry in")  # the task, cut before its send
    print(
        f"\nworker's database connections cut during a fan-out of 100 call-outs: "
        f"{len(anywhere)} times anywhere (at {anywhere} sent), {len(after_send)} times between "
        f"a send and its record (at {after_send} sent); {recorded_again} sent message(s) "
        f"recorded on a second try, {retried} task(s) retried; {sweeps} sweep(s); "
        f"sent {total}, missing {missing}, doubled {doubled}"
    )
    assert len(anywhere) >= 4 and len(after_send) >= 4, "too few cuts to show anything"
    # Each cut after a send was met by the bookkeeping, which tried again instead of leaving
    # a claim to go stale and the message to be sent a second time.
    assert recorded_again >= len(after_send)
    assert (total, missing, doubled) == (200, 0, 0)
