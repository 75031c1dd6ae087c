from django.apps import AppConfig


class AgenciesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "agencies"
    verbose_name = "Agencies and policies"

    def ready(self) -> None:
        from . import access, checks, rls, tenant_db  # noqa: F401 (checks registers itself)

        tenant_db.install()
        access.connect()
        rls.install()
        # The agency chooser and the middleware read a user's own memberships before any
        # agency is chosen.
        rls.add_policy(
            "agencies.Membership",
            "own_memberships",
            command="SELECT",
            using="user_id = (SELECT app_user_id())",
        )
        # A member reads the policy of each of their agencies (the chooser shows its program
        # name); an agency reads its accepted partners' (whether they lend peers at all).
        rls.add_policy(
            "agencies.Policy",
            "members_and_partners",
            command="SELECT",
            using=(
                "EXISTS (SELECT 1 FROM agencies_membership m"
                " WHERE m.agency_id = agencies_policy.agency_id"
                " AND m.user_id = (SELECT app_user_id()))"
                f" OR {rls.partner_of('agency_id')}"
            ),
        )
        # A partnership is a record both agencies see.
        rls.tenant_rule(
            "agencies.Partnership",
            using="(SELECT app_agency_id()) IN (proposer_id, partner_id)"
            " OR (SELECT app_scope()) = 'system'",
        )
