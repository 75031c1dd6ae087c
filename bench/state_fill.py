"""Fills the state database (bench/state.py says what is in it), as the tables' owner: COPY for
rows made here, INSERT ... SELECT for rows copied or generated in the database."""

import itertools
import time
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.db import connection, models
from django.utils import timezone
from psycopg.types.json import Jsonb
from state import AGENCIES, BIG, FORMS, OFFICERS, OTHER_PEERS, PROVIDERS

from agencies import clock

TIME_ZONE = "America/Chicago"  # every agency's


def copy_rows(model: type[models.Model], rows) -> None:
    """COPY rows (dicts by attname) into model's table; a column a row leaves out takes the
    field's default, as the ORM would give it."""
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    now = timezone.now()
    missing = object()

    def default(field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        if field.has_default():
            return field.get_default()
        if field.null:
            return None
        return "" if field.empty_strings_allowed else missing

    defaults = {f.attname: default(f) for f in fields}
    json = {f.attname for f in fields if isinstance(f, models.JSONField)}
    columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
    sql = f"COPY {model._meta.db_table} ({columns}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            values = []
            for f in fields:
                value = row.get(f.attname, defaults[f.attname])
                if value is missing:
                    raise ValueError(f"{model.__name__}.{f.attname} needs a value")
                values.append(Jsonb(value) if f.attname in json else value)
            copy.write_row(values)


def sizes(total: int, count: int, smallest: int) -> list[int]:
    """count sizes summing to total, a few large and most small (a state's agencies)."""
    weights = [1 / (rank + 1) ** 0.9 for rank in range(count)]
    spare = total - smallest * count
    raw = [spare * w / sum(weights) for w in weights]
    result = [smallest + int(r) for r in raw]
    by_remainder = sorted(range(count), key=lambda i: int(raw[i]) - raw[i])
    for i in by_remainder[: total - sum(result)]:
        result[i] += 1
    return result


def agencies() -> list[tuple[int, str, str, int, int]]:
    """(id, slug, preset, officers, peers) of every agency: one per preset by create_agency,
    the rest copies of their preset's agency."""
    from agencies import rls
    from agencies.models import Agency
    from agencies.presets import PRESETS
    from agencies.services import create_agency

    presets = sorted(PRESETS)
    others = AGENCIES - len(BIG)
    officers = sizes(OFFICERS - sum(size[2] for size in BIG.values()), others, 4)
    peers = [max(1, n * OTHER_PEERS // sum(officers)) for n in officers]
    peers[0] += OTHER_PEERS - sum(peers)
    plan = [(slug, name, preset, n, p) for slug, (name, preset, n, p) in BIG.items()]
    plan += [
        (f"pd{i:03d}", f"Police Department {i:03d}", presets[i % len(presets)], n, p)
        for i, (n, p) in enumerate(zip(officers, peers, strict=True))
    ]
    made = {}
    started = time.perf_counter()
    for slug, name, preset, _, _ in plan:
        if preset not in made.values() or slug in BIG:
            made[create_agency(slug=slug, name=name, preset_key=preset).pk] = preset
    each = (time.perf_counter() - started) / len(made)
    print(f"create_agency: {each * 1000:.0f} ms each, {each * AGENCIES:.0f} s for {AGENCIES}")
    created = set(Agency.objects.values_list("slug", flat=True))
    copies = [row for row in plan if row[0] not in created]
    copy_rows(Agency, ({"slug": s, "name": n, "preset": p, "time_zone": TIME_ZONE}
                       for s, n, p, _, _ in copies))  # fmt: skip
    ids = dict(Agency.objects.values_list("slug", "pk"))
    model_of = {preset: pk for pk, preset in made.items()}
    with connection.cursor() as cursor:
        for model in rls.tenant_models():
            if model._meta.label == "security.AuditEvent" or not _has_agency(model):
                continue
            fields = [f for f in model._meta.concrete_fields if not f.primary_key]
            columns = [f.column for f in fields if f.column != "agency_id"]
            linked = [f.column for f in fields if f.is_relation and f.column != "agency_id"]
            listed = ", ".join(columns)
            for preset, source in model_of.items():
                targets = [ids[s] for s, _, p, _, _ in copies if p == preset]
                if linked:  # a row pointing at another of the agency's rows cannot be copied
                    cursor.execute(
                        f"SELECT count(*) FROM {model._meta.db_table} WHERE agency_id = %s",
                        [source],
                    )
                    assert not cursor.fetchone()[0], f"{model._meta.label} links other rows"
                    continue
                cursor.execute(
                    f"INSERT INTO {model._meta.db_table} (agency_id, {listed})"
                    f" SELECT a.id, {', '.join('t.' + c for c in columns)}"
                    f" FROM {model._meta.db_table} t, unnest(%s::bigint[]) AS a(id)"
                    " WHERE t.agency_id = %s",
                    [targets, source],
                )
    return [(ids[slug], slug, preset, n, p) for slug, _, preset, n, p in plan]


def _has_agency(model) -> bool:
    return any(f.column == "agency_id" for f in model._meta.concrete_fields)


def people(plan) -> None:
    """The directories, a sign-in account and officer membership each; the peers, their
    shifts (about one in 28 on call at any moment) and training."""
    from agencies.choices import Role
    from agencies.models import Membership, User
    from roster.models import OnCallShift, Peer, Person, TrainingRecord

    unusable = make_password(None)
    now = timezone.now()
    today = clock.today(TIME_ZONE)
    copy_rows(User, ({"username": f"{slug}.{i:05d}", "password": unusable, "date_joined": now}
                     for _, slug, _, n, _ in plan for i in range(n)))  # fmt: skip
    users = dict(User.objects.values_list("username", "pk"))
    copy_rows(Membership, ({"agency_id": pk, "user_id": users[f"{slug}.{i:05d}"],
                            "role": Role.OFFICER}
                           for pk, slug, _, n, _ in plan for i in range(n)))  # fmt: skip
    copy_rows(
        Person,
        (
            {
                "agency_id": pk,
                "employee_number": f"E{i:05d}",
                "first_name": f"First{i}",
                "last_name": f"Last{(i * 7 + pk) % 997}",
                "rank": "Officer",
                "unit": f"Station {i % 9}",
                "hire_date": today - timedelta(days=400 + (i * 31 + pk) % 8000),
                "email": f"officer{i}@{slug}.example.org",
                "phone": f"(816) 555-{i % 10000:04d}",
                "user_id": users[f"{slug}.{i:05d}"],
            }
            for pk, slug, _, n, _ in plan
            for i in range(n)
        ),
    )
    copy_rows(Peer, ({"agency_id": agency_id, "person_id": person_id, "status": "active",
                      "active_since": today}
                     for agency_id, person_id in _firsts(Person, plan)))  # fmt: skip
    team = _firsts(Peer, plan)
    copy_rows(
        OnCallShift,
        (
            {"agency_id": agency_id, "peer_id": pk,
             "starts_at": now + timedelta(hours=12 * (i % 28) - 6),
             "ends_at": now + timedelta(hours=12 * (i % 28) + 6)}
            for i, (agency_id, pk) in enumerate(team)
        ),
    )  # fmt: skip
    copy_rows(
        TrainingRecord,
        (
            {"agency_id": agency_id, "peer_id": pk, "date": today - timedelta(days=i % 200),
             "topic": "Team training", "hours": 4}
            for i, (agency_id, pk) in enumerate(team)
        ),
    )  # fmt: skip


def _firsts(model, plan) -> list[tuple[int, int]]:
    """(agency id, pk) of each agency's first rows of model: as many as its peers."""
    peers = {pk: p for pk, _, _, _, p in plan}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT agency_id, id FROM (SELECT agency_id, id, row_number() OVER"
            f" (PARTITION BY agency_id ORDER BY id) AS n FROM {model._meta.db_table}) t"
            " WHERE n <= (%s::jsonb ->> agency_id::text)::int ORDER BY id",
            [Jsonb({str(k): v for k, v in peers.items()})],
        )
        return cursor.fetchall()


def partnerships(plan) -> None:
    """Neighbours in the list are partners, and bench and metro each have three."""
    from agencies.models import Partnership

    ids = [pk for pk, *_ in plan]
    pairs = set(itertools.pairwise(ids[2:]))
    pairs |= {(ids[0], ids[2 + n]) for n in range(3)} | {(ids[1], ids[10 + n]) for n in range(3)}
    copy_rows(Partnership, ({"proposer_id": a, "partner_id": b, "accepted_at": timezone.now()}
                            for a, b in sorted(pairs)))  # fmt: skip


def checkins(plan) -> None:
    """Every agency's program started two years ago (so its whole force is due within the
    coming two years); 40 providers, each agency contracting one, bench two and metro four."""
    from checkins.models import Location, OpeningHours, Program, Provider, ProviderContract

    today = clock.today(TIME_ZONE)
    copy_rows(Program, ({"agency_id": pk, "started_on": today - timedelta(days=730)}
                        for pk, *_ in plan))  # fmt: skip
    providers = []
    for n in range(PROVIDERS):
        provider = Provider.objects.create(name=f"Provider {n}")
        office = Location.objects.create(provider=provider, name=f"Office {n}")
        OpeningHours.objects.bulk_create(
            OpeningHours(location=office, weekday=d, capacity=4) for d in range(5)
        )
        providers.append(provider.pk)
    contracts = [(plan[0][0], providers[n]) for n in range(34, 36)]
    contracts += [(plan[1][0], providers[n]) for n in range(36, 40)]
    contracts += [(pk, providers[i % 34]) for i, (pk, *_) in enumerate(plan[2:])]
    copy_rows(ProviderContract, ({"agency_id": a, "provider_id": p} for a, p in contracts))


FORMS_SQL = """
INSERT INTO usage_reports_usagereport
  (agency_id, peer_id, served_at, duration_minutes, incident_type_id, intervention_type_id,
   contact_mode, on_duty, activation_id, compensation_approved, filed_at, updated_at)
SELECT %(agency)s,
       (%(peers)s::bigint[])[1 + g %% cardinality(%(peers)s::bigint[])],
       now() - ((g::bigint * 7919) %% (1095 * 1440)) * interval '1 minute',
       5 + g %% 115,
       (%(incidents)s::bigint[])[1 + g %% cardinality(%(incidents)s::bigint[])],
       (%(interventions)s::bigint[])[1 + (g / 7) %% cardinality(%(interventions)s::bigint[])],
       (ARRAY['in_person', 'phone', 'virtual'])[1 + (g / 3) %% 3],
       g %% 2 = 0, NULL, false, now(), now()
FROM generate_series(1, %(forms)s) AS g
"""


def forms(plan) -> None:
    """All the forms are bench's, spread over the last three years among its peers."""
    from agencies.models import IncidentType, InterventionType
    from roster.models import Peer

    agency = plan[0][0]
    ids = {
        key: list(model.objects.filter(agency_id=agency).values_list("pk", flat=True))
        for key, model in [
            ("peers", Peer), ("incidents", IncidentType), ("interventions", InterventionType)
        ]
    }  # fmt: skip
    table = "usage_reports_usagereport"
    with connection.cursor() as cursor:
        # The ids are the database's own, so the load skips the foreign-key triggers (five
        # deferred checks a row) and builds the indexes once after it rather than row by row.
        cursor.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = %s AND indexname"
            " NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = %s::regclass)",
            [table, table],
        )
        indexes = cursor.fetchall()
        for name, _ in indexes:
            cursor.execute(f'DROP INDEX "{name}"')
        cursor.execute("SET session_replication_role = replica")
        try:
            cursor.execute(FORMS_SQL, {"agency": agency, "forms": FORMS, **ids})
        finally:
            cursor.execute("SET session_replication_role = DEFAULT")
        cursor.execute("SET maintenance_work_mem = '256MB'")
        for _, definition in indexes:
            cursor.execute(definition)


def fill() -> dict[str, float]:
    """Everything, in order; the seconds of each step."""
    steps = {}
    started = time.perf_counter()

    def step(name: str) -> None:
        nonlocal started
        steps[name] = time.perf_counter() - started
        started = time.perf_counter()

    plan = agencies()
    step("agencies")
    people(plan)
    step("people")
    partnerships(plan)
    checkins(plan)
    step("partnerships and check-ins")
    forms(plan)
    step("forms")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    step("vacuum analyze")
    return steps
