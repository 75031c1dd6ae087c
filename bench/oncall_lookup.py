"""Benchmark: the officer's on-call lookup in the state data set (bench/state.py), for the
1,000-peer and the 10,000-peer agency, served by gunicorn under 50 concurrent clients.

Takes a copy of the state database, starts gunicorn on it as docker-compose runs
it (3 sync workers, DEBUG off, Redis when REDIS_URL is set, connected as the app role under
row-level security) on a free loopback port, and signs an officer of each agency in (the session
and CSRF cookies a browser would send back). One client alone asks each agency's page for half
of --seconds: the page's own time with nothing queued before it (aim: p95 under 20 ms for both);
its SQL query counts, rendered afresh and from the cache, counted in this process as the app
role, must be the same for both. Then 50
client threads, each with its own connection (http.client; gunicorn's sync workers close it after
each answer, so every request opens a new one, as behind a proxy), ask for `/bench/on-call/`
again and again for --seconds; then the same for `/healthz/`, a bare Django view (no session
cookie; a `SELECT 1` and a Redis ping) on the same server, as the base. Prints the median, p95
and requests per second of each and their ratio, and at the end the peak memory (VmHWM) of each
gunicorn worker. Aims, from issue 17: 50 clients at least half the bare view's rate, p95 under
50 ms. The clients run on the same machine as the server and share its cores. With
BENCH_POOLER=transaction (`bench/run.py --pooler`) gunicorn connects through PgBouncer in
transaction mode (pooler.py).

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
    service_env,
    skip,
    work_folder,
    worker_peak_rss,
)
from state import BIG, state_database
from state import SETUP as STATE
from state import agency as state_agency

NAME = "on-call lookup"
AGENCIES = ("bench", "metro")  # 1,000 and 10,000 peers


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


def counted(client, url: str, agency_id: int) -> tuple[int, int]:
    """The SQL query counts of the page rendered afresh (a new roster version) and from the
    cache, in this process as the app role."""
    from django.db import connection

    from roster.versions import roster_changed

    for _ in range(2):  # the session and the user read once, as every request after sign-in
        assert client.get(url).status_code == 200
    roster_changed(agency_id)
    counts = []
    for _ in range(2):
        kept = []
        with connection.execute_wrapper(
            lambda execute, sql, *a, kept=kept: kept.append(sql) or execute(sql, *a)
        ):
            assert client.get(url).status_code == 200
        counts.append(len(kept))
    return counts[0], counts[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--workers", type=int, default=3)
    args = parser.parse_args()
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")

    with state_database() as db_name:
        from django.conf import settings
        from django.test import Client

        from agencies import tenant_db
        from agencies.choices import Role
        from agencies.models import Membership, User

        teams = {}  # slug: (agency, officer, peers)
        for slug in AGENCIES:
            agency = state_agency(slug)
            officer = User.objects.create(username=f"officer.{slug}")
            Membership.objects.create(user=officer, agency=agency, role=Role.OFFICER)
            teams[slug] = (agency, officer, BIG[slug][3])

        with as_app_role(), work_folder("oncall-") as folder:
            cookies, queries = {}, {}
            for slug, (agency, officer, _) in teams.items():
                client = Client()
                with tenant_db.system_scope():  # a sign-in's audit event names no agency
                    client.force_login(officer, backend="django.contrib.auth.backends.ModelBackend")
                queries[slug] = counted(client, f"/{slug}/on-call/", agency.pk)
                # Both cookies a browser sends back: the session, and the CSRF cookie the first
                # page set (without it every answer would make and set a new one).
                cookies[slug] = "; ".join(
                    f"{name}={client.cookies[name].value}"
                    for name in (settings.SESSION_COOKIE_NAME, settings.CSRF_COOKIE_NAME)
                )

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
                alone = {}
                for slug in teams:
                    # Warm-up: every worker opens its database connection and caches the page.
                    load(port, f"/{slug}/on-call/", cookies[slug], args.clients, 3)
                    alone[slug] = load(
                        port, f"/{slug}/on-call/", cookies[slug], 1, args.seconds / 2
                    )
                page = load(port, "/bench/on-call/", cookies["bench"], args.clients, args.seconds)
                bare = load(port, "/healthz/", "", args.clients, args.seconds)
                peaks = worker_peak_rss(server.pid)

    setup = (
        f"gunicorn, {args.workers} workers, app role under row-level security"
        + (f", {pooled}" if pooled else "")
        + f"; {STATE}"
    )
    lines = [f"{NAME} ({setup}, postgresql):"]
    for slug, figures in alone.items():
        afresh, cached = queries[slug]
        lines.append(
            f"  {teams[slug][2]:,} peers ({slug}), 1 client: {described(figures, rate=False)};"
            f" {afresh} queries rendered afresh, {cached} from the cache"
        )
    ratio = (
        f"median {page['median_ms'] / bare['median_ms']:.1f}x, "
        f"req/s {page['rps'] / bare['rps']:.2f}x"
    )
    lines += [
        f"  {args.clients} clients (bench): {described(page)} (the clients took "
        f"{page['client_cores']:.2f} of a core)",
        f"  bare view /healthz/, {args.clients} clients: {described(bare)} (the clients took "
        f"{bare['client_cores']:.2f} of a core)",
        f"  on-call / bare view: {ratio}",
        f"  gunicorn workers' peak memory (VmHWM): {', '.join(f'{m:.0f} MiB' for m in peaks)}",
    ]
    print("\n".join(lines))
    for slug, figures in alone.items():
        afresh, cached = queries[slug]
        emit(
            f"{NAME}, {teams[slug][2]:,} peers, 1 client",
            f"{described(figures, rate=False)}; {afresh} queries rendered afresh, {cached} from"
            " the cache",
            setup=f"agency {slug!r}; {setup}", aim="p95 under 20 ms",
            ok=figures["p95_ms"] < 20 and not figures["errors"],
            queries=afresh, cached_queries=cached, **figures,
        )  # fmt: skip
    counts = {slug: queries[slug] for slug in teams}
    same = len(set(counts.values())) == 1
    emit(
        f"{NAME}, query count by team size",
        ", ".join(f"{teams[s][2]:,} peers: {a} afresh, {c} cached" for s, (a, c) in counts.items()),
        setup="the same page for the 1,000-peer and the 10,000-peer agency",
        aim="the same for both", ok=same, counts={s: list(c) for s, c in counts.items()},
    )  # fmt: skip
    emit(f"{NAME}, {args.clients} clients", described(page), setup=f"agency 'bench'; {setup}",
         aim="p95 under 50 ms", ok=page["p95_ms"] < 50 and not page["errors"],
         **page)  # fmt: skip
    emit(f"bare view /healthz/, {args.clients} clients", described(bare),
         setup="same server; no session, a SELECT 1 and a Redis ping",
         ok=None if not bare["errors"] else False, **bare)  # fmt: skip
    emit(
        "on-call / bare view",
        ratio,
        setup=f"{args.clients} clients each",
        aim="req/s at least 0.5x",
        ok=page["rps"] / bare["rps"] >= 0.5,
        median_ratio=round(page["median_ms"] / bare["median_ms"], 2),
        rps_ratio=round(page["rps"] / bare["rps"], 3),
    )
    emit(
        "gunicorn worker peak memory",
        f"{max(peaks):.0f} MiB (the largest of {len(peaks)} workers' VmHWM)" if peaks else "-",
        setup="after the lookup's runs above", ok=None if peaks else False,
        peak_mib=[round(m, 1) for m in peaks],
    )  # fmt: skip
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
