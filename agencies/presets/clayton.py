"""Clayton, MO Police Department, General Order 23-07, Wellness and Peer Support Program (2023)."""

KEY = "clayton"
NAME = "Clayton Police Department"
DOCUMENT = "General Order 23-07, Wellness and Peer Support Program (2023)"
DOCUMENT_SHORT = "GO 23-07"

POINTS = {
    "program_name": ("Wellness and Peer Support Program", "title"),
    "team_name": ("Wellness Team", "II"),
    "peer_title": ("Peer Support Officer", "II"),
    "peer_title_plural": ("Peer Support Officers", "II"),
    "peer_abbreviation": ("PSO", "II"),
    "lead_title": ("Wellness Team Coordinator", "II"),
    "lead_min_rank": ("", "II: a Commander designated by the Chief; no rank is set"),
    "command_title": ("Chief of Police", "III"),
    "member_title": ("department member", "V"),
    "served_groups": (["members"], "I, V"),
    "application_method": ("volunteer", "III: participation is voluntary"),
    "application_decided_by": ("command", "III: appointed by the Chief"),
    "application_decider_title": (
        "Chief of Police, after consulting the Wellness Team Coordinator",
        "III",
    ),
    "disqualifying_flags": (["probationary"], "III: non-probationary officers"),
    "eligible_member_classes": (["sworn"], "III: officers of various ranks"),
    "confidentiality_agreement_required": (
        True,
        "IV: acknowledgement form kept by the Coordinator",
    ),
    "trainings_per_year": (0, "III: ongoing training when available"),
    "training_topics": (["Approved Peer Support course"], "III"),
    "compensation": ("none", "III: voluntary and unpaid"),
    "roster_distribution": ("A roster of PSOs is posted in roll call.", "VI"),
    "contact_modes": (["in_person", "phone"], "V: at the station, a public place or by phone"),
    "activation_roles": (["coordinator"], "VI"),
    "activation_request_roles": (["command", "officer"], "VI: the watch commander"),
    "activation_requires_approval": (True, "VI: the Coordinator determines the immediacy"),
    "external_team_name": ("Greater St. Louis CISM Association", "II, VI"),
    "external_team_consult": ("Bureau Commander and Chief of Police", "VI"),
    "outreach_after_incidents": (True, "V: good-faith contact"),
    "contact_never_mandated": (True, "V"),
    "confidentiality_exceptions": (
        [
            "When the circumstances indicate that the employee being assisted is a danger to "
            "themselves or others.",
            "When there is disclosure of criminal behavior.",
            "When required by law as a mandated reporter.",
            "When a situation dictates an exception to confidentiality, the PSO will immediately "
            "notify the Wellness Team Coordinator, or in their absence a commander.",
        ],
        "IV",
    ),
    "checkin_interval_years": (3, "VII: every three years"),
    "checkin_notice_days": (30, "VII: email at least 30 days in advance"),
    "reschedule_min_days": (7, "VII: a minimum of one week in advance"),
    "missed_copy_to_command": (True, "VII: a copy sent to the Chief of Police"),
}

_CI = "GO 23-07 II (Critical Incident)"
_V = "GO 23-07 V"
INCIDENT_TYPES = [
    {
        "code": "deadly-force",
        "label": "Use of deadly force by or against department personnel",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CI,
    },
    {
        "code": "line-of-duty-death-injury",
        "label": "Line-of-duty death or injury of personnel",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CI,
    },
    {
        "code": "disaster-loss-of-life",
        "label": "Disaster or accident with loss of life",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CI,
    },
    {
        "code": "child-injury-death",
        "label": "Life-threatening injury or death of a child",
        "triggers_activation": True,
        "requires_consent": False,
        "source": _CI,
    },
    {
        "code": "career",
        "label": "Career-related issues",
        "triggers_activation": False,
        "requires_consent": False,
        "source": _V,
    },
    {
        "code": "family-relationship",
        "label": "Family and relationship issues",
        "triggers_activation": False,
        "requires_consent": False,
        "source": _V,
    },
    {
        "code": "substance-abuse",
        "label": "Substance abuse issues",
        "triggers_activation": False,
        "requires_consent": False,
        "source": _V,
    },
    {
        "code": "personal-professional",
        "label": "Other professional or personal matters",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "GO 23-07 I",
    },
]

