"""Who may do what: the one map from an action to the roles allowed to take it.

Views ask `can(request.roles, "policy.edit")`; templates use `request.can`. Each action also says
what it is called on the agency home page, so the home shows each user only what they may do."""

from dataclasses import dataclass

from agencies.choices import Role

ALL_ROLES = frozenset(Role.values)
# Members of the department; an outside check-in provider is not one.
MEMBERS = ALL_ROLES - {Role.PROVIDER}


@dataclass(frozen=True)
class Action:
    code: str
    roles: frozenset[str]
    label: str = ""
    description: str = ""
    url_name: str = ""  # shown on the agency home when set
    # A policy field that must be set for the page to mean anything in this agency.
    policy_field: str = ""


ACTIONS: dict[str, Action] = {
    a.code: a
    for a in [
        Action("agency.view", ALL_ROLES),
        Action(
            "program.view",
            ALL_ROLES,
            "How to reach a peer",
            "Confidentiality limits, how to reach the team, and where else to turn.",
            "agencies:program",
        ),
        Action(
            "oncall.view",
            MEMBERS,
            "Who is on call now",
            "Find a peer to talk to right now, and how to reach them.",
            "roster:lookup",
        ),
        Action(
            "peer.self",
            frozenset({Role.PEER}),
            "My peer page",
            "Your availability, on-call shifts and trainings.",
            "roster:me",
        ),
        Action(
            "roster.manage",
            frozenset({Role.COORDINATOR}),
            "Team roster",
            "Peers, applications, training standing and status history.",
            "roster:team",
        ),
        Action(
            "schedule.manage",
            frozenset({Role.COORDINATOR}),
            "On-call schedule",
            "Shifts for the next two weeks, and the hours nobody covers.",
            "roster:schedule",
        ),
        Action(
            "directory.manage",
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            "Personnel directory",
            "Everyone who can be served or must check in; CSV import and export.",
            "roster:people",
        ),
        Action(
            "activation.use",
            MEMBERS,
            "Activations",
            "Call out the team after a critical incident, or ask the coordinator to.",
            "activations:list",
        ),
        Action("activation.manage", frozenset({Role.COORDINATOR, Role.COMMAND})),
        Action(
            "outreach.send",
            frozenset({Role.COORDINATOR}),
            "Outreach",
            "Send the team's contact card; only a monthly count is kept.",
            "activations:outreach",
            "outreach_reasons",
        ),
        Action(
            "usage.file",
            frozenset({Role.PEER}),
            "File a usage form",
            "When, how long, what kind of contact. Never who.",
            "usage_reports:file",
        ),
        Action(
            "usage.read",
            frozenset({Role.COORDINATOR}),
            "Usage forms",
            "Every usage form the team filed.",
            "usage_reports:all",
        ),
        Action(
            "stats.view",
            frozenset({Role.COORDINATOR, Role.COMMAND}),
            "Statistics",
            "Anonymous counts of contacts by month, type and mode; small counts hidden.",
            "usage_reports:stats",
        ),
        Action(
            "reports.view",
            frozenset({Role.COORDINATOR, Role.COMMAND}),
            "Program reports",
            "The quarterly report (page, PDF, CSV) and the year-over-year evaluation.",
            "usage_reports:quarterly",
        ),
        Action(
            "compensation.view",
            frozenset({Role.COORDINATOR}),
            "Compensation",
            "Each peer's comp time, overtime or days off, per quarter.",
            "usage_reports:compensation",
            "pays_peers",
        ),
        Action(
            "privacy.view",
            ALL_ROLES,
            "What is stored about you",
            "For every role, what the product keeps and what it never keeps.",
            "usage_reports:privacy",
        ),
        Action(
            "checkins.mine",
            MEMBERS,
            "My check-in",
            "Your RSMo 590.192 check-in: when it is, a new date, a missed appointment.",
            "checkins:mine",
        ),
        Action(
            "checkins.view",
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            "Check-in compliance",
            "Who is compliant, due, overdue, scheduled or missed, by unit; CSV export.",
            "checkins:compliance",
        ),
        Action("checkins.manage", frozenset({Role.COORDINATOR})),
        Action(
            "checkins.provide",
            frozenset({Role.PROVIDER}),
            "Check-in appointments",
            "The appointments assigned to you, to mark completed or missed.",
            "checkins:provider",
        ),
        Action(
            "outbox.view",
            frozenset({Role.COORDINATOR, Role.ADMIN}),
            "Outbox",
            "Every notice the product sent or will send, and whether it went out.",
            "notifications:outbox",
        ),
        # Decisions the policy gives to a named role; the service checks the policy's choice.
        Action("application.decide", frozenset({Role.COORDINATOR, Role.COMMAND})),
        Action("peer.remove", frozenset({Role.COORDINATOR, Role.COMMAND})),
        Action(
            "resources.edit",
            frozenset({Role.ADMIN}),
            "Edit resources",
            "The EAP, hotlines and apps every member sees.",
            "agencies:resource_list",
        ),
        Action(
            "partners.manage",
            frozenset({Role.ADMIN}),
            "Partner agencies",
            "Agencies that may lend peers to yours, and borrow yours.",
            "agencies:partners",
        ),
        Action(
            "audit.view",
            frozenset({Role.ADMIN}),
            "Audit log and lockouts",
            "Every privileged action and sign-in, with its outcome; unlock a locked sign-in.",
            "security:audit",
        ),
        Action(
            "policy.edit",
            frozenset({Role.ADMIN}),
            "Policy settings",
            "Names, rules, limits and check-in cadence of this agency's program.",
            "agencies:settings",
        ),
        Action(
            "policy.view",
            frozenset({Role.ADMIN, Role.COORDINATOR, Role.COMMAND}),
            "Policy summary",
            "This agency's policy variant, point by point, with the section each comes from.",
            "agencies:policy",
        ),
    ]
}


def can(roles: frozenset[str] | set[str], action: str) -> bool:
    """True when any of the roles may take the action; an unknown action is never allowed."""
    entry = ACTIONS.get(action)
    return entry is not None and bool(entry.roles & set(roles))


def home_actions(roles: frozenset[str] | set[str], policy) -> list[Action]:
    return [
        a
        for a in ACTIONS.values()
        if a.url_name
        and a.roles & set(roles)
        and (not a.policy_field or getattr(policy, a.policy_field))
    ]
