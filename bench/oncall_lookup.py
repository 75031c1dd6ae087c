"""Benchmark: the officer's on-call lookup with 1,000 peers and 5,000 persons in one agency, served
by gunicorn under 50 concurrent clients.

Fills a scratch PostgreSQL database (as its owner), starts gunicorn on it as docker-compose runs
it (3 sync workers, DEBUG off, Redis when REDIS_URL is set, connected as the app role under
row-level security) on a free loopback port, and signs an officer in (a session cookie). Then 50
client threads, each with its own connection (http.client; gunicorn's sync workers close it after
each answer, so every request opens a new one, as behind a proxy), ask for `/bench/on-call/`
again and again for --seconds; then the same for `/healthz/`, a bare Django view (no session
cookie, no database) on the same server, as the base. Prints the median, p95 and requests per
second of each and their ratio; and one client alone: the page's own time with nothing queued
before it (aim: p95 under 20 ms) and its SQL query counts, rendered afresh and from the cache.
Aims, from issue 17: 50 clients at least half the bare view's rate, p95 under 50 ms. The clients
run on the same machine as the server and share its cores. With BENCH_POOLER=transaction
(`bench/run.py --pooler`) gunicorn connects through PgBouncer in transaction mode (pooler.py).

    .venv/bin/python bench/oncall_lookup.py [--clients 50] [--seconds 20] [--workers 3]
"""

import argparse
import http.client
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import pooler
from scratch import (
    as_app_role,
    background,
    emit,
    median_p95,
    on_postgresql,
    scratch_database,
    service_env,
    skip,
    work_folder,
)

NAME = "on-call lookup"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def load(port: int, path: str, cookie: str, clients: int, seconds: float) -> dict:
    """clients threads ask for path for seconds (with the session cookie, if any): the median
    and p95 time in ms, the rate, errors, and how much of a core the clients themselves took."""
    times: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start = threading.Barrier(clients + 1)
    deadline = [0.0]  # set before the start, read after it

    headers = {"Cookie": cookie} if cookie else {}

    def client(number: int) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        start.wait()
        while time.perf_counter() < deadline[0]:
            began = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                connection.close()
                ok = False
            times[number].append((time.perf_counter() - began) * 1000)
            errors[number] += not ok
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for thread in threads:
        thread.start()
    deadline[0] = time.perf_counter() + seconds
    start.wait()
    began, cpu = time.perf_counter(), time.process_time()
    for thread in threads:
        thread.join()
    elapsed, cpu = time.perf_counter() - began, time.process_time() - cpu
    every = [t for own in times for t in own]
    median, p95 = median_p95(every)
    return {
        "median_ms": round(median, 1),
        "p95_ms": round(p95, 1),
        "rps": round(len(every) / elapsed, 1),
        "requests": len(every),
        "errors": sum(errors),
        "client_cores": round(cpu / elapsed, 2),
    }


