"""Benchmark: the RSMo 590.192 check-in scheduler for every agency of the state data set (600
agencies, 20,000 officers; bench/state.py), as the app role under row-level security.

Every agency's program started two years ago, so its whole force is due within the coming two
years; 40 contracted providers have the capacity, shared between the agencies that contract
each. Each agency's scheduling is what a state-wide job does: computing the due dates, the
scheduler run (proposing every officer an appointment within two years) and publishing it, in
that agency's own scope.

By default, as production runs it: one `checkins.schedule_agency` task per agency, queued on
REDIS_URL's Redis in agency id order (the two big agencies first) and run by a real Celery worker
of `--concurrency` processes connected as the app role. What is measured is the wall time from
the first task queued to the last run published (its `published_at`, or when an agency with
nobody to place finished its empty run), the worker already started and answering. With
`--in-process`, the agencies are scheduled one after another in this process instead, with the
time of each part and the SQL query count of the runs. Either way it then checks that every
officer was scheduled once, within every slot's capacity. Needs DATABASE_URL on PostgreSQL and,
for the worker, REDIS_URL (a database no other worker reads).

    .venv/bin/python bench/checkin_scheduler.py [--concurrency 3] [--in-process]
"""

import argparse
import contextlib
import os
import sys
import time

from scratch import as_app_role, celery_worker, emit, on_postgresql, skip, work_folder
from state import AGENCIES, OFFICERS, PROVIDERS, state_database

NAME = "check-in scheduler"
AIM_SECONDS = 10
HORIZON_DAYS = 730
SETUP = f"all {AGENCIES} agencies, {OFFICERS:,} officers, {PROVIDERS} providers; app role"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--concurrency", type=int, default=3)
    parser.add_argument("--in-process", action="store_true", help="one agency after another")
    args = parser.parse_args()
    if not on_postgresql():
        return skip(NAME, "needs DATABASE_URL on PostgreSQL")
    if not args.in_process and not os.environ.get("REDIS_URL", "").startswith("redis"):
        return skip(NAME, "needs REDIS_URL for the worker (or --in-process)")
    with state_database() as db_name:
        from agencies import tenant_db
        from agencies.models import Agency

        with tenant_db.system_scope():
            agencies = list(Agency.objects.order_by("pk").values_list("pk", flat=True))
        if args.in_process:
            with as_app_role():
                seconds, parts, figures = in_process(agencies)
            how = "in one process, one agency after another"
        else:
            seconds, parts, figures = on_worker(agencies, db_name, args.concurrency)
            how = f"one task per agency on a Celery worker of {args.concurrency}, Redis"
        placed = check()
    result = f"total {seconds:.2f} s{parts}, {placed:,} scheduled"
    print(
        f"{NAME} ({len(agencies)} agencies, {placed:,} officers, {PROVIDERS} providers, app "
        f"role, {how}): {result}, 0 twice, no slot over capacity (aim: under {AIM_SECONDS} s)"
    )
    emit(NAME, result, setup=f"{SETUP}; {how}", aim=f"under {AIM_SECONDS} s",
         ok=seconds < AIM_SECONDS, seconds=round(seconds, 2), **figures)  # fmt: skip
    return 0


def in_process(agencies: list[int]) -> tuple[float, str, dict]:
    from django.db import connection

    from agencies import tenant_db
    from agencies.models import Agency
    from checkins.services.due import recompute_due_dates
    from checkins.services.runs import publish_run, run_scheduler

    spent = {"due dates": 0.0, "run": 0.0, "publish": 0.0}
    queries = []

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
                run = run_scheduler(agency=agency, actor=None, horizon_days=HORIZON_DAYS)
            with timed("publish"):
                publish_run(run=run, actor=None)
    parts = ", ".join(f"{part} {seconds:.2f} s" for part, seconds in spent.items())
    figures = {part.replace(" ", "_") + "_s": round(s, 2) for part, s in spent.items()}
    return (
        sum(spent.values()),
        f" ({parts}; {len(queries):,} queries in the runs)",
        {**figures, "queries": len(queries)},
    )


def on_worker(agencies: list[int], db_name: str, concurrency: int) -> tuple[float, str, dict]:
    from config.celery import app

    with work_folder("scheduler-") as folder, celery_worker(db_name, folder, concurrency):
        deadline = time.monotonic() + 60
        while not app.control.ping(timeout=0.5):
            if time.monotonic() > deadline:
                raise SystemExit(f"The worker never answered; see {folder / 'worker.log'}")
        return dispatch(agencies, folder)


def dispatch(agencies: list[int], folder) -> tuple[float, str, dict]:
    from django.db.models import Max, Q
    from django.utils import timezone

    from agencies import tenant_db
    from checkins.models import RunState, ScheduleRun
    from checkins.tasks import schedule_agency

    start = timezone.now()
    for agency_id in agencies:
        schedule_agency.delay(agency_id, HORIZON_DAYS)
    with tenant_db.system_scope():
        done = ScheduleRun.objects.filter(state__in=[RunState.PUBLISHED, RunState.EMPTY])
        deadline = time.monotonic() + 300
        while (n := done.count()) < len(agencies):
            if time.monotonic() > deadline:
                raise SystemExit(
                    f"Only {n} of {len(agencies)} agencies scheduled after 300 s; see "
                    f"{folder / 'worker.log'}"
                )
            # The end is read from the runs' own times: polling slowly only leaves the
            # worker more of the machine.
            time.sleep(0.2)
        last = done.aggregate(
            published=Max("published_at"),
            empty=Max("created_at", filter=Q(state=RunState.EMPTY)),
        )
    ends = [moment for moment in last.values() if moment is not None]
    return (max(ends) - start).total_seconds(), "", {}


def check() -> int:
    """Every officer scheduled once, no slot over its capacity; returns how many were."""
    from django.db.models import Count, Max, Sum

    from agencies import tenant_db
    from checkins.models import Appointment, AppointmentState, OpeningHours, ScheduleRun
    from roster.models import Person

    with tenant_db.system_scope():
        officers = Person.objects.count()
        scheduled = Appointment.objects.filter(state=AppointmentState.SCHEDULED)
        placed = scheduled.count()
        unplaced = ScheduleRun.objects.aggregate(n=Sum("unplaced"))["n"]
        twice = Appointment.objects.values("person_id").annotate(n=Count("pk")).filter(n__gt=1)
        most_in_a_slot = (
            Appointment.objects.values("location_id", "starts_at")
            .annotate(n=Count("pk"))
            .aggregate(m=Max("n"))["m"]
        )
        capacity = OpeningHours.objects.aggregate(m=Max("capacity"))["m"]
        assert (placed, unplaced) == (officers, 0), (placed, unplaced, officers)
        assert not twice.exists()
        assert most_in_a_slot <= capacity, (most_in_a_slot, capacity)
    return placed


if __name__ == "__main__":
    sys.exit(main())
