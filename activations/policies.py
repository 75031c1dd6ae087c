"""Row-level security for asking a partner agency for peers (agencies/rls.py).

The assistance request is the explicit record both agencies see. Through it, and only through
it, each side reads the few rows of the other that the work needs: the partner reads the
activation it was asked about and the call-outs of its own peers; the asking agency reads the
lent peers it called and settles their time. Anything else crosses agencies by switching scope
in the service, where it can be seen (activations/services)."""

from agencies import rls

ASKED = (
    "SELECT r.id FROM activations_assistancerequest r"
    " WHERE r.to_agency_id = (SELECT app_agency_id())"
)


def register() -> None:
    rls.tenant_rule(
        "activations.AssistanceRequest",
        using="(SELECT app_agency_id()) IN (from_agency_id, to_agency_id)"
        " OR (SELECT app_scope()) = 'system'",
    )
    # The partner asked: the activation, its incident type, and its call-outs of lent peers.
    rls.add_policy(
        "activations.Activation",
        "asked_partner",
        command="SELECT",
        using="id IN (SELECT r.activation_id FROM activations_assistancerequest r"
        " WHERE r.to_agency_id = (SELECT app_agency_id()))",
    )
    rls.add_policy(
        "agencies.IncidentType",
        "asked_partner",
        command="SELECT",
        using="id IN (SELECT a.incident_type_id FROM activations_activation a"
        " JOIN activations_assistancerequest r ON r.activation_id = a.id"
        " WHERE r.to_agency_id = (SELECT app_agency_id()))",
    )
    rls.add_policy(
        "activations.CallOut",
        "asked_partner",
        command="SELECT",
        using=f"assistance_id IN ({ASKED})",
    )
    # The asking agency: the lent peers its call-outs name, and their time for its activation.
    rls.add_function(
        rls.set_function(
            "app_called_peers",
            "SELECT c.peer_id FROM activations_callout c"
            " WHERE c.agency_id = (SELECT app_agency_id())",
        )
    )
    called = "= ANY ((SELECT app_called_peers())::bigint[])"
    rls.add_policy("roster.Peer", "called_lent_peer", command="SELECT", using=f"id {called}")
    rls.add_policy(
        "roster.Person",
        "called_lent_peer",
        command="SELECT",
        using="EXISTS (SELECT 1 FROM roster_peer p WHERE p.person_id = roster_person.id"
        f" AND p.id {called})",
    )
    # Their devices too, so that the call-out's push (written and sent in this agency) finds
    # them; only those of the lent peers it called.
    rls.add_policy(
        "notifications.PushSubscription",
        "called_lent_peer",
        command="SELECT",
        using="recipient_type = 'person' AND EXISTS (SELECT 1 FROM roster_peer p"
        f" WHERE p.person_id = notifications_pushsubscription.recipient_id AND p.id {called})",
    )
    rls.add_policy(
        "activations.TimeEntry",
        "called_lent_peer",
        using="callout_id IN (SELECT c.id FROM activations_callout c"
        " WHERE c.agency_id = (SELECT app_agency_id()))",
    )