def described(figures: dict, rate: bool = True) -> str:
    text = f"median {figures['median_ms']:,.0f} ms, p95 {figures['p95_ms']:,.0f} ms"
    if rate:
        text += f", {figures['rps']:,.0f} req/s"
    if figures["errors"]:
        text += f", {figures['errors']} errors"
    return text


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--peers", type=int, default=1000)
    parser.add_argument("--persons", type=int, default=5000)
    args = parser.parse_args()
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")

    with scratch_database() as db_name:
        from django.conf import settings
        from django.db import connection
        from django.test import Client

        from agencies import tenant_db
        from agencies.choices import Role
        from agencies.models import Membership, User
        from agencies.services import create_agency
        from demo.bulk import fill_agency
        from roster.versions import roster_changed

        agency = create_agency(slug="bench", name="Bench PD", preset_key="kcpd")
        fill_agency(agency, persons=args.persons, peers=args.peers)
        officer = User.objects.create(username="officer.bench")
        Membership.objects.create(user=officer, agency=agency, role=Role.OFFICER)

        with as_app_role(), work_folder("oncall-") as folder:
            client = Client()
            with tenant_db.system_scope():  # a sign-in's audit event names no agency
                client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
            session = client.cookies[settings.SESSION_COOKIE_NAME].value
            cookie = f"{settings.SESSION_COOKIE_NAME}={session}"
            url = "/bench/on-call/"
            assert client.get(url).status_code == 200
            # The count of a page rendered afresh (a new roster version) and of one from the cache.
            roster_changed(agency.pk)
            queries, cached = [], []
            for kept in (queries, cached):
                with connection.execute_wrapper(
                    lambda execute, sql, *a, kept=kept: kept.append(sql) or execute(sql, *a)
                ):
                    assert client.get(url).status_code == 200

            env = service_env(db_name, folder)
            subprocess.run(
                [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
                cwd=Path(__file__).resolve().parent.parent, env=env, check=True,
            )  # fmt: skip
            port = free_port()
            command = [
                sys.executable, "-m", "gunicorn", "config.wsgi:application",
                "--bind", f"127.0.0.1:{port}", "--workers", str(args.workers),
            ]  # fmt: skip
            with (
                pooler.serving(env) as (served, pooled),
                background(command, served, folder / "gunicorn.log") as server,
            ):
                wait_until_up(port, server, folder / "gunicorn.log")
                # Warm-up: every worker opens its database connection.
                load(port, url, cookie, args.clients, 3)
                alone = load(port, url, cookie, 1, args.seconds)
                page = load(port, url, cookie, args.clients, args.seconds)
                bare = load(port, "/healthz/", "", args.clients, args.seconds)

    setup = (
        f"{args.peers:,} peers, {args.persons:,} persons; gunicorn, {args.workers} workers,"
        " app role under row-level security"
    ) + (f", {pooled}" if pooled else "")
    counted = f"{len(queries)} queries rendered afresh, {len(cached)} from the cache"
    ratio = (
        f"median {page['median_ms'] / bare['median_ms']:.1f}x, "
        f"req/s {page['rps'] / bare['rps']:.2f}x"
    )
    print(
        f"{NAME} ({setup}, postgresql):\n"
        f"  1 client: {described(alone, rate=False)}; {counted}\n"
        f"  {args.clients} clients: {described(page)} (the clients took "
        f"{page['client_cores']:.2f} of a core)\n"
        f"  bare view /healthz/, {args.clients} clients: {described(bare)} (the clients took "
        f"{bare['client_cores']:.2f} of a core)\n"
        f"  on-call / bare view: {ratio}"
    )
    emit(
        f"{NAME}, 1 client", f"{described(alone, rate=False)}; {counted}",
        setup=setup, aim="p95 under 20 ms", ok=alone["p95_ms"] < 20 and not alone["errors"],
        queries=len(queries), cached_queries=len(cached), **alone,
    )  # fmt: skip
    emit(f"{NAME}, {args.clients} clients", described(page), setup=setup,
         aim="p95 under 50 ms", ok=page["p95_ms"] < 50 and not page["errors"],
         **page)  # fmt: skip
    emit(f"bare view /healthz/, {args.clients} clients", described(bare),
         setup="same server, no database", ok=None if not bare["errors"] else False,
         **bare)  # fmt: skip
    emit(
        "on-call / bare view",
        ratio,
        setup=f"{args.clients} clients each",
        aim="req/s at least 0.5x",
        ok=page["rps"] / bare["rps"] >= 0.5,
        median_ratio=round(page["median_ms"] / bare["median_ms"], 2),
        rps_ratio=round(page["rps"] / bare["rps"], 3),
    )
    return 0


def wait_until_up(port: int, server: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn stopped:\n{log.read_text()}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/healthz/")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"gunicorn did not answer within 60 s:\n{log.read_text()}")


if __name__ == "__main__":
    sys.exit(main())
