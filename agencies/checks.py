"""`manage.py check --database default` (and `migrate`) warn when the app would connect to
PostgreSQL as a role that row-level security does not bind."""

from django.core.checks import Tags, Warning, register
from django.db import connections

from . import rls


@register(Tags.database)
def app_role_bound_by_row_level_security(app_configs=None, databases=None, **kwargs):
    found = []
    for alias in databases or []:
        connection = connections[alias]
        if alias == "owner" or connection.vendor != "postgresql":
            continue
        with connection.cursor() as cursor:
            reasons = rls.bypass_problems(cursor)
        if reasons:
            found.append(
                Warning(
                    f"The '{alias}' database role may bypass row-level security: "
                    + "; ".join(reasons)
                    + ".",
                    hint="Point DATABASE_URL at the app role (peersupport_app, see "
                    "deploy/postgres-app-role.sql) and DATABASE_OWNER_URL at the tables' owner "
                    "for migrations.",
                    id="agencies.W001",
                )
            )
    return found
