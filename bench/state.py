"""The state-sized data set of issue 17: a state-wide deployment, built with bulk inserts.

    600 agencies, each from a preset, with its policy, lists and resources;
    20,000 officers in the directories, each with a sign-in account and an officer membership;
    "bench": 2,500 officers, 1,000 peers, and all 1,000,000 usage forms of the last three years;
    "metro": 10,500 officers, 10,000 peers (the stress agency: the lookup must not grow with it);
    the other 598 agencies: 7,000 officers and 3,000 peers between them, a few large, most small;
    a full on-call schedule, a training record per peer, partnerships between neighbours;
    every agency's check-in program started two years ago, with 40 contracted providers.

Only six agencies are made by `create_agency` (one per preset); the others copy their preset
agency's rows in one INSERT ... SELECT per table, the people come by COPY and the forms by
INSERT ... SELECT generate_series.

`make bench` (bench/run.py) builds it once per run as a template database, `python bench/state.py`
(which prints the time it took, aim under 2 minutes); each script that needs it takes a copy of
its own with `state_database()`, which builds the template itself when run alone."""

import contextlib
import os
import sys
import time
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from scratch import APP_ROLE, CREATE_ROLE, emit

TEMPLATE_ENV = "BENCH_STATE_DB"  # run.py's template database, when it built one
AIM_SECONDS = 120

AGENCIES = 600
OFFICERS = 20_000
FORMS = 1_000_000
# Both from one preset, so that their pages differ only by the size of the team.
BIG = {  # slug: (name, preset, officers, peers)
    "bench": ("Bench PD", "kcpd", 2_500, 1_000),
    "metro": ("Metro PD", "kcpd", 10_500, 10_000),
}
OTHER_PEERS = 2_000  # the 598 others' peers; with bench's, the state's 3,000 outside metro
PROVIDERS = 40
SETUP = (
    f"{AGENCIES} agencies, {OFFICERS:,} officers, 3,000 peers + a 10,000-peer agency, "
    f"{FORMS:,} forms"
)


def template_name(base: str) -> str:
    return f"{base}_state"


def _admin():
    """A connection to the cluster's `postgres` database as DATABASE_URL's user."""
    import psycopg
    from django.conf import settings

    db = settings.DATABASES["default"]
    return psycopg.connect(
        host=db.get("HOST") or "127.0.0.1", port=db.get("PORT") or 5432, user=db["USER"],
        password=db.get("PASSWORD") or None, dbname="postgres", autocommit=True,
    )  # fmt: skip


def drop(name: str) -> None:
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def build(name: str) -> float:
    """Creates database `name`, migrated by the owner, the app role granted, the data in it;
    returns the seconds it all took."""
    started = time.perf_counter()
    import django

    django.setup()
    from django.db import connection

    from agencies import rls

    connection.settings_dict["TEST"] = {**connection.settings_dict.get("TEST", {}), "NAME": name}
    connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    with connection.cursor() as cursor:
        cursor.execute(CREATE_ROLE)
    rls.grant(connection, APP_ROLE)
    print(f"state database created and migrated in {time.perf_counter() - started:.1f} s")
    import state_fill

    steps = state_fill.fill()
    seconds = time.perf_counter() - started
    print("state data set: " + ", ".join(f"{step} {s:.1f} s" for step, s in steps.items()))
    connection.close()
    return seconds


@contextlib.contextmanager
def state_database():
    """Yields the name of a fresh copy of the state database, which Django now uses (as its
    owner; `scratch.as_app_role()` for the app role). Dropped after the block."""
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_test_environment

    setup_test_environment()
    base = connection.settings_dict["NAME"]
    template = os.environ.get(TEMPLATE_ENV)
    own = not template
    if own:
        template = template_name(base)
        seconds = build(template)
        print(f"state data set built in {seconds:.0f} s")
    clone = f"test_{base}"
    connection.close()
    started = time.perf_counter()
    with _admin() as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{clone}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{clone}" TEMPLATE "{template}" STRATEGY FILE_COPY')
    print(f"(a copy of the state database in {time.perf_counter() - started:.1f} s)")
    connection.settings_dict["NAME"] = clone
    try:
        yield clone
    finally:
        connection.close()
        drop(clone)
        if own:
            drop(template)


def agency(slug: str):
    from agencies.models import Agency

    return Agency.objects.select_related("policy").get(slug=slug)


def days_ago(days: int):
    from django.utils import timezone

    return timezone.now() - timedelta(days=days)


def main() -> int:
    """Builds the template database run.py names in BENCH_STATE_DB and prints its row."""
    name = os.environ.get(TEMPLATE_ENV)
    if not name:
        raise SystemExit(f"{TEMPLATE_ENV} must name the database to build")
    seconds = build(name)
    print(f"state data set built in {seconds:.1f} s")
    emit("state data set", f"built in {seconds:.0f} s", setup=SETUP,
         aim="under 2 min", ok=seconds < AIM_SECONDS, seconds=round(seconds, 1))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
