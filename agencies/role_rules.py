"""Who may hold a role, where the agency's policy says: the one place the rule is read.

KCPD's PST Manager is a captain or above and not from Human Resources, Homicide or Internal
Affairs (Policy 830 II.J); St. Joseph's coordinator a sergeant or above (GO2401 II.H.1). The
policy keeps the rule for the coordinator role (`lead_min_rank`, `lead_excluded_units`); granting
the role to someone who does not meet it is refused with the section, unless a platform admin
gives a reason (agencies.services.grant_role, the Django admin).

The person's rank and unit are in the directory (roster.Person). Nothing in agencies imports
roster, so roster registers how to find a member's directory entry (roster/apps.py)."""

from collections.abc import Callable
from dataclasses import dataclass

from .choices import Rank, Role
from .models import Agency, Membership, Policy, User
from .permissions import can
from .ranks import at_least, names_unit, rank_of


@dataclass(frozen=True)
class Holder:
    """What the directory says of the person a role would go to."""

    name: str
    rank: str
    unit: str


DirectoryLookup = Callable[[Agency, User], Holder | None]
_directory: list[DirectoryLookup] = []


def register_directory(lookup: DirectoryLookup) -> None:
    _directory[:] = [lookup]


def holder_of(*, agency: Agency, user: User) -> Holder | None:
    """The user's entry in the agency's directory, or None when there is none."""
    return _directory[0](agency, user) if _directory else None


def sets_rule(policy: Policy, role: str) -> bool:
    return can({role}, "program.lead", policy) and bool(
        policy.lead_min_rank or policy.lead_excluded_units
    )


def refusal(*, policy: Policy, role: str, holder: Holder | None, username: str = "") -> str:
    """Why the policy does not let this person hold the role, citing its section; empty when
    it does (or sets no rule for the role)."""
    if not sets_rule(policy, role):
        return ""
    title = policy.lead_title or Role(role).label
    if holder is None:
        field = "lead_min_rank" if policy.lead_min_rank else "lead_excluded_units"
        return (
            f"The policy says who may be the {title} ({_section(policy, field)}), and "
            f"{username or 'this user'} has no entry in the agency's directory to check their "
            "rank and unit against."
        )
    if policy.lead_min_rank:
        minimum = Rank(policy.lead_min_rank)
        rank = rank_of(holder.rank)
        wanted = f"The {title} must be a {minimum.label.lower()} or above"
        section = _section(policy, "lead_min_rank")
        if rank is None:
            shown = f'"{holder.rank}"' if holder.rank.strip() else "empty"
            return (
                f"{wanted}, and {holder.name}'s rank in the directory is {shown}, which is not "
                f"one of {', '.join(r.label for r in Rank)} ({section})."
            )
        if not at_least(rank, minimum):
            return f"{wanted}, and {holder.name} is a {rank.label.lower()} ({section})."
    for entry in policy.lead_excluded_units:
        if names_unit(holder.unit, entry):
            return (
                f"The {title} may not come from {entry}, and {holder.name} is in {holder.unit} "
                f"({_section(policy, 'lead_excluded_units')})."
            )
    return ""


def grant_refusal(*, agency: Agency, user: User, role: str) -> str:
    """`refusal` for this user, with their directory entry looked up."""
    # Read afresh: the rule may have changed since the agency was loaded.
    policy = Policy.objects.get(agency=agency)
    if not sets_rule(policy, role):
        return ""
    holder = holder_of(agency=agency, user=user)
    return refusal(policy=policy, role=role, holder=holder, username=user.get_username())


OVERRIDE_HINT = "To make an exception, give the reason; it is kept and audited."


def is_new_grant(membership: Membership) -> bool:
    """Whether saving the row gives its user its role now: a new row, or one whose user or role
    changed. A role already held is not granted again."""
    if membership.pk is None:
        return True
    before = (
        Membership.objects.for_agency(membership.agency)
        .filter(pk=membership.pk)
        .values("user_id", "role")
        .first()
    )
    return before != {"user_id": membership.user_id, "role": membership.role}


def membership_refusal(membership: Membership) -> str:
    """`refusal` for a membership row about to be saved; empty for a role already held."""
    if not is_new_grant(membership):
        return ""
    return grant_refusal(agency=membership.agency, user=membership.user, role=membership.role)


def _section(policy: Policy, field: str) -> str:
    """Where the rule comes from: the preset's section, or when the agency changed it."""
    return policy.sources.get(field) or "The policy"