INTERVENTION_TYPES = [
    {"code": "listening", "label": "Listening and support", "source": _V},
    {"code": "eap-referral", "label": "Referral to EAP", "source": _V},
    {"code": "debriefing", "label": "Incident debriefing", "source": _V},
    {
        "code": "mental-health-coordination",
        "label": "Coordination with the department mental health professional",
        "source": _V,
    },
    {"code": "hospital-visit", "label": "Hospital visitation", "source": _V},
    {"code": "follow-up", "label": "Follow-up peer support", "source": _V},
    {"code": "death-notification", "label": "Help with death notification", "source": _V},
]

TEAM_ROLES = [
    {
        "code": "chief",
        "kind": "approver",
        "label": "Chief of Police (appoints the team)",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "GO 23-07 III",
    },
    {
        "code": "coordinator",
        "kind": "lead",
        "label": "Wellness Team Coordinator (a Commander)",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "GO 23-07 II",
    },
    {
        "code": "pso",
        "kind": "peer",
        "label": "Peer Support Officer",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "GO 23-07 II",
    },
    {
        "code": "chaplain",
        "kind": "chaplain",
        "label": "Department Chaplain",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "GO 23-07 II",
    },
    {
        "code": "mental-health-professional",
        "kind": "clinical",
        "label": "Department mental health professional",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "GO 23-07 V",
    },
]

_VIII = "GO 23-07 VIII"
RESOURCES = [
    {
        "kind": "eap",
        "name": "Employee Assistance Plan (EAP)",
        "phone": "(800) 356-0845",
        "url": "https://paseap.com",
        "description": "Confidential, 24 hours a day; gives employers "
        "no identifying information. " + _VIII,
    },
    {
        "kind": "clinical",
        "name": "Anthem BlueCross/BlueShield member services",
        "phone": "833-578-4436",
        "url": "https://www.anthem.com",
        "description": "Mental health counseling for members and family on the city plan. " + _VIII,
    },
    {
        "kind": "clinical",
        "name": "Department Chaplain",
        "phone": "",
        "url": "",
        "description": "Contact at your own discretion; all communications are confidential. "
        "GO 23-07 II",
    },
    {
        "kind": "app",
        "name": "Missouri CIT app",
        "phone": "",
        "url": "",
        "description": "Free officer wellness toolkit, self-assessments, therapist finder and "
        "hotlines; QR code on the roll call sheet. " + _VIII,
    },
    {
        "kind": "hotline",
        "name": "988 Suicide & Crisis Lifeline (formerly the National Suicide Prevention Lifeline)",
        "phone": "988",
        "url": "https://988lifeline.org",
        "description": "The policy's (800) 273-8255 still connects. " + _VIII,
    },
    {
        "kind": "hotline",
        "name": "Veterans/Military Crisis Line",
        "phone": "988, press 1",
        "url": "https://www.veteranscrisisline.net",
        "description": _VIII,
    },
    {
        "kind": "hotline",
        "name": "National Domestic Violence Hotline",
        "phone": "(800) 799-7233",
        "url": "",
        "description": _VIII,
    },
    {
        "kind": "hotline",
        "name": "SAMHSA National Helpline",
        "phone": "(800) 662-4357",
        "url": "https://www.samhsa.gov",
        "description": "Free, confidential, 24/7 treatment referral and information. " + _VIII,
    },
    {
        "kind": "website",
        "name": "National Center for PTSD",
        "phone": "",
        "url": "https://www.ptsd.va.gov",
        "description": _VIII,
    },
    {
        "kind": "website",
        "name": "National Institute of Mental Health",
        "phone": "",
        "url": "https://www.nimh.nih.gov",
        "description": _VIII,
    },
]
