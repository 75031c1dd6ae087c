"""Row-level security for the on-call lookup's partner section (agencies/rls.py): where an
accepted partnership joins two agencies and both policies put partner peers in the lookup,
each agency may read the other's peers, their names and contact details, their shifts and team
roles. Read only, and nothing else of the other agency's directory."""

from agencies import rls


def lookup_partner(agency_column: str) -> str:
    """The row's agency is an accepted partner, and both agencies' policies put partner peers
    in the lookup."""
    return (
        f"{agency_column} IN ({rls.ACCEPTED_PARTNERS})"
        " AND EXISTS (SELECT 1 FROM agencies_policy mine"
        " WHERE mine.agency_id = (SELECT app_agency_id()) AND mine.partner_peers_in_lookup)"
        " AND EXISTS (SELECT 1 FROM agencies_policy theirs"
        f" WHERE theirs.agency_id = {agency_column} AND theirs.partner_peers_in_lookup)"
    )


def register() -> None:
    # The table named, so that the policy's subqueries compare with the row's own agency.
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
        using="id IN (SELECT pe.person_id FROM roster_peer pe"
        f" WHERE {lookup_partner('pe.agency_id')})",
    )
