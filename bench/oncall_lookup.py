"""Benchmark: the officer's on-call lookup with 1,000 peers and 5,000 persons in one agency.

Prints the median and 95th percentile server time of the page (the request handled in-process,
no network), and its SQL query count. Runs against DATABASE_URL (PostgreSQL in CI and `make
bench`) or, with nothing set, SQLite, in a scratch database it creates and drops.

    .venv/bin/python bench/oncall_lookup.py [--requests 200]
"""

import argparse
import statistics
import time

from scratch import scratch_database


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--peers", type=int, default=1000)
    parser.add_argument("--persons", type=int, default=5000)
    args = parser.parse_args()

    with scratch_database():
        from django.db import connection
        from django.test import Client

        from agencies.choices import Role
        from agencies.models import Membership, User
        from agencies.services import create_agency
        from demo.bulk import fill_agency

        agency = create_agency(slug="bench", name="Bench PD", preset_key="kcpd")
        fill_agency(agency, persons=args.persons, peers=args.peers)
        officer = User.objects.create(username="officer.bench")
        Membership.objects.create(user=officer, agency=agency, role=Role.OFFICER)
        client = Client()
        client.force_login(officer)
        url = "/bench/on-call/"
        for _ in range(5):  # warm-up
            assert client.get(url).status_code == 200
        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
        ):
            client.get(url)
        times = []
        for _ in range(args.requests):
            start = time.perf_counter()
            response = client.get(url)
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code == 200
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        engine = connection.vendor
        print(
            f"on-call lookup ({args.peers} peers, {args.persons} persons, {engine}): "
            f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
            f"{len(queries)} queries, {args.requests} requests (aim: p95 under 50 ms)"
        )


if __name__ == "__main__":
    main()
