"""Benchmark: the RSMo 590.192 check-in scheduler for 20,000 officers in one agency.

The agency's program started two years ago, so the whole force is due within the coming year;
four contracted providers have the capacity. Prints how long computing the due dates, the
scheduler run (proposing every officer an appointment) and publishing take, the SQL query count
of the run, and checks that every officer was placed once, within capacity. Runs against
DATABASE_URL (PostgreSQL in CI and `make bench`) or, with nothing set, SQLite, in a scratch
database it creates and drops.

    .venv/bin/python bench/checkin_scheduler.py [--officers 20000]
"""

import argparse
import time
from datetime import timedelta

from scratch import emit, scratch_database

AIM_SECONDS = 10


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--officers", type=int, default=20_000)
    parser.add_argument("--providers", type=int, default=4)
    args = parser.parse_args()

    with scratch_database():
        from django.db import connection
        from django.db.models import Count, Max

        from agencies.services import create_agency
        from checkins.models import (
            Appointment,
            Location,
            OpeningHours,
            Program,
            Provider,
            ProviderContract,
        )
        from checkins.services.due import recompute_due_dates, today_in
        from checkins.services.runs import publish_run, run_scheduler
        from demo.bulk import fill_agency

        agency = create_agency(slug="bench", name="Bench PD", preset_key="clayton")
        fill_agency(agency, persons=args.officers, peers=0)
        Program.objects.create(agency=agency, started_on=today_in(agency) - timedelta(days=730))
        for n in range(args.providers):
            provider = Provider.objects.create(name=f"Provider {n}")
            ProviderContract.objects.create(agency=agency, provider=provider)
            office = Location.objects.create(provider=provider, name=f"Office {n}")
            OpeningHours.objects.bulk_create(
                OpeningHours(location=office, weekday=d, capacity=4) for d in range(5)
            )

        start = time.perf_counter()
        due = recompute_due_dates(agency=agency)
        due_s = time.perf_counter() - start

        queries = []
        with connection.execute_wrapper(
            lambda execute, sql, *a: queries.append(sql) or execute(sql, *a)
        ):
            start = time.perf_counter()
            run = run_scheduler(agency=agency, actor=None, horizon_days=730)
            run_s = time.perf_counter() - start
        start = time.perf_counter()
        published = publish_run(run=run, actor=None)
        publish_s = time.perf_counter() - start
        start = time.perf_counter()
        again = run_scheduler(agency=agency, actor=None, horizon_days=730)
        rerun_s = time.perf_counter() - start

        per_person = Appointment.objects.values("person_id").annotate(n=Count("pk"))
        most_in_a_slot = (
            Appointment.objects.values("location_id", "starts_at")
            .annotate(n=Count("pk"))
            .aggregate(m=Max("n"))["m"]
        )
        assert published == run.appointments.count() and run.unplaced == 0, (
            published,
            run.unplaced,
        )
        assert per_person.filter(n__gt=1).count() == 0
        assert most_in_a_slot <= 4
        assert again.appointments.count() == 0
        total = due_s + run_s + publish_s
        print(
            f"check-in scheduler ({args.officers} officers, {args.providers} providers, "
            f"{connection.vendor}): due dates {due_s:.2f} s, run {run_s:.2f} s "
            f"({len(queries)} queries), publish {publish_s:.2f} s, total {total:.2f} s; "
            f"{due} due dates, {published} scheduled, {run.unplaced} not placed; "
            f"re-run {rerun_s:.2f} s, 0 duplicates (aim: under {AIM_SECONDS} s)"
        )
        emit(
            "check-in scheduler",
            f"total {total:.2f} s (due dates {due_s:.2f} s, run {run_s:.2f} s, publish "
            f"{publish_s:.2f} s), {published:,} scheduled, {len(queries)} queries",
            setup=f"{args.officers:,} officers, {args.providers} providers",
            aim=f"under {AIM_SECONDS} s",
            ok=total < AIM_SECONDS,
            seconds=round(total, 2),
            queries=len(queries),
        )


if __name__ == "__main__":
    main()
