"""Whether a person may serve on the team, by the agency's own rules, with every reason shown."""

from dataclasses import dataclass
from datetime import date

from agencies.choices import MemberClass, StatusFlag
from agencies.models import Policy

from .models import Person


@dataclass(frozen=True)
class Finding:
    ok: bool
    text: str
    source: str = ""


def years_of_service(hire_date: date | None, today: date) -> int | None:
    if hire_date is None:
        return None
    years = today.year - hire_date.year
    if (today.month, today.day) < (hire_date.month, hire_date.day):
        years -= 1
    return max(years, 0)


def check(person: Person, policy: Policy, *, today: date) -> list[Finding]:
    """Every rule the policy sets, each as a finding; the person is eligible when none fails."""
    findings: list[Finding] = []
    sources = policy.sources
    if policy.min_years_of_service:
        years = years_of_service(person.hire_date, today)
        required = policy.min_years_of_service
        if years is None:
            findings.append(
                Finding(
                    False,
                    f"No hire date on record; policy requires {required} years of service",
                    sources.get("min_years_of_service", ""),
                )
            )
        else:
            findings.append(
                Finding(
                    years >= required,
                    f"{years} year{'s' if years != 1 else ''} of service; policy requires "
                    f"{required}",
                    sources.get("min_years_of_service", ""),
                )
            )
    flag_labels = dict(StatusFlag.choices)
    for flag in policy.disqualifying_flags:
        if getattr(person, flag):
            findings.append(
                Finding(
                    False,
                    f"{flag_labels[flag]}: the policy excludes this",
                    sources.get("disqualifying_flags", ""),
                )
            )
    if policy.eligible_member_classes and person.member_class not in policy.eligible_member_classes:
        classes = dict(MemberClass.choices)
        allowed = ", ".join(classes[c].lower() for c in policy.eligible_member_classes)
        findings.append(
            Finding(
                False,
                f"Member class {classes[person.member_class].lower()}; policy admits {allowed}",
                sources.get("eligible_member_classes", ""),
            )
        )
    if not person.employed:
        findings.append(Finding(False, "No longer employed by the agency"))
    if not findings:
        findings.append(Finding(True, "Meets every eligibility rule of the policy"))
    return findings


def is_eligible(findings: list[Finding]) -> bool:
    return all(f.ok for f in findings)
