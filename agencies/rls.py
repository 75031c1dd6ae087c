"""PostgreSQL row-level security on every tenant-owned table.

Which tables: every model with an `agency` foreign key, every many-to-many table hanging off one
of them, and the tables registered below with a rule of their own (rows two agencies share).
Each gets ENABLE and FORCE ROW LEVEL SECURITY and a `tenant` policy keyed on the settings that
agencies/tenant_db.py puts in each transaction:

    agency_id = (SELECT app_agency_id()) OR (SELECT app_scope()) = 'system'

Every rule reads a setting through a scalar subquery, `(SELECT app_agency_id())`, never by a bare
call: PostgreSQL runs the subquery once per query (an InitPlan) and compares each row with its
result, where a bare call is a filter evaluated again on every row the scan reads
(`per_row_calls` finds one; tests/test_rls_plans.py fails on it and reads the plans).

Explicit extra policies (a partner agency's reads, one's own memberships, a provider's
appointments) are registered by the app that owns the feature, in its AppConfig.ready().

The policies, the helper functions and the app role's privileges are (re)written after every
`migrate` by the migrating connection, which must own the tables: a policy is never edited by
hand, and a new tenant model is covered by the next migrate. The app itself connects as a role
that owns nothing and has neither SUPERUSER nor BYPASSRLS (tests/test_rls.py fails otherwise).
"""

import re
from dataclasses import dataclass

from django.apps import apps
from django.db import connections, models
from django.db.models.signals import post_migrate

# Read by every policy. current_setting(..., true) is NULL when never set and '' after a
# transaction that set it ended: both mean "no agency", which no row's agency_id equals.
FUNCTIONS_SQL = """
CREATE OR REPLACE FUNCTION app_agency_id() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.agency_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION app_user_id() RETURNS bigint LANGUAGE sql STABLE AS
  $$ SELECT nullif(current_setting('app.user_id', true), '')::bigint $$;
CREATE OR REPLACE FUNCTION app_scope() RETURNS text LANGUAGE sql STABLE AS
  $$ SELECT coalesce(current_setting('app.scope', true), '') $$;
"""

_functions: list[str] = []


def add_function(sql: str) -> None:
    """A helper function the app's policies call (`set_function`), (re)written before them."""
    _functions.append(sql)


SETTINGS_FUNCTIONS = ("app_agency_id", "app_user_id", "app_scope")
# A call not directly inside `(SELECT ...)`: PostgreSQL would evaluate it for every row.
_BARE_CALL = re.compile(r"(?<!\(SELECT )\b(" + "|".join(SETTINGS_FUNCTIONS) + r")\(\)")


def per_row_calls(sql: str) -> list[str]:
    """The settings functions this policy text calls per row instead of once per query."""
    return _BARE_CALL.findall(sql)


TENANT_RULE = "agency_id = (SELECT app_agency_id()) OR (SELECT app_scope()) = 'system'"


@dataclass(frozen=True)
class Policy:
    model: str  # "app_label.ModelName"
    name: str
    using: str
    check: str | None = None  # None: the same as `using` (for ALL, INSERT, UPDATE)
    command: str = "ALL"


_extra: list[Policy] = []
_own_tenant_rule: dict[str, Policy] = {}


# The agencies in an accepted partnership with the current one, for the explicit partner
# policies of the apps: `partner_of("agency_id")`.
ACCEPTED_PARTNERS = (
    "SELECT CASE WHEN p.proposer_id = (SELECT app_agency_id()) THEN p.partner_id"
    " ELSE p.proposer_id END FROM agencies_partnership p WHERE p.accepted_at IS NOT NULL"
    " AND (SELECT app_agency_id()) IN (p.proposer_id, p.partner_id)"
)


def set_function(name: str, select: str) -> str:
    """A function returning, as an array of ids, what `select` finds, for a policy to compare
    with (`column = ANY ((SELECT name())::bigint[])`; the cast makes ANY read an array, not
    a subquery) where it would otherwise hold the subquery.

    Why: PostgreSQL plans a policy's subquery inside every query that reads the table, together
    with the policies of every table the subquery reads, and theirs in turn: the partner rules
    made hundreds of sub-plans and cost milliseconds of planning in each query of the lookup and
    the scheduler. A PL/pgSQL function's query is planned once per connection and its plan kept.
    It runs as the caller (not SECURITY DEFINER), under the same policies, in the query's
    snapshot (STABLE), so it finds exactly the rows the subquery did; called through a scalar
    subquery, once per query, and only when a row reaches that rule."""
    return (
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS bigint[] LANGUAGE plpgsql STABLE AS\n"
        f"  $$ BEGIN RETURN ARRAY({select}); END $$;\n"
    )


def partner_of(column: str) -> str:
    """The rule: column names an agency in an accepted partnership with the current one."""
    return f"{column} = ANY ((SELECT app_accepted_partners())::bigint[])"


def add_policy(model: str, name: str, *, using: str, check=None, command="ALL") -> None:
    """A policy beside the tenant one: PostgreSQL shows a row that any policy lets through."""
    _extra.append(Policy(model, name, using, check, command))


