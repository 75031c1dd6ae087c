"""Joplin, MO Police Department, Standard Operating Guideline 2-13, Peer Support Program (2017)."""

KEY = "joplin"
NAME = "Joplin Police Department"
DOCUMENT = "Standard Operating Guideline 2-13, Peer Support Program (2017)"
DOCUMENT_SHORT = "SOG 2-13"

_ONLY = (
    "IV.D.2: the usage form includes only the name of the member, the date and time of service, "
    "and the type of incident/intervention"
)

POINTS = {
    "program_name": ("Peer Support Program", "I"),
    "team_name": ("Peer Support Team", "III"),
    "peer_title": ("Peer Support Advisor", "III"),
    "peer_title_plural": ("Peer Support Advisors", "III"),
    "lead_title": ("Peer Support Program Coordinator", "III"),
    "lead_min_rank": (
        "",
        "III: a Staff Officer, a post rather than a rank; the admin may set the rank it means",
    ),
    "served_groups": (["members", "other_agencies"], "III: other agencies upon request"),
    "application_method": ("letter_of_request", "IV.A.1"),
    "vacancies_announced": (True, "IV.A.1"),
    "application_decided_by": ("coordinator", "III: the Coordinator selects advisors"),
    "application_decider_title": ("Peer Support Program Coordinator", "III"),
    "training_topics": (
        [
            "Stress awareness",
            "Secondary trauma",
            "Referrals",
            "Crisis intervention",
            "De-escalation",
        ],
        "IV.A.2",
    ),
    "activation_roles": (["coordinator"], "IV.B.2"),
    "activation_request_roles": (["command", "officer"], "IV.B.2: any supervisor"),
    "activation_requires_approval": (True, "IV.B.2: through the Coordinator"),
    "cross_agency_requests": (True, "III: other law enforcement agencies upon request"),
    "usage_duration": ("off", _ONLY),
    "usage_contact_mode": ("off", _ONLY),
    "usage_on_duty": ("off", _ONLY),
    "usage_activation": ("off", _ONLY),
    "confidentiality_exceptions": (
        [
            "Communications are privileged unless criminal acts are involved.",
            "Communications are privileged unless the member, through words or actions, "
            "indicates an articulable danger to themselves, citizens, or fellow members.",
            "There is no expectation of confidentiality in a criminal proceeding.",
            "Supervisors who ask an advisor about a peer support usage are referred to the "
            "Program Coordinator; advisors release no information to any member, whatever "
            "the requestor's rank.",
        ],
        "IV.C.1, IV.C.2",
    ),
}

_CRISIS = "SOG 2-13 III (Personal or Professional Crisis)"
INCIDENT_TYPES = [
    {
        "code": "deadly-force",
        "label": "The use of deadly force",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "assault-on-member",
        "label": "Assault on a member",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "injury-illness-death",
        "label": "Injury, illness or death of a member or someone in a member's family",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "family-after-death",
        "label": "Assisting family with a member's death",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "crimes-against-children",
        "label": "Crimes against children or a child death investigation",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "substance-abuse",
        "label": "Substance abuse",
        "triggers_activation": False,
        "requires_consent": False,
        "source": _CRISIS,
    },
    {
        "code": "personal-problems",
        "label": "Marital, relationship, health, financial or other personal problems",
        "triggers_activation": False,
        "requires_consent": False,
        "source": _CRISIS,
    },
]

INTERVENTION_TYPES = [
    {"code": "one-on-one", "label": "One-on-one support", "source": "SOG 2-13 III, IV.B.1"},
    {"code": "referral", "label": "Referral", "source": "SOG 2-13 III, IV.B.1"},
    {"code": "secondary-trauma", "label": "Secondary trauma support", "source": "SOG 2-13 III"},
]

TEAM_ROLES = [
    {
        "code": "program-coordinator",
        "kind": "lead",
        "label": "Peer Support Program Coordinator (Staff Officer)",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "SOG 2-13 III",
    },
    {
        "code": "advisor",
        "kind": "peer",
        "label": "Peer Support Advisor",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "SOG 2-13 III",
    },
    {
        "code": "mental-health-professional",
        "kind": "clinical",
        "label": "Mental health professional",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "SOG 2-13 III (Peer Support Team)",
    },
]
