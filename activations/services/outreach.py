"""Outreach (SLMPD Contact Guidelines 4): the team's contact card to a member who was injured on
duty, asked for FMLA leave, is under internal investigation or on administrative leave. Once the
card is sent, the product keeps only a count per reason per month, never who received it."""

from django.core.exceptions import ValidationError
from django.db.models import F

from activations.models import OutreachCount
from agencies import clock
from agencies.choices import OutreachReason
from agencies.models import Agency, User
from notifications.models import Channel, Message
from notifications.services import queue
from roster.models import Person
from security.audit import audited


# Never `on` the person: who was sent the card is kept nowhere, the audit log included.
@audited("activations:outreach")
def send_card(*, agency: Agency, person: Person, reason: str, actor: User) -> None:
    policy = agency.policy
    if reason not in policy.outreach_reasons:
        raise ValidationError({"reason": "The policy does not send the card for this reason."})
    if person.agency_id != agency.pk:
        raise ValidationError({"employee_number": "Nobody in the directory has this number."})
    if not person.email:
        raise ValidationError({"employee_number": "This person has no email in the directory."})
    month = clock.today(agency).replace(day=1)
    bucket, _ = OutreachCount.objects.get_or_create(agency=agency, month=month, reason=reason)
    # The recipient is only in the outbox row, which is deleted once the card is sent.
    queue(agency=agency, purpose="outreach", subject=bucket,
          recipients=[("person", person.pk, "")], channels=[Channel.EMAIL])  # fmt: skip


def count_sent(message: Message) -> None:
    OutreachCount.objects.filter(pk=message.subject_id).update(count=F("count") + 1)


def reasons(agency: Agency) -> list[tuple[str, str]]:
    labels = dict(OutreachReason.choices)
    return [(code, labels[code]) for code in agency.policy.outreach_reasons]
