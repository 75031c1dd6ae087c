"""The test suite on PostgreSQL runs as an app role like production's: it owns no table and has
neither SUPERUSER nor BYPASSRLS, so row-level security applies to every query the tests make.
The test database is created and migrated by DATABASE_URL's user (the owner), as in production
where migrations run as the owner."""

from django.db import connection

from agencies import rls

APP_ROLE = "peersupport_app"
APP_PASSWORD = "peersupport_app"


def become_app_role() -> dict:
    """Make the role (once per cluster), give it the app's rights in the test database, and
    reconnect as it. Returns what to put back before the test database is dropped."""
    rls.create_app_role(connection, APP_ROLE, APP_PASSWORD)
    rls.grant(connection, APP_ROLE)
    with connection.cursor() as cursor:
        # Only for the suite: transactional tests empty the tables with TRUNCATE between
        # tests. The app role in production has no TRUNCATE (it ignores row-level security).
        cursor.execute(f"GRANT TRUNCATE ON ALL TABLES IN SCHEMA public TO {APP_ROLE}")
    saved = {key: connection.settings_dict[key] for key in ("USER", "PASSWORD")}
    connection.close()
    connection.settings_dict.update(USER=APP_ROLE, PASSWORD=APP_PASSWORD)
    return saved


def become_owner(saved: dict) -> None:
    connection.close()
    connection.settings_dict.update(saved)
