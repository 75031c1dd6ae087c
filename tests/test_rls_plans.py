"""Row-level security that costs little: every policy reads the scope's settings once per query
(an InitPlan), not once per row, and the on-call lookup's queries still reach their rows through
the agency's index under the app role (agencies/rls.py)."""

import json

import pytest
from django.db import connection

from agencies import rls, tenant_db
from agencies.choices import Role
from tests.factories import AgencyFactory, PeerFactory, ShiftFactory, member

on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="query plans and row-level security are PostgreSQL's"
)


def test_every_policy_reads_the_settings_once_per_query():
    bare = {
        f"{table}.{policy.name}": calls
        for table, policy in rls.policies()
        if (calls := rls.per_row_calls(policy.using) + rls.per_row_calls(policy.check or ""))
    }
    assert bare == {}


def test_a_bare_settings_call_is_found():
    assert rls.per_row_calls("agency_id = app_agency_id() OR app_scope() = 'system'") == [
        "app_agency_id",
        "app_scope",
    ]
    assert rls.per_row_calls(rls.TENANT_RULE) == []
    assert rls.per_row_calls("user_id = (SELECT app_user_id())") == []


def _nodes(plan: dict):
    yield plan
    for child in plan.get("Plans", []):
        yield from _nodes(child)


def _agency_indexes() -> set[str]:
    """Indexes whose first column is agency_id."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE schemaname = current_schema()"
            " AND indexdef LIKE '%%(agency_id%%'"
        )
        return {name for (name,) in cursor.fetchall()}


def _plan(sql: str, params) -> dict:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (FORMAT JSON) " + sql, params)
        document = cursor.fetchone()[0]
    return (json.loads(document) if isinstance(document, str) else document)[0]["Plan"]


@pytest.fixture
def lookup_queries(db, login):
    """The SQL (with its parameters) of the lookup's own reads, for a 30-peer agency whose
    tables also hold a 1,500-peer agency: the agency's rows are a small part of each table, as
    in a state-wide deployment, so an index on the agency is the plan to expect."""
    from demo.bulk import fill_agency

    big = AgencyFactory(slug="big", preset="kcpd")
    fill_agency(big, persons=6000, peers=1500)
    small = AgencyFactory(slug="small", preset="kcpd")
    for _ in range(10):
        ShiftFactory(peer__agency=small)
    PeerFactory.create_batch(20, agency=small)
    officer = member(small, Role.OFFICER, username="officer.small")
    client = login(officer)
    captured = []

    def keep(execute, sql, params, many, context):
        captured.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(keep):
        assert client.get("/small/on-call/").status_code == 200
    reads = [(sql, params) for sql, params in captured if '"roster_' in sql]
    assert reads, "the lookup read no roster table"
    return small, reads


@on_postgresql
def test_the_lookups_queries_use_the_agency_index_and_read_the_settings_once(lookup_queries):
    small, reads = lookup_queries
    agency_indexes = _agency_indexes()
    with tenant_db.agency_scope(small.pk), connection.cursor() as cursor:
        cursor.execute("SELECT current_user")
        assert cursor.fetchone()[0] != "postgres"
        assert rls.bypass_problems(cursor) == []
        for sql, params in reads:
            plan = _plan(sql, params)
            nodes = list(_nodes(plan))
            shown = json.dumps(plan, indent=1)
            scans = [n for n in nodes if "Relation Name" in n]
            assert any(n.get("Index Name") in agency_indexes for n in scans), (sql, shown)
            assert not [
                n["Relation Name"]
                for n in scans
                if n["Node Type"] == "Seq Scan" and n["Relation Name"].startswith("roster_")
            ], (sql, shown)
            assert any(n.get("Parent Relationship") == "InitPlan" for n in nodes), (sql, shown)
            conditions = [
                n.get(key, "") for n in nodes for key in ("Filter", "Index Cond", "Join Filter")
            ]
            assert not [c for c in conditions if "current_setting" in c], (sql, shown)


@on_postgresql
@pytest.mark.django_db
def test_a_directory_read_plans_few_sub_plans_under_the_partner_rules():
    """The partner and lent-peer rules read their agencies and peers through a function, not a
    subquery: a subquery brought the policies of every table it read, and theirs in turn, into
    each query's plan (over two hundred sub-plans, milliseconds of planning per query)."""
    from roster.models import Peer, Person

    agency = AgencyFactory(slug="small", preset="kcpd")
    with tenant_db.agency_scope(agency.pk):
        for queryset in (Person.objects.for_agency(agency), Peer.objects.for_agency(agency)):
            sql, params = queryset.query.sql_with_params()
            subplans = [n for n in _nodes(_plan(sql, params)) if "Subplan Name" in n]
            assert len(subplans) < 40, (queryset.model.__name__, len(subplans))
