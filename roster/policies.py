"""Row-level security for the on-call lookup's partner section (agencies/rls.py): where an
accepted partnership joins two agencies and both policies put partner peers in the lookup,
each agency may read the other's peers, their names and contact details, their shifts and team
roles. Read only, and nothing else of the other agency's directory."""

from agencies import rls

# The accepted partners whose peers the lookup shows: both agencies' policies put partner
# peers in the lookup.
LOOKUP_PARTNERS = (
    "SELECT partner FROM unnest((SELECT app_accepted_partners())) AS partner"
    " WHERE EXISTS (SELECT 1 FROM agencies_policy mine"
    " WHERE mine.agency_id = (SELECT app_agency_id()) AND mine.partner_peers_in_lookup)"
    " AND EXISTS (SELECT 1 FROM agencies_policy theirs"
    " WHERE theirs.agency_id = partner AND theirs.partner_peers_in_lookup)"
)


def lookup_partner(agency_column: str) -> str:
    """The row's agency is an accepted partner, and both agencies' policies put partner peers
    in the lookup."""
    return f"{agency_column} = ANY ((SELECT app_lookup_partners())::bigint[])"


def register() -> None:
    rls.add_function(rls.set_function("app_lookup_partners", LOOKUP_PARTNERS))
    for model, table in [
        ("roster.Peer", "roster_peer"),
        ("roster.OnCallShift", "roster_oncallshift"),
        ("agencies.TeamRole", "agencies_teamrole"),
    ]:
        rls.add_policy(
            model, "lookup_partner", command="SELECT", using=lookup_partner(f"{table}.agency_id")
        )
    rls.add_policy(
        "roster.Person",
        "lookup_partner",
        command="SELECT",
        # Correlated on the row (the peer's unique person), so that a person this rule is asked
        # about costs one probe of that index, not a scan of the partners' teams.
        using="EXISTS (SELECT 1 FROM roster_peer pe WHERE pe.person_id = roster_person.id"
        f" AND {lookup_partner('pe.agency_id')})",
    )
