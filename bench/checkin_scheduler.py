"""Benchmark: the RSMo 590.192 check-in scheduler for every agency of the state data set (600
agencies, 20,000 officers; bench/state.py), as the app role under row-level security.

Every agency's program started two years ago, so its whole force is due within the coming two
years; 40 contracted providers have the capacity, shared between the agencies that contract
each. For each agency in turn, in its own scope as a coordinator's request would be: computing
the due dates, the scheduler run (proposing every officer an appointment within two years) and
publishing it. Prints how long each part took over all agencies, the SQL query count of the
runs, and checks that every officer was placed once, within every slot's capacity. Needs
DATABASE_URL on PostgreSQL.

    .venv/bin/python bench/checkin_scheduler.py
"""

import contextlib
import sys
import time

from scratch import as_app_role, emit, on_postgresql, skip
from state import AGENCIES, OFFICERS, PROVIDERS, state_database

NAME = "check-in scheduler"
AIM_SECONDS = 10


def main() -> int:
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")
    with state_database():
        from django.db import connection
        from django.db.models import Count, Max

        from agencies import tenant_db
        from agencies.models import Agency
        from checkins.models import Appointment, OpeningHours
        from checkins.services.due import recompute_due_dates
        from checkins.services.runs import publish_run, run_scheduler
        from roster.models import Person

        with as_app_role():
            with tenant_db.system_scope():
                agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
            spent = {"due dates": 0.0, "run": 0.0, "publish": 0.0}
            queries = []
            placed = unplaced = 0

            @contextlib.contextmanager
            def timed(part):
                start = time.perf_counter()
                yield
                spent[part] += time.perf_counter() - start

            def count(execute, sql, *args):
                queries.append(sql)
                return execute(sql, *args)

            for agency_id in agencies:
                with tenant_db.agency_scope(agency_id):
                    with timed("due dates"):
                        agency = Agency.objects.select_related("policy").get(pk=agency_id)
                        recompute_due_dates(agency=agency)
                    with timed("run"), connection.execute_wrapper(count):
                        run = run_scheduler(agency=agency, actor=None, horizon_days=730)
                    with timed("publish"):
                        placed += publish_run(run=run, actor=None)
                    unplaced += run.unplaced

            with tenant_db.system_scope():
                officers = Person.objects.count()
                twice = (
                    Appointment.objects.values("person_id").annotate(n=Count("pk")).filter(n__gt=1)
                )
                most_in_a_slot = (
                    Appointment.objects.values("location_id", "starts_at")
                    .annotate(n=Count("pk"))
                    .aggregate(m=Max("n"))["m"]
                )
                capacity = OpeningHours.objects.aggregate(m=Max("capacity"))["m"]
                assert (placed, unplaced) == (officers, 0), (placed, unplaced, officers)
                assert not twice.exists()
                assert most_in_a_slot <= capacity, (most_in_a_slot, capacity)

    total = sum(spent.values())
    parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in spent.items())
    print(
        f"{NAME} ({len(agencies)} agencies, {officers:,} officers, {PROVIDERS} providers, app "
        f"role): {parts}, total {total:.2f} s; {len(queries):,} queries in the runs; "
        f"{placed:,} scheduled, {unplaced} not placed, 0 twice (aim: under {AIM_SECONDS} s)"
    )
    emit(
        NAME,
        f"total {total:.2f} s ({parts}), {placed:,} scheduled, "
        f"{len(queries):,} queries in the runs",
        setup=f"all {AGENCIES} agencies, {OFFICERS:,} officers, {PROVIDERS} providers; app role",
        aim=f"under {AIM_SECONDS} s",
        ok=total < AIM_SECONDS,
        seconds=round(total, 2),
        queries=len(queries),
        **{part.replace(" ", "_") + "_s": round(s, 2) for part, s in spent.items()},
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
