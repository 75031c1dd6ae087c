"""Kansas City, MO Police Department, Personnel Policy 830, Peer Support Team Program (2019)."""

from .missouri_default import STATUTE_EXCEPTIONS

KEY = "kcpd"
NAME = "Kansas City Missouri Police Department"
DOCUMENT = "Personnel Policy 830, Peer Support Team (PST) Program (2019)"
DOCUMENT_SHORT = "Policy 830"

_OVERTIME_FORM = "III.D.2: an off-duty consult the Manager approves earns overtime"

POINTS = {
    "program_name": ("Peer Support Team (PST) Program", "title"),
    "team_name": ("Peer Support Team", "II.G"),
    "peer_title": ("Peer Support Specialist", "II.F"),
    "peer_title_plural": ("Peer Support Specialists", "I"),
    "peer_abbreviation": ("PSS", "II.F"),
    "lead_title": ("PST Manager", "II.J"),
    "lead_min_rank": ("captain", "II.J: a captain or above"),
    "lead_excluded_units": (
        ["Human Resources", "Homicide", "Internal Affairs"],
        "II.J: Human Resources, Homicide Unit and Internal Affairs commanders are not eligible",
    ),
    "command_title": ("Chief of Police", "II.H"),
    "served_groups": (["members", "families", "retirees"], "II.C, II.D, II.G.3"),
    "covered_member_classes": (
        ["sworn", "reserve", "auxiliary", "detention", "dispatcher"],
        "III.H.1",
    ),
    "application_method": ("chain_of_command", "IV.E.1"),
    "interview_required": (True, "IV.E.2.e"),
    "application_decided_by": ("coordinator", "IV.B.2.d: the Advisory Committee selects"),
    "application_decider_title": ("PST Advisory Committee", "IV.B.2.d"),
    "disqualifying_flags": (
        ["post_suspension", "criminal_investigation", "pending_discipline"],
        "IV.E.2.a-b",
    ),
    "confidentiality_agreement_required": (True, "IV.E.2.c"),
    "trainings_per_year": (4, "IV.E.3.f: quarterly trainings"),
    "missed_training_requires_memo": (True, "IV.E.3.f"),
    "compensation": ("overtime", "III.D"),
    "compensation_basis": (["activation", "approved_off_duty_consult"], "III.D.1-2"),
    "usage_duration": ("required", _OVERTIME_FORM),
    "usage_on_duty": ("required", _OVERTIME_FORM),
    "withdrawal_in_writing": (True, "IV.E.4"),
    "inactive_status_allowed": (True, "IV.E.5"),
    "reinstatement_allowed": (True, "IV.E.6"),
    "reinstatement_requires_training": (True, "IV.E.6.b"),
    "removal_decided_by": ("coordinator", "IV.B.3: the Advisory Committee"),
    "roster_distribution": ("A list of PSS is available on the Department Intranet.", "III.C"),
    "activation_roles": (["coordinator"], "III.E: the PST Manager activates"),
    "activation_request_roles": (["command"], "III.E: COP, designee or on-scene commander"),
    "activation_requires_approval": (True, "III.E"),
    "activation_chain": (["lead", "coordinators", "peers"], "IV.A.1-2"),
    "activation_areas": (
        [
            "Within Kansas City",
            "Elsewhere in the Kansas City metropolitan area",
            "Outside the metropolitan area, as the Chief directs",
        ],
        "III.E: within the Kansas City metropolitan area, or as directed by COP or designee",
    ),
    "peer_notifies_supervisor": (True, "IV.A.3"),
    "max_peers_per_activation": (2, "III.F"),
    "limit_override_roles": (["command"], "III.F"),
    "limit_override_title": ("Chief of Police or designee", "III.F"),
    "confidentiality_exceptions": (
        [
            *STATUTE_EXCEPTIONS,
            "Any information that relates to actual or perceived discrimination or harassment "
            "or other civil rights violations is disclosed to the Human Resources Director.",
            "Before any discussion a PSS refers the member to these limits; a PSS has no "
            "authority to assure a conversation is confidential.",
        ],
        "III.H.2, III.H.6, III.H.7",
    ),
    "quarterly_report": (True, "IV.B.2.f, IV.D.3.f"),
}

