"""Filing and correcting usage forms (only the peer who filed a form may correct it, for 7 days),
and the lead's compensation decisions: off-duty consults approved or declined, days off taken."""

from datetime import date, datetime, timedelta
from typing import NotRequired, TypedDict, Unpack

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from activations.models import Activation
from agencies import clock
from agencies.choices import FieldUse
from agencies.models import Agency, IncidentType, InterventionType, User
from notifications.models import Channel
from notifications.services import cancel_for, queue
from roster.models import Peer
from security.audit import audited

from .models import DayOff, UsageReport

CORRECTION_DAYS = 7
FOLLOW_UP_DAYS = (1, 3, 7, 14)
# A form for a contact longer ago than this is refused: the statistics are quarterly.
OLDEST_DAYS = 366


class UsageFields(TypedDict):
    """What a usage form holds besides its peer: the same for filing and for correcting. The
    last four only where the agency's policy asks for them (`ASKED`)."""

    served_at: datetime
    incident_type: IncidentType
    intervention_type: InterventionType
    duration_minutes: NotRequired[int | None]
    contact_mode: NotRequired[str]
    on_duty: NotRequired[bool | None]
    activation: NotRequired[Activation | None]


# Each optional field of the usage form, the policy point that says whether it is asked, what
# the form holds when it is not, and how it is named in a message.
ASKED = {
    "duration_minutes": ("usage_duration", None, "how long the contact lasted"),
    "contact_mode": ("usage_contact_mode", "", "the kind of contact"),
    "on_duty": ("usage_on_duty", None, "whether you were on or off duty"),
    "activation": ("usage_activation", None, "the activation it came from"),
}


def asked(policy, field: str) -> str:
    """FieldUse of one optional field under the agency's policy."""
    return getattr(policy, ASKED[field][0])


def _as_the_policy_asks(policy, fields: dict) -> dict[str, str]:
    """Blanks what the policy does not let the form hold; the errors of what it requires."""
    errors = {}
    for field, (_, empty, words) in ASKED.items():
        use = asked(policy, field)
        if use == FieldUse.OFF:
            fields[field] = empty
        elif fields.get(field) in (None, ""):
            fields[field] = empty
            if use == FieldUse.REQUIRED:
                errors[field] = f"Say {words}."
    return errors


def _fill(report: UsageReport, fields: UsageFields) -> UsageReport:
    """Check the fields against the agency and the form's own rules, then save them."""
    agency_id = report.agency_id
    fields = dict(fields)
    errors = _as_the_policy_asks(report.agency.policy, fields)
    served_at = fields["served_at"]
    activation = fields.get("activation")
    now = timezone.now()
    if served_at > now + timedelta(minutes=5):
        errors["served_at"] = "The date and time of service cannot be in the future."
    elif served_at < now - timedelta(days=OLDEST_DAYS):
        errors["served_at"] = "A contact more than a year ago cannot be reported."
    for key, words in [("incident_type", "incident types"), ("intervention_type", "interventions")]:
        if fields[key].agency_id != agency_id or not fields[key].active:
            errors[key] = f"Choose one of this agency's {words}."
    if activation is not None and activation.agency_id != agency_id:
        errors["activation"] = "Choose one of your assignments."
    if errors:
        raise ValidationError(errors)
    for key, value in fields.items():
        setattr(report, key, value)
    report.activation = activation
    if report.on_duty is not False:
        report.compensation_approved = report.compensation_declined = False
    report.full_clean()
    report.save()
    return report


@audited("usage_reports:file", actor="peer.person.user")
def file_report(
    *,
    agency: Agency,
    peer: Peer,
    follow_up_days: int | None = None,
    **fields: Unpack[UsageFields],
) -> UsageReport:
    if peer.agency_id != agency.pk:
        raise PermissionDenied("Only a peer of this agency files its usage forms.")
    if follow_up_days is not None and follow_up_days not in FOLLOW_UP_DAYS:
        raise ValidationError({"follow_up_days": "Choose one of the reminder delays offered."})
    report = _fill(UsageReport(agency=agency, peer=peer), fields)
    if follow_up_days:
        # To the peer alone; the text names only the date and type of the contact.
        queue(
            agency=agency,
            purpose="usage_follow_up",
            subject=report,
            recipients=[("person", peer.person_id, "")],
            channels=[Channel.EMAIL],
            due_at=timezone.now() + timedelta(days=follow_up_days),
        )
    return report


