from django.apps import AppConfig


class SecurityConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "security"
    verbose_name = "Security"

    def ready(self) -> None:
        from agencies import rls

        # Both register themselves: the retention checks; logins, failed logins, ended sessions.
        from . import checks, signals  # noqa: F401
        from .models import AUDIT_MINIMUM_DAYS

        # The audit log: an agency reads and adds its own events, the platform (system scope)
        # those with no agency; no policy lets anyone change one, so it is append-only in the
        # database as well as in the model. The one deletion is the retention sweep's, in the
        # system scope, of rows past the CJIS floor by the database's own clock.
        rls.tenant_rule("security.AuditEvent", command="SELECT", using=rls.TENANT_RULE)
        rls.add_policy(
            "security.AuditEvent", "append", command="INSERT", using="", check=rls.TENANT_RULE
        )
        rls.add_policy(
            "security.AuditEvent",
            "purge_expired",
            command="DELETE",
            using="(SELECT app_scope()) = 'system'"
            f" AND at < now() - interval '{AUDIT_MINIMUM_DAYS} days'",
        )
