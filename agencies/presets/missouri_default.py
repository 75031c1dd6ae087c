"""For an agency whose policy is silent: the two Missouri statutes, and otherwise the product's
defaults. Each point is (value, where it comes from)."""

KEY = "missouri-default"
NAME = "Missouri default"
DOCUMENT = "RSMo 590.192 and 590.1040, with product defaults where the law is silent"
DOCUMENT_SHORT = "Missouri default"

STATUTE_EXCEPTIONS = [
    "A threat of suicide or of a criminal act made in a peer support session, or information "
    "conveyed in a session relating to such a threat.",
    "Information relating to abuse of spouses, children or the elderly, or other information "
    "required to be reported by law.",
    "An admission of criminal conduct.",
    "Testimony the member who received peer support expressly consented to disclose.",
    "Testimony the surviving spouse, executor or administrator of a deceased member expressly "
    "consented to disclose.",
]

POINTS = {
    "program_name": ("Peer Support Program", "product default"),
    "team_name": ("Peer Support Team", "product default"),
    "peer_title": ("Peer Support Member", "product default"),
    "peer_title_plural": ("Peer Support Members", "product default"),
    "peer_abbreviation": ("", "product default"),
    "lead_title": ("Peer Support Coordinator", "product default"),
    "lead_min_rank": ("", "product default: any rank"),
    "lead_excluded_units": ([], "product default: no unit excluded"),
    "command_title": ("Chief of Police", "product default"),
    "member_title": ("member", "product default"),
    "provider_title": ("Program Service Provider", "RSMo 590.192"),
    "served_groups": (["members"], "product default"),
    "covered_member_classes": ([], "RSMo 590.1040: every participant"),
    "application_method": ("letter_of_request", "product default"),
    "vacancies_announced": (False, "product default"),
    "interview_required": (True, "product default"),
    "application_decided_by": ("coordinator", "product default"),
    "application_decider_title": ("Peer Support Coordinator", "product default"),
    "min_years_of_service": (0, "product default"),
    "disqualifying_flags": ([], "product default"),
    "eligible_member_classes": ([], "product default"),
    "confidentiality_agreement_required": (True, "product default"),
    "team_size_min": (None, "product default"),
    "team_size_max": (None, "product default"),
    "trainings_per_year": (1, "product default"),
    "training_topics": ([], "product default"),
    "missed_training_requires_memo": (False, "product default"),
    "compensation": ("none", "product default"),
    "compensation_basis": ([], "product default"),
    "days_off_per_year": (0, "product default"),
    "withdrawal_in_writing": (False, "product default"),
    "inactive_status_allowed": (True, "product default"),
    "reinstatement_allowed": (True, "product default"),
    "reinstatement_requires_training": (True, "product default"),
    "removal_decided_by": ("coordinator", "product default"),
    "roster_distribution": ("", "product default"),
    "contact_modes": (["in_person", "phone", "virtual"], "product default"),
    "activation_roles": (["coordinator"], "product default"),
    "activation_request_roles": (["command", "officer"], "product default"),
    "activation_requires_approval": (True, "product default"),
    "activation_chain": (["lead", "peers"], "product default"),
    "peer_notifies_supervisor": (False, "product default"),
    "max_peers_per_activation": (None, "product default"),
    "limit_override_roles": ([], "product default"),
    "limit_override_title": ("", "product default"),
    "escalation_minutes": (15, "product default"),
    "cross_agency_requests": (False, "product default"),
    "cross_agency_approver_role": ("coordinator", "product default"),
    "cross_agency_approver_title": ("", "product default"),
    "partner_peers_in_lookup": (False, "product default"),
    "external_team_name": ("", "product default"),
    "external_team_consult": ("", "product default"),
    "outreach_reasons": ([], "product default"),
    "outreach_after_incidents": (False, "product default"),
    "contact_never_mandated": (True, "product default"),
    "usage_duration": ("required", "product default"),
    "usage_contact_mode": ("required", "product default"),
    "usage_on_duty": ("required", "product default"),
    "usage_activation": ("optional", "product default"),
    "confidentiality_exceptions": (STATUTE_EXCEPTIONS, "RSMo 590.1040"),
    "stats_suppression_threshold": (3, "product default"),
    "quarterly_report": (False, "product default"),
    "program_evaluation": (False, "product default"),
    "checkin_interval_years": (3, "RSMo 590.192 (3 to 5 years)"),
    "checkin_notice_days": (30, "product default"),
    "reschedule_min_days": (7, "product default"),
    "checkin_reminder_days": ([7, 1], "product default"),
    "missed_copy_to_command": (True, "product default"),
    # What a call-out message says of where: a general area chosen from this list, never the
    # location itself (which stays on the call-out page and is erased on close).
    "activation_areas": (["Within the city", "Outside the city"], "product default"),
}

INCIDENT_TYPES = [
    {
        "code": "critical-incident",
        "label": "Critical incident",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "product default",
    },
    {
        "code": "line-of-duty-death-injury",
        "label": "Line-of-duty death or serious injury",
        "triggers_activation": True,
        "requires_consent": False,
        "source": "product default",
    },
    {
        "code": "personal-professional",
        "label": "Personal or professional stress",
        "triggers_activation": False,
        "requires_consent": False,
        "source": "product default",
    },
]

INTERVENTION_TYPES = [
    {"code": "one-on-one", "label": "One-on-one support", "source": "product default"},
    {"code": "group-debriefing", "label": "Group debriefing", "source": "product default"},
    {"code": "referral", "label": "Referral to professional help", "source": "product default"},
]

TEAM_ROLES = [
    {
        "code": "coordinator",
        "kind": "lead",
        "label": "Peer Support Coordinator",
        "min_count": 1,
        "max_count": 1,
        "per_station": False,
        "represents": "",
        "source": "product default",
    },
    {
        "code": "peer",
        "kind": "peer",
        "label": "Peer Support Member",
        "min_count": None,
        "max_count": None,
        "per_station": False,
        "represents": "",
        "source": "product default",
    },
]

RESOURCES = [
    {
        "kind": "hotline",
        "name": "988 Suicide & Crisis Lifeline",
        "phone": "988",
        "url": "https://988lifeline.org",
        "description": "Call or text, 24 hours a day.",
    },
]