_E = "Policy 830 III.E"
INCIDENT_TYPES = [
    {
        "code": "member-death-injury",
        "label": "Death or serious bodily injury of a member",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _E + ".1",
    },
    {
        "code": "public-death-injury",
        "label": "Death or serious bodily injury of a member of the "
        "public in an encounter with a member",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _E + ".2",
    },
    {
        "code": "department-vehicle-crash",
        "label": "Serious crash in a department vehicle",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _E + ".3",
    },
    {
        "code": "pursuit-crash",
        "label": "Pursuit ending in death or serious bodily injury",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _E + ".4",
    },
    {
        "code": "member-illness-injury",
        "label": "Member's serious illness or non-duty injury",
        "triggers_activation": True,
        "requires_consent": True,
        "source": _E + ".5",
    },
    {
        "code": "commander-deemed",
        "label": "Other serious or complex incident deemed fit by the on-scene commander",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _E + ".6",
    },
    {
        "code": "personal-professional-crisis",
        "label": "Personal or professional crisis",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "Policy 830 II.G.2",
    },
    {
        "code": "family-support",
        "label": "Family support after a critical incident",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "Policy 830 II.G.3",
    },
]

INTERVENTION_TYPES = [
    {
        "code": "counseling-session",
        "label": "Peer support counseling session",
        "source": "Policy 830 II.E",
    },
    {
        "code": "critical-incident-response",
        "label": "Critical incident response",
        "source": "Policy 830 II.G.1",
    },
    {"code": "family-support", "label": "Family support", "source": "Policy 830 II.G.3"},
    {
        "code": "referral",
        "label": "Referral to professional or outside resources",
        "source": "Policy 830 IV.E.3.c",
    },
]

_I = "Policy 830 II.I"
TEAM_ROLES = [
    {
        "code": "manager",
        "kind": "lead",
        "label": "PST Manager (captain or above; not the HR, "
        "Homicide or Internal Affairs commander)",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "Policy 830 II.J",
    },
    {
        "code": "coordinator-fop99-sworn",
        "kind": "coordinator",
        "label": "PST Coordinator",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "Sworn members, selected by FOP Lodge #99",
        "source": _I + ".1",
    },
    {
        "code": "coordinator-fop99-nonsworn",
        "kind": "coordinator",
        "label": "PST Coordinator",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "Non-sworn members, selected by FOP Lodge #99",
        "source": _I + ".2",
    },
    {
        "code": "coordinator-fop102-sworn",
        "kind": "coordinator",
        "label": "PST Coordinator",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "Sworn members, selected by FOP Lodge #102",
        "source": _I + ".3",
    },
    {
        "code": "coordinator-chief",
        "kind": "coordinator",
        "label": "PST Coordinator",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "Sergeant, officer or civilian selected by the Chief",
        "source": _I + ".4",
    },
    {
        "code": "psychologist",
        "kind": "psychologist",
        "label": "PST Psychologist",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "Policy 830 II.K, IV.C",
    },
    {
        "code": "advisory-committee",
        "kind": "committee",
        "label": "PST Advisory Committee "
        "(Chief or designee, a mental health professional, the Manager, the Coordinators)",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "Policy 830 II.H",
    },
    {
        "code": "pss",
        "kind": "peer",
        "label": "Peer Support Specialist",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "Policy 830 II.F",
    },
]

RESOURCES = [
    {
        "kind": "eap",
        "name": "Employee Assistance Program (EAP)",
        "phone": "",
        "url": "",
        "description": "Professional counseling and support services (Policy 830 II.B).",
    },
    {
        "kind": "hotline",
        "name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "url": "https://988lifeline.org",
        "description": "Call or text, 24 hours a day.",
    },
]
