"""St. Louis Metropolitan Police Department, Peer Support Specialist Team policy (HB1355)."""

from .missouri_default import STATUTE_EXCEPTIONS

KEY = "slmpd"
NAME = "St. Louis Metropolitan Police Department"
DOCUMENT = "Peer Support Specialist Team policy (quotes HB1355)"
DOCUMENT_SHORT = "PSST policy"

POINTS = {
    "program_name": ("Peer Support Specialist Team", "Purpose"),
    "team_name": ("Peer Support Specialist Team", "Purpose"),
    "peer_title": ("Peer Support Specialist", "Team Composition"),
    "peer_title_plural": ("Peer Support Specialists", "Team Composition"),
    "lead_title": ("Commander, CIT/Employee Wellness Unit", "Team Composition"),
    "lead_min_rank": ("", "Team Composition: the unit's commander, a post; no rank is set"),
    "command_title": ("Deputy Chief, Bureau of Community Policing", "Team Composition"),
    "member_title": ("Police Division member", "Operating Guidelines"),
    "served_groups": (
        ["members", "families", "other_agencies"],
        "Mission; Contact Guidelines 7, 8 (St. Louis County officers)",
    ),
    "application_method": ("volunteer", "Eligibility Requirements 1"),
    "interview_required": (True, "Eligibility Requirements 1.k"),
    "application_decided_by": ("command", "Team Composition: the Deputy Chief approves"),
    "application_decider_title": (
        "Deputy Chief, Bureau of Community Policing, with the Commander, CIT/Employee Wellness",
        "Team Composition",
    ),
    "min_years_of_service": (3, "Eligibility Requirements 1.a"),
    "disqualifying_flags": (["improvement_plan", "administrative_leave"], "Team Activities 5"),
    "confidentiality_agreement_required": (True, "Team Activities 2"),
    "team_size_min": (20, "Team Activities 1"),
    "team_size_max": (24, "Team Activities 1"),
    "trainings_per_year": (2, "Team Activities 6"),
    "training_topics": (
        ["Peer support", "Crisis intervention techniques", "CIT (preferred)"],
        "Operating Guidelines; Eligibility Requirements 1.e",
    ),
    "compensation": ("days_off", "Team Activities 8"),
    "compensation_basis": (["annual"], "Team Activities 8"),
    "days_off_per_year": (2, "Team Activities 8"),
    "roster_distribution": (
        "Contact information for the Team is in the Cordico Wellness app.",
        "Contact Guidelines 7",
    ),
    "activation_roles": (["coordinator", "command"], "Team Composition; Contact Guidelines 9"),
    "activation_request_roles": (["officer"], "Contact Guidelines 9: through RTCC"),
    "activation_chain": (["lead", "team_leaders", "peers"], "Team Composition (Team Leader 2)"),
    # The policy has a Team Leader per Area Station but names no station: the city as one area.
    "activation_areas": (
        [
            "Within the City of St. Louis",
            "St. Louis County",
            "Elsewhere in the region",
        ],
        "Team Member 4 (assist the St. Louis County Peer Team); Goals 5 (regional peer teams)",
    ),
    "cross_agency_requests": (True, "Goals 5; Team Composition (Deputy Chief 3)"),
    "cross_agency_approver_role": ("command", "Team Composition (Deputy Chief 3)"),
    "cross_agency_approver_title": (
        "Lieutenant Colonel, Deputy Chief, Bureau of Community Policing",
        "Team Composition (Deputy Chief 3)",
    ),
    "partner_peers_in_lookup": (True, "Contact Guidelines 8"),
    "outreach_reasons": (
        ["on_duty_injury", "fmla", "internal_investigation", "administrative_leave"],
        "Contact Guidelines 4",
    ),
    "outreach_after_incidents": (True, "Contact Guidelines 3"),
    "contact_never_mandated": (True, "Contact Guidelines 1"),
    "confidentiality_exceptions": (
        [
            *STATUTE_EXCEPTIONS,
            "The member discloses information that leads the Team member to believe the member "
            "is an imminent threat to self or others.",
            "The member discloses information about suspected or alleged child abuse or elder "
            "abuse.",
            "The member discloses information involving legal issues that impact employment.",
            "Any other instance required by law.",
        ],
        "HB1355 3.b; Confidentiality 5",
    ),
}

_ACT = "PSST policy, Contact Guidelines 6"
INCIDENT_TYPES = [
    {
        "code": "children-trauma",
        "label": "Traumatic event involving children",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _ACT,
    },
    {
        "code": "mass-casualty",
        "label": "Mass casualty incident",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _ACT,
    },
    {
        "code": "member-family-incident",
        "label": "Significant incident involving members or their immediate families",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _ACT,
    },
    {
        "code": "unusual-incident",
        "label": "Unusual incident with a powerful impact",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _ACT,
    },
    {
        "code": "personal-professional",
        "label": "Personal or professional situation",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "PSST policy, Goals 1",
    },
]

_OPS = "PSST policy, Operating Guidelines"
INTERVENTION_TYPES = [
    {"code": "one-on-one", "label": "One-on-one discussion", "source": _OPS},
    {"code": "group-discussion", "label": "Group discussion", "source": _OPS},
    {"code": "pre-incident-education", "label": "Pre-incident education", "source": _OPS},
    {"code": "stress-education", "label": "Stress management education", "source": _OPS},
    {"code": "spousal-support", "label": "Spousal or significant other support", "source": _OPS},
    {"code": "on-scene", "label": "On-scene support", "source": _OPS},
    {"code": "post-incident", "label": "Post-incident support", "source": _OPS},
    {
        "code": "group-debrief",
        "label": "Critical incident group debrief",
        "source": "PSST policy, Team Member 5",
    },
    {
        "code": "referral",
        "label": "Referral to behavioral health professionals or EAP",
        "source": "PSST policy, Team Member 2",
    },
]

_COMP = "PSST policy, Team Composition"
TEAM_ROLES = [
    {
        "code": "deputy-chief",
        "kind": "approver",
        "label": "Lieutenant Colonel, Deputy Chief, Bureau of Community Policing",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": _COMP,
    },
    {
        "code": "commander",
        "kind": "lead",
        "label": "Commander, CIT/Employee Wellness Unit",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": _COMP,
    },
    {
        "code": "clinical-consultant",
        "kind": "clinical",
        "label": "Clinical Consultant (licensed in Missouri)",
        "min_count": 3,
        "max_count": 5,
        "per_station": False,
        "represents": "",
        "source": _COMP,
    },
    {
        "code": "team-leader",
        "kind": "team_leader",
        "label": "Peer Support Specialist Team Leader",
        "min_count": 1,
        "max_count": 1,
        "per_station": True,
        "represents": "",
        "source": _COMP + " (Team Leader 5)",
    },
    {
        "code": "specialist",
        "kind": "peer",
        "label": "Peer Support Specialist",
        "min_count": 20,
        "max_count": 24,
        "per_station": False,
        "represents": "",
        "source": "PSST policy, Team Activities 1",
    },
]

RESOURCES = [
    {
        "kind": "eap",
        "name": "BJC Employee Assistance Program (EAP)",
        "phone": "",
        "url": "",
        "description": "Referral partner named in the policy (Team Member 2).",
    },
    {
        "kind": "app",
        "name": "Cordico Wellness app",
        "phone": "",
        "url": "",
        "description": "Holds the Team's contact information (Contact Guidelines 7, 8).",
    },
    {
        "kind": "hotline",
        "name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "url": "https://988lifeline.org",
        "description": "Call or text, 24 hours a day.",
    },
]
