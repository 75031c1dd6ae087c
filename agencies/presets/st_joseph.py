"""St. Joseph, MO Police Department, General Order GO2401, Peer Support Program (2025)."""

KEY = "st-joseph"
NAME = "St. Joseph Police Department"
DOCUMENT = "General Order GO2401, Peer Support Program (2025)"
DOCUMENT_SHORT = "GO2401"

POINTS = {
    "program_name": ("Peer Support Program", "I"),
    "team_name": ("Peer Support Team", "II.A"),
    "peer_title": ("Peer Support Member", "I"),
    "peer_title_plural": ("Peer Support Members", "II.B.2"),
    "peer_abbreviation": ("PST member", "II.A.3"),
    "lead_title": ("Program Coordinator", "II.H.1"),
    "lead_min_rank": ("sergeant", "II.H.1: holds the rank of sergeant or above"),
    "command_title": ("Chief of Police", "I"),
    "member_title": ("department member", "I"),
    "served_groups": (["members"], "I: all department personnel"),
    "application_method": ("selection", "II.A.2, II.A.4"),
    "interview_required": (False, "II.A.2: selected on experience and skills"),
    "application_decided_by": ("command", "II.A.4"),
    "application_decider_title": ("Chief of Police or a designated coordinator", "II.A.4"),
    "trainings_per_year": (0, "II.D.2: ongoing training"),
    "training_topics": (
        ["Stress management", "Crisis intervention", "Active listening", "Mental health awareness"],
        "II.D.1",
    ),
    "compensation": ("comp_time", "II.A.3"),
    "compensation_basis": (["off_duty_contact"], "II.A.3"),
    "usage_duration": ("required", "II.A.3: comp time when contacted off duty"),
    "usage_on_duty": ("required", "II.A.3: comp time when contacted off duty"),
    "roster_distribution": (
        "A list of Peer Support Members and their contact information is maintained and "
        "distributed by the department.",
        "II.C.2",
    ),
    "contact_modes": (["in_person", "phone", "virtual"], "II.C.3"),
    "confidentiality_exceptions": (
        [
            "If there is a threat of harm to the individual or others.",
            "If there is an admission of criminal activity.",
            "If required by law.",
        ],
        "II.B.1",
    ),
    "program_evaluation": (True, "II.H.2"),
}

INCIDENT_TYPES = [
    {
        "code": "officer-involved-shooting",
        "label": "Officer-involved shooting",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "GO2401 II.E.1",
    },
    {
        "code": "fatal-crash",
        "label": "Fatal crash",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "GO2401 II.E.1",
    },
    {
        "code": "death-scene",
        "label": "Death scene",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "GO2401 II.E.1",
    },
    {
        "code": "other-major-incident",
        "label": "Other major incident",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "GO2401 II.E.1",
    },
    {
        "code": "personal-professional",
        "label": "Personal or professional stressors",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "GO2401 I",
    },
]

INTERVENTION_TYPES = [
    {"code": "emotional-support", "label": "Emotional support", "source": "GO2401 II.E.1"},
    {"code": "debriefing", "label": "Debriefing", "source": "GO2401 II.E.1"},
    {
        "code": "referral",
        "label": "Referral to a mental health professional",
        "source": "GO2401 II.E.1",
    },
    {
        "code": "coping-guidance",
        "label": "Guidance on coping strategies",
        "source": "GO2401 II.E.1",
    },
]

TEAM_ROLES = [
    {
        "code": "program-coordinator",
        "kind": "lead",
        "label": "Program Coordinator (sergeant or above)",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "GO2401 II.H.1",
    },
    {
        "code": "peer-support-member",
        "kind": "peer",
        "label": "Peer Support Member",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "GO2401 II.A.1",
    },
]

RESOURCES = [
    {
        "kind": "eap",
        "name": "Employee Assistance Program (EAP)",
        "phone": "",
        "url": "",
        "description": "The Peer Support Program works with the department's EAP (GO2401 II.E.2).",
    },
    {
        "kind": "hotline",
        "name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "url": "https://988lifeline.org",
        "description": "Call or text, 24 hours a day.",
    },
]