def tenant_rule(model: str, *, using: str, check=None, command="ALL") -> None:
    """The table's own tenant rule, for tenant data with no plain `agency` column (a record two
    agencies share) or an `agency` that may be empty (the audit log)."""
    _own_tenant_rule[model] = Policy(model, "tenant", using, check, command)


def _has_agency_column(model) -> bool:
    try:
        field = model._meta.get_field("agency")
    except Exception:
        return False
    return field.many_to_one or field.one_to_one


def tenant_models() -> list[type[models.Model]]:
    """Every model whose table holds rows of one agency (or two), in a stable order."""
    direct = [
        m
        for m in apps.get_models()
        if not m._meta.proxy
        and m._meta.managed
        and (_has_agency_column(m) or m._meta.label in _own_tenant_rule)
    ]
    return sorted(direct, key=lambda m: m._meta.db_table)


def through_tables() -> list[tuple[str, str, str]]:
    """(table, column, parent table) of each many-to-many table of a tenant model: a row is
    visible when the tenant row it belongs to is."""
    result = []
    for model in tenant_models():
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created:
                column = through._meta.get_field(field.m2m_field_name()).column
                result.append((through._meta.db_table, column, model._meta.db_table))
    return result


def protected_tables() -> list[str]:
    return [m._meta.db_table for m in tenant_models()] + [t for t, _, _ in through_tables()]


def policies() -> list[tuple[str, Policy]]:
    """(table, policy) for every policy the database should hold."""
    result = []
    for model in tenant_models():
        label = model._meta.label
        if label in _own_tenant_rule:
            result.append((model._meta.db_table, _own_tenant_rule[label]))
        else:
            result.append((model._meta.db_table, Policy(label, "tenant", TENANT_RULE)))
    for table, column, parent in through_tables():
        rule = f"EXISTS (SELECT 1 FROM {parent} p WHERE p.id = {column})"
        result.append((table, Policy(table, "tenant", rule)))
    for policy in _extra:
        result.append((apps.get_model(policy.model)._meta.db_table, policy))
    return result


def _policy_sql(table: str, policy: Policy) -> str:
    sql = f"CREATE POLICY {policy.name} ON {table} AS PERMISSIVE FOR {policy.command}"
    if policy.command != "INSERT":
        sql += f" USING ({policy.using})"
    if policy.command in {"ALL", "INSERT", "UPDATE"}:
        sql += f" WITH CHECK ({policy.check or policy.using})"
    return sql


def apply(connection) -> None:
    """Write every policy again, from scratch, in one transaction."""
    with connection.cursor() as cursor:
        cursor.execute(FUNCTIONS_SQL)
        cursor.execute(set_function("app_accepted_partners", ACCEPTED_PARTNERS))
        for sql in _functions:
            cursor.execute(sql)
        cursor.execute(
            "SELECT tablename, policyname FROM pg_policies WHERE schemaname = current_schema()"
        )
        for table, name in cursor.fetchall():
            cursor.execute(f'DROP POLICY "{name}" ON "{table}"')
        for table in protected_tables():
            cursor.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
            cursor.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        for table, policy in policies():
            cursor.execute(_policy_sql(table, policy))


def grant(connection, role: str) -> None:
    """What the app role may do: read and write rows (within the policies) and use sequences.
    No TRUNCATE (it ignores row-level security), no DDL, no ownership."""
    quoted = connection.ops.quote_name(role)
    with connection.cursor() as cursor:
        cursor.execute(f"GRANT USAGE ON SCHEMA public TO {quoted}")
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")


def _owns_tables(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) = 0 FROM pg_tables WHERE schemaname = current_schema() "
            "AND tablename = 'django_migrations' AND tableowner <> current_user"
        )
        return cursor.fetchone()[0]


def app_role_of(owner_alias: str) -> str | None:
    """The role the app connects as: the `default` database's user, when the migration ran
    on a separate owner connection."""
    if owner_alias == "default":
        return None
    user = connections["default"].settings_dict.get("USER")
    return user or None


def _after_migrate(sender, using, **kwargs) -> None:
    # post_migrate fires once per app; the policies cover every app, so once is enough.
    if sender.name != "agencies":
        return
    connection = connections[using]
    if connection.vendor != "postgresql" or not _owns_tables(connection):
        # A flush between tests (run as the app role) also sends post_migrate: nothing to do.
        return
    apply(connection)
    role = app_role_of(using)
    if role:
        grant(connection, role)


def install() -> None:
    post_migrate.connect(_after_migrate, dispatch_uid="agencies.rls")


def bypass_problems(cursor) -> list[str]:
    """Why the role this cursor's connection uses would not be bound by row-level security:
    empty when it is (the app role), the reasons when it is not (a superuser, BYPASSRLS, the
    tables' owner)."""
    cursor.execute(
        "SELECT rolsuper, rolbypassrls, EXISTS (SELECT 1 FROM pg_tables"
        " WHERE schemaname = current_schema() AND tableowner = current_user)"
        " FROM pg_roles WHERE rolname = current_user"
    )
    superuser, bypass, owner = cursor.fetchone()
    return [
        reason
        for reason, applies in [
            ("it is a superuser", superuser),
            ("it has BYPASSRLS", bypass),
            ("it owns tables (owners pass unless the table forces RLS)", owner),
        ]
        if applies
    ]
