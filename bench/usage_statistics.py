"""Benchmark: the statistics page over the 1,000,000 usage forms of the state data set's "bench"
agency (bench/state.py), as the app role under row-level security.

The forms are spread over the last three years (about 330,000 a year) among 1,000 peers. Prints
the median and 95th percentile time of the coordinator's statistics page (per-peer table
included), in this process, for the current quarter and for the whole current year, and its
query count. Aims, from issue 17: p95 under 100 ms for the quarter, under 500 ms for the year.
Needs DATABASE_URL on PostgreSQL.

    .venv/bin/python bench/usage_statistics.py [--requests 20]
"""

import argparse
import sys
import time
from functools import partial

from scratch import as_app_role, emit, median_p95, on_postgresql, skip
from state import BIG, state_database
from state import SETUP as STATE
from state import agency as state_agency

NAME = "usage statistics"
AIMS_MS = {"current quarter": 100, "current year": 500}  # issue 17


def record(queries: list, execute, sql, *args):
    queries.append(sql)
    return execute(sql, *args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")

    with state_database():
        from django.db import connection

        from agencies.choices import Role
        from agencies.models import Membership, User
        from tests.support.mfa import verified_client
        from usage_reports import periods
        from usage_reports.models import UsageReport

        agency = state_agency("bench")
        forms = UsageReport.objects.filter(agency=agency).count()
        peers = BIG["bench"][3]
        coordinator = User.objects.create(username="coordinator.bench")
        Membership.objects.create(user=coordinator, agency=agency, role=Role.COORDINATOR)
        client = verified_client(coordinator)  # past the two-step sign-in coordinators need
        quarter = periods.current_quarter(agency)
        year = quarter.key[:4]
        results = []
        with as_app_role():
            for label, key in [("current quarter", quarter.key), ("current year", year)]:
                url = f"/bench/statistics/?period={key}"
                for _ in range(3):  # warm-up
                    assert client.get(url).status_code == 200
                queries = []
                with connection.execute_wrapper(partial(record, queries)):
                    response = client.get(url)
                counted = response.context["stats"].total.value
                times = []
                for _ in range(args.requests):
                    start = time.perf_counter()
                    assert client.get(url).status_code == 200
                    times.append((time.perf_counter() - start) * 1000)
                median, p95 = median_p95(times)
                results.append((label, counted, median, p95, len(queries)))
    setup = f"agency 'bench': {forms:,} forms, {peers:,} peers; app role; {STATE}"
    print(f"{NAME} ({setup}, postgresql):")
    for label, counted, median, p95, queries in results:
        aim = AIMS_MS[label]
        result = (
            f"median {median:,.0f} ms, p95 {p95:,.0f} ms; {counted:,} forms counted, "
            f"{queries} queries"
        )
        print(f"  {label}: {result}")
        emit(f"{NAME}, {label}", result, setup=setup, aim=f"p95 under {aim} ms",
             ok=p95 < aim, median_ms=round(median, 1), p95_ms=round(p95, 1),
             forms_counted=counted, queries=queries, requests=args.requests)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
