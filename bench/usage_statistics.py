"""Benchmark: the statistics page over 1,000,000 usage forms in one agency.

The forms are spread over the last three years (about 330,000 a year) among 200 peers. Prints the
median and 95th percentile server time of the coordinator's statistics page (per-peer table
included) for the current quarter and for the whole current year, and its query count. Needs
DATABASE_URL on PostgreSQL (the forms are generated there in one INSERT ... SELECT); runs in a
scratch database it creates and drops.

    .venv/bin/python bench/usage_statistics.py [--forms 1000000] [--requests 20]
"""

import argparse
import sys
import time
from functools import partial

from scratch import emit, median_p95, on_postgresql, scratch_database, skip

NAME = "usage statistics"

INSERT = """
INSERT INTO usage_reports_usagereport
  (agency_id, peer_id, served_at, duration_minutes, incident_type_id, intervention_type_id,
   contact_mode, on_duty, activation_id, compensation_approved, filed_at, updated_at)
SELECT %(agency)s,
       (%(peers)s::bigint[])[1 + g %% %(npeers)s],
       now() - ((g::bigint * 7919) %% (1095 * 1440)) * interval '1 minute',
       5 + g %% 115,
       (%(incidents)s::bigint[])[1 + g %% %(nincidents)s],
       (%(interventions)s::bigint[])[1 + (g / 7) %% %(ninterventions)s],
       (ARRAY['in_person', 'phone', 'virtual'])[1 + (g / 3) %% 3],
       g %% 2 = 0, NULL, false, now(), now()
FROM generate_series(1, %(forms)s) AS g
"""


def record(queries: list, execute, sql, *args):
    queries.append(sql)
    return execute(sql, *args)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--forms", type=int, default=1_000_000)
    parser.add_argument("--peers", type=int, default=200)
    parser.add_argument("--requests", type=int, default=20)
    args = parser.parse_args()
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")

    with scratch_database():
        from django.db import connection

        from agencies.choices import Role
        from agencies.models import IncidentType, InterventionType, Membership, User
        from agencies.services import create_agency
        from demo.bulk import fill_agency
        from roster.models import Peer
        from tests.support.mfa import verified_client
        from usage_reports import periods

        agency = create_agency(slug="bench", name="Bench PD", preset_key="kcpd")
        fill_agency(agency, persons=args.peers * 2, peers=args.peers)
        ids = {
            "peers": list(Peer.objects.for_agency(agency).values_list("pk", flat=True)),
            "incidents": list(IncidentType.objects.for_agency(agency).values_list("pk", flat=True)),
            "interventions": list(
                InterventionType.objects.for_agency(agency).values_list("pk", flat=True)
            ),
        }
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                INSERT,
                {
                    "agency": agency.pk,
                    "forms": args.forms,
                    **ids,
                    **{f"n{key}": len(value) for key, value in ids.items()},
                },
            )
            cursor.execute("VACUUM ANALYZE usage_reports_usagereport")
        loaded = time.perf_counter() - started
        coordinator = User.objects.create(username="coordinator.bench")
        Membership.objects.create(user=coordinator, agency=agency, role=Role.COORDINATOR)
        client = verified_client(coordinator)  # past the two-step sign-in coordinators need
        quarter = periods.current_quarter(agency)
        year = quarter.key[:4]
        results = []
        for label, key in [("current quarter", quarter.key), ("current year", year)]:
            url = f"/bench/statistics/?period={key}"
            for _ in range(3):  # warm-up
                assert client.get(url).status_code == 200
            queries = []
            with connection.execute_wrapper(partial(record, queries)):
                response = client.get(url)
            counted = response.context["stats"].total
            times = []
            for _ in range(args.requests):
                start = time.perf_counter()
                assert client.get(url).status_code == 200
                times.append((time.perf_counter() - start) * 1000)
            median, p95 = median_p95(times)
            results.append((label, counted, median, p95, len(queries)))
    setup = f"{args.forms:,} forms, {args.peers} peers, loaded in {loaded:.0f} s"
    print(f"{NAME} ({setup}, postgresql; aim: median under 500 ms):")
    for label, counted, median, p95, queries in results:
        result = (
            f"median {median:,.0f} ms, p95 {p95:,.0f} ms; {counted:,} forms counted, "
            f"{queries} queries"
        )
        print(f"  {label}: {result}")
        emit(f"{NAME}, {label}", result, setup=setup, aim="median under 500 ms",
             ok=median < 500, median_ms=round(median, 1), p95_ms=round(p95, 1),
             forms_counted=counted, queries=queries, requests=args.requests)  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
