"""Row-level security for the on-call lookup's partner section (agencies/rls.py): where an
accepted partnership joins two agencies and both policies put partner peers in the lookup,
each agency may read the other's peers, their names and contact details, their shifts and team
roles. Read only, and nothing else of the other agency's directory."""

from agencies import rls

# The agencies whose peers the current agency's lookup may show.
LOOKUP_PARTNERS = (
    "SELECT CASE WHEN p.proposer_id = app_agency_id() THEN p.partner_id ELSE p.proposer_id END"
    " FROM agencies_partnership p"
    " JOIN agencies_policy mine ON mine.agency_id = app_agency_id()"
    " JOIN agencies_policy theirs ON theirs.agency_id ="
    " CASE WHEN p.proposer_id = app_agency_id() THEN p.partner_id ELSE p.proposer_id END"
    " WHERE p.accepted_at IS NOT NULL AND app_agency_id() IN (p.proposer_id, p.partner_id)"
    " AND mine.partner_peers_in_lookup AND theirs.partner_peers_in_lookup"
)


def register() -> None:
    partner_rows = f"agency_id IN ({LOOKUP_PARTNERS})"
    for model in ("roster.Peer", "roster.OnCallShift", "agencies.TeamRole"):
        rls.add_policy(model, "lookup_partner", command="SELECT", using=partner_rows)
    rls.add_policy(
        "roster.Person",
        "lookup_partner",
        command="SELECT",
        using="id IN (SELECT pe.person_id FROM roster_peer pe"
        f" WHERE pe.agency_id IN ({LOOKUP_PARTNERS}))",
    )