def may_correct(report: UsageReport, peer: Peer | None) -> bool:
    return (
        peer is not None
        and report.peer_id == peer.pk
        and timezone.now() - report.filed_at <= timedelta(days=CORRECTION_DAYS)
    )


@audited("usage_reports:edit", on="report", actor="peer.person.user")
def correct_report(
    *, report: UsageReport, peer: Peer, **fields: Unpack[UsageFields]
) -> UsageReport:
    report = UsageReport.objects.select_for_update().get(pk=report.pk)
    if not may_correct(report, peer):
        raise PermissionDenied(
            f"A usage form can be corrected by the peer who filed it, for {CORRECTION_DAYS} days."
        )
    return _fill(report, fields)


@audited("usage_reports:withdraw", on="report", actor="peer.person.user")
def withdraw_report(*, report: UsageReport, peer: Peer) -> None:
    """A form filed by mistake: its peer may withdraw it while it may still be corrected."""
    if not may_correct(report, peer):
        raise PermissionDenied(
            f"A usage form can be withdrawn by the peer who filed it, for {CORRECTION_DAYS} days."
        )
    cancel_for(subject=report)
    report.delete()


@audited("usage_reports:approve")
def approve_compensation(
    *, agency: Agency, report_ids: list[int], approve: bool, actor: User
) -> int:
    """The lead approves or declines off-duty consults for compensation (KCPD III.D.2)."""
    return (
        UsageReport.objects.for_agency(agency)
        .filter(pk__in=report_ids, on_duty=False)
        .update(compensation_approved=approve, compensation_declined=not approve)
    )


def _section(agency: Agency, field: str) -> str:
    return agency.policy.sources.get(field) or "the agency's policy"


def _allowance_refusal(agency: Agency, peer: Peer, taken_on: date) -> str | None:
    allowed = agency.policy.days_off_per_year or 0
    today = clock.today(agency)
    if not allowed:
        return "This agency's policy gives no days off."
    if not today.year - 1 <= taken_on.year <= today.year + 1:
        return f"Record a day off in {today.year - 1}, {today.year} or {today.year + 1}."
    taken = DayOff.objects.for_agency(agency).filter(peer=peer, taken_on__year=taken_on.year)
    if taken.filter(taken_on=taken_on).exists():
        return f"{peer.person.full_name} already has {taken_on:%B %-d, %Y} as a day off."
    if taken.count() >= allowed:
        return (
            f"{peer.person.full_name} has taken all {allowed} days off of {taken_on.year} "
            f"the policy allows ({_section(agency, 'days_off_per_year')})."
        )
    return None


@audited("usage_reports:day_off", actor="by")
def record_day_off(*, agency: Agency, peer_id: int, taken_on: date, by: User) -> DayOff:
    """A day off taken under the yearly allowance (SLMPD Team Activities 8). The peer's row is
    locked first, so two coordinators recording at once cannot pass the allowance."""
    peer = (
        Peer.objects.for_agency(agency).select_for_update().select_related("person").get(pk=peer_id)
    )
    refusal = _allowance_refusal(agency, peer, taken_on)
    if refusal:
        raise ValidationError(refusal)
    return DayOff.objects.create(agency=agency, peer=peer, taken_on=taken_on, recorded_by=by)


@audited("usage_reports:remove_day_off", on="day_off_id")
def remove_day_off(*, agency: Agency, day_off_id: int, actor: User) -> date:
    """A day off recorded by mistake. Another agency's answers DoesNotExist."""
    day = DayOff.objects.for_agency(agency).select_for_update().get(pk=day_off_id)
    day.delete()
    return day.taken_on
