"""Row-level security for a check-in provider (agencies/rls.py): a provider serves several
agencies, so its staff read, in `provider_scope(user_id)`, the appointments of the providers
they work for in every agency, and the officers those appointments name; they may mark them."""

from agencies import rls

MINE = (
    "(SELECT app_scope()) = 'provider' AND provider_id IN (SELECT s.provider_id"
    " FROM checkins_provider_staff s WHERE s.user_id = (SELECT app_user_id()))"
)


def register() -> None:
    rls.add_policy("checkins.Appointment", "provider_reads", command="SELECT", using=MINE)
    rls.add_policy("checkins.Appointment", "provider_marks", command="UPDATE", using=MINE)
    rls.add_policy(
        "roster.Person",
        "provider_reads",
        command="SELECT",
        using="(SELECT app_scope()) = 'provider'"
        " AND id IN (SELECT a.person_id FROM checkins_appointment a)",
    )
