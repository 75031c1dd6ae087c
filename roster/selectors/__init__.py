"""Reads for the roster, by subject: the directory (people), the team (team) and on call
(oncall). Every query names its agency; page-sized reads stay within a fixed number of queries
however large the team (annotations, not per-row lookups). Callers read them from here."""

from .oncall import (
    Contact,
    Lookup,
    LookupPage,
    gaps,
    get_shift,
    lookup,
    lookup_page,
    overlapping_shifts,
    partners_on_call,
    schedule_shifts,
    shifts_ahead,
)
from .people import (
    get_import,
    get_person,
    person_by_number,
    recipient_address,
    search_people,
    stations,
)
from .team import (
    DUE_SOON_DAYS,
    SINCE_WORDS,
    active_peers,
    applications_for,
    get_application,
    get_memo,
    get_peer,
    memos_of,
    peer_of_user,
    roster,
    standing,
    status_history,
    status_since,
    team_size,
    trainings_of,
)

__all__ = [
    "DUE_SOON_DAYS", "SINCE_WORDS", "Contact", "Lookup", "LookupPage", "active_peers",
    "applications_for", "gaps", "get_application", "get_import", "get_memo", "get_peer",
    "get_person", "get_shift", "lookup", "lookup_page", "memos_of", "overlapping_shifts",
    "partners_on_call", "peer_of_user", "person_by_number", "recipient_address", "roster",
    "schedule_shifts", "search_people", "shifts_ahead", "standing", "stations",
    "status_history", "status_since", "team_size", "trainings_of",
]  # fmt: skip
