"""Who may do what: the one map from an action to the roles allowed to take it, including the
decisions an agency's policy gives to a role it chooses (who may activate, who decides
applications, who may exceed the limit, who decides partner requests...).

Everything asks the same function, `can(roles, action, policy)`: views through `request.can(...)`
(and `@requires`), templates as `request.can.policy_edit`, services directly. Who is told of
something (a notice's audience) is an action too, so "the coordinator" is never spelled outside
this module. Each action also says what it is called on the agency home page and in the menu, so
both show each user only what they may do."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

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
    # When the policy chooses who may: the Policy field holding a role or a list of roles, or a
    # function of the policy. The allowed roles are then the policy's choice within `roles`.
    chosen_by: str | Callable[[object], Iterable[str]] = field(default="", compare=False)

    def allowed(self, policy) -> frozenset[str]:
        if not self.chosen_by:
            return self.roles
        if policy is None:
            raise TypeError(f"{self.code} is decided by the agency's policy; pass it.")
        if callable(self.chosen_by):
            chosen = self.chosen_by(policy)
        else:
            chosen = getattr(policy, self.chosen_by)
        return self.roles & frozenset([chosen] if isinstance(chosen, str) else chosen)


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
        # Sees every activation of the agency, not only the ones they opened or asked for.
        Action("activation.manage", frozenset({Role.COORDINATOR, Role.COMMAND})),
        Action("activation.open", MEMBERS, chosen_by="activation_roles"),
        Action("activation.ask", MEMBERS, chosen_by="activation_request_roles"),
        Action("activation.exceed_limit", MEMBERS, chosen_by="limit_override_roles"),
        # Activating for an incident type the policy does not list as a trigger, with a reason.
        Action("activation.override_trigger", frozenset({Role.COORDINATOR})),
        # Told when nobody is left to call, and when peers are taken off call-outs.
        Action("activation.coordinate", frozenset({Role.COORDINATOR})),
        Action("partner.decide", MEMBERS, chosen_by="cross_agency_approver_role"),
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
        # Reschedule requests and explanations of missed check-ins reach whoever may manage.
        Action("checkins.manage", frozenset({Role.COORDINATOR})),
        # RSMo 590.192: the commanding officer is told that a check-in was completed, nothing else.
        Action("checkins.hear_completed", frozenset({Role.COMMAND})),
        Action(
            "checkins.copy_missed",
            frozenset({Role.COMMAND}),
            chosen_by=lambda p: ALL_ROLES if p.missed_copy_to_command else (),
        ),
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
        # The program's lead: the policy's rank and unit rules for the lead apply to this role.
        Action("program.lead", frozenset({Role.COORDINATOR})),
        # Reads the applications; the decision itself is the policy's choice of role.
        Action("application.view", frozenset({Role.COORDINATOR, Role.COMMAND})),
        # Decisions the policy gives to a role it names.
        Action("application.decide", MEMBERS, chosen_by="application_decided_by"),
        Action("peer.remove", MEMBERS, chosen_by="removal_decided_by"),
        # Every other change of a peer's status (training, active, inactive, reinstated).
        Action("peer.status", frozenset({Role.COORDINATOR})),
        # Statistics per peer (who filed how many); others see the team's counts only.
        Action("stats.per_peer", frozenset({Role.COORDINATOR})),
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


# Roles whose sign-in needs a second step: they see others' records or decide for the agency.
SECOND_FACTOR_ROLES = frozenset({Role.ADMIN, Role.COORDINATOR, Role.PROVIDER, Role.COMMAND})


def can(roles: Iterable[str], action: str, policy=None) -> bool:
    """True when any of the roles may take the action under the agency's policy; an unknown
    action is never allowed. Actions the policy decides need the policy."""
    entry = ACTIONS.get(action)
    return entry is not None and bool(entry.allowed(policy) & set(roles))


def roles_for(action: str, policy=None) -> frozenset[str]:
    """The roles that may take the action: for finding who to tell (a notice's audience)."""
    return ACTIONS[action].allowed(policy)


def needs_second_factor(roles: Iterable[str]) -> bool:
    return bool(SECOND_FACTOR_ROLES & set(roles))


def is_platform_admin(user) -> bool:
    """The platform's own administrator (outside every agency): the Django superuser."""
    return bool(user.is_authenticated and user.is_superuser)


def home_actions(roles: Iterable[str], policy) -> list[Action]:
    return [
        a
        for a in ACTIONS.values()
        if a.url_name
        and can(roles, a.code, policy)
        and (not a.policy_field or getattr(policy, a.policy_field))
    ]


@dataclass(frozen=True)
class MenuItem:
    label: str
    url_name: str
    action: str
    # Left out for whoever may also take this action (its own menu item covers them).
    unless: str = ""


MENU = [
    MenuItem("On call now", "roster:lookup", "oncall.view"),
    MenuItem("Reach a peer", "agencies:program", "program.view"),
    MenuItem("My page", "roster:me", "peer.self"),
    MenuItem("Usage forms", "usage_reports:mine", "usage.file"),
    MenuItem("Statistics", "usage_reports:stats", "stats.view"),
    MenuItem("My check-in", "checkins:mine", "checkins.mine", unless="checkins.view"),
    MenuItem("Check-ins", "checkins:compliance", "checkins.view"),
    MenuItem("Appointments", "checkins:provider", "checkins.provide"),
    MenuItem("Activations", "activations:list", "activation.manage"),
    MenuItem("Team", "roster:team", "roster.manage"),
    MenuItem("Directory", "roster:people", "directory.manage"),
    MenuItem("Policy", "agencies:policy", "policy.view"),
    MenuItem("Settings", "agencies:settings", "policy.edit"),
]


def menu(roles: Iterable[str], policy) -> list[MenuItem]:
    roles = set(roles)
    return [
        item
        for item in MENU
        if can(roles, item.action, policy) and not (item.unless and can(roles, item.unless, policy))
    ]
